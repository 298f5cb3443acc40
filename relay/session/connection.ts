// What a session needs from the browser's connection. WebRTC data channels implement it today; the WebSocket
// fallback carrying the same frames and messages can implement it without the session changing.
import type { RelayMessage } from '../../shared/protocol.js';

export interface ClientConnection {
  readonly kind: 'webrtc' | 'websocket';
  readonly id: string;
  /** Who opened it (Authenticator user id from the signaling request / upgrade); undefined without one. */
  readonly userId?: string;
  readonly isOpen: boolean;
  /** Downlink frames dropped because the connection was backed up. */
  readonly framesDropped: number;
  /** Reliable, ordered. */
  sendControl(message: RelayMessage): void;
  /** Unreliable; false when the frame was dropped. */
  sendAudio(frame: Uint8Array): boolean;
  /** Raw control messages (text; bytes if the client sent binary), not yet validated. */
  onControl(listener: (raw: string | Uint8Array) => void): void;
  /** Raw audio frames, not yet validated. */
  onAudio(listener: (frame: Uint8Array) => void): void;
  onClose(listener: (reason: string) => void): void;
  close(reason: string): void;
}
