// How the client reaches the relay. WebRTC data channels today; a WebSocket carrying the
// same frames slots in behind this interface, so nothing above it knows which is in use.
import type { ClientMessage, RelayMessage } from '../../shared/protocol.js';

export type TransportState = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly kind: 'webrtc' | 'websocket';
  readonly state: TransportState;
  /** Opens the connection; resolves when both `audio` and `control` can carry data. */
  connect(signal?: AbortSignal): Promise<void>;
  /** One binary audio frame (shared/frame.ts). Dropped, and counted, when the channel is backed up. */
  sendFrame(frame: Uint8Array): void;
  /** One control message; reliable and ordered. */
  send(message: ClientMessage): void;
  onFrame(listener: (frame: Uint8Array) => void): () => void;
  onMessage(listener: (message: RelayMessage) => void): () => void;
  onState(listener: (state: TransportState, reason?: string) => void): () => void;
  close(): void;
}
