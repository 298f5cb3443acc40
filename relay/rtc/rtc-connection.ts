// Adapts a RelayPeer's two data channels to the transport-neutral ClientConnection a session talks to.
import type { RelayMessage } from '../../shared/protocol.js';
import type { Logger } from '../log.js';
import type { ClientConnection } from '../session/connection.js';
import { LossyAudioChannel } from './lossy-channel.js';
import type { PeerChannels, RelayPeer } from './peer.js';

/** Upper bound on how long a closing connection waits for its last control messages to leave. */
const CLOSE_FLUSH_MAX_MS = 500;
const FLUSH_POLL_MS = 20;

export class RtcClientConnection implements ClientConnection {
  readonly kind = 'webrtc' as const;
  readonly id: string;
  private readonly audio: LossyAudioChannel;
  private controlListener: ((raw: string | Uint8Array) => void) | null = null;
  private audioListener: ((frame: Uint8Array) => void) | null = null;
  private closing = false;

  constructor(
    private readonly peer: RelayPeer,
    private readonly channels: PeerChannels,
    audioHighWatermarkBytes: number,
    private readonly logger: Logger,
    readonly userId?: string,
    /** Control messages queued for a client that is not reading; past it the peer is closed. */
    private readonly maxControlBufferBytes = Number.POSITIVE_INFINITY,
  ) {
    this.id = peer.peerId;
    this.audio = new LossyAudioChannel(channels.audio, audioHighWatermarkBytes, logger);
    // A throw inside a native callback would take the process down; contain it to this connection.
    channels.control.onMessage((message) => {
      try {
        this.controlListener?.(typeof message === 'string' ? message : toBytes(message));
      } catch (error) {
        this.logger.error('control handler failed', { peerId: this.id, error });
      }
    });
    channels.audio.onMessage((message) => {
      try {
        // A text message on `audio` is passed on as bytes so the session rejects it like any bad frame.
        this.audioListener?.(typeof message === 'string' ? Buffer.from(message) : toBytes(message));
      } catch (error) {
        this.logger.error('audio handler failed', { peerId: this.id, error });
      }
    });
  }

  get framesDropped(): number {
    return this.audio.framesDropped;
  }

  get isOpen(): boolean {
    return !this.peer.isClosed;
  }

  sendControl(message: RelayMessage): void {
    if (this.peer.isClosed || !this.channels.control.isOpen()) return;
    // SCTP queues without bound for a client that stops reading (and keeps sending pings): close it instead.
    if (this.channels.control.bufferedAmount() > this.maxControlBufferBytes) {
      this.logger.warn('control buffer full; closing', { peerId: this.id });
      this.peer.close('limit.backpressure: the client is not reading');
      return;
    }
    try {
      this.channels.control.sendMessage(JSON.stringify(message));
    } catch (error) {
      // Usually the peer went away between our check and the send; the close path handles the rest.
      this.logger.debug('control send failed', { peerId: this.id, type: message.type, error });
    }
  }

  sendAudio(frame: Uint8Array): boolean {
    return this.audio.send(frame);
  }

  onControl(listener: (raw: string | Uint8Array) => void): void {
    this.controlListener = listener;
  }

  onAudio(listener: (frame: Uint8Array) => void): void {
    this.audioListener = listener;
  }

  onClose(listener: (reason: string) => void): void {
    this.peer.onClose(listener);
  }

  /**
   * Closing the peer at once can drop control messages still queued in SCTP — the `error`, `coach.report`
   * and `session.ended` a session sends just before it closes. So the peer closes once `control` has
   * drained (checked every FLUSH_POLL_MS, at least one check), or after CLOSE_FLUSH_MAX_MS at the most.
   */
  close(reason: string): void {
    if (this.closing || this.peer.isClosed) return;
    this.closing = true;
    const startedAtMs = performance.now();
    const timer = setInterval(() => {
      const drained = !this.channels.control.isOpen() || this.channels.control.bufferedAmount() === 0;
      if (drained || performance.now() - startedAtMs >= CLOSE_FLUSH_MAX_MS) {
        clearInterval(timer);
        this.peer.close(reason);
      }
    }, FLUSH_POLL_MS);
  }
}

function toBytes(message: Buffer | ArrayBuffer): Uint8Array {
  return message instanceof ArrayBuffer ? new Uint8Array(message) : message;
}
