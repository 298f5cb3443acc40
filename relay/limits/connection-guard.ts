// Rate limits in front of a session: every frame and control message a browser sends passes through here before
// the session (and Gemini, which bills it) sees it. Over the uplink's rate (real time plus a small burst) or the
// control rate, the scene is closed with a coded error: a client that sends faster than a person speaks is not a
// person. An utterance longer than maxUtteranceMs stops being forwarded (the player hears why, once).
import { OPUS_FRAME_MS } from '../../shared/constants.js';
import type { ErrorCode } from '../../shared/errors.js';
import { FRAME_HEADER_BYTES } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { Logger } from '../log.js';
import type { ClientConnection } from '../session/connection.js';
import type { RelayLimits } from './config.js';
import { publicErrorMessage } from './public-errors.js';
import { TokenBucket } from './token-bucket.js';

export type AbuseListener = (code: ErrorCode, message: string) => void;

/** Utterance ids whose frame counts are kept (the newest); a client cycling ids cannot grow the map. */
const TRACKED_UTTERANCES = 8;

/** Messages hold() keeps while a new scene is admitted (~4 s of audio and control at real time). */
const HELD_MAX = 400;

export class GuardedConnection implements ClientConnection {
  private readonly uplink: TokenBucket;
  private readonly control: TokenBucket;
  private readonly framesByUtterance = new Map<number, number>();
  private readonly maxUtteranceFrames: number;
  private abuseListener: AbuseListener | null = null;
  private abused = false;
  /** Last audio frame or non-ping control message (ms, performance.now()). */
  lastActivityMs: number;

  private held: Array<{ control: string | Uint8Array } | { audio: Uint8Array }> | null = null;
  private controlHandler: ((raw: string | Uint8Array) => void) | undefined;
  private audioHandler: ((frame: Uint8Array) => void) | undefined;

  constructor(
    private readonly inner: ClientConnection,
    private readonly limits: RelayLimits,
    private readonly logger?: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    const nowMs = now();
    this.lastActivityMs = nowMs;
    this.uplink = new TokenBucket(limits.uplinkFramesPerS, limits.uplinkBurstFrames, nowMs);
    this.control = new TokenBucket(limits.controlPerS, limits.controlBurst, nowMs);
    this.maxUtteranceFrames = Math.ceil(limits.maxUtteranceMs / OPUS_FRAME_MS);
  }

  get kind() {
    return this.inner.kind;
  }
  get id() {
    return this.inner.id;
  }
  get userId() {
    return this.inner.userId;
  }
  get isOpen() {
    return this.inner.isOpen;
  }
  get framesDropped() {
    return this.inner.framesDropped;
  }
  /** The connection underneath (the pending budget and the transports know it by that). */
  get unwrapped(): ClientConnection {
    return this.inner;
  }

  /** Who ends the scene when this client abuses it (the session manager); replaces the previous one. */
  onAbuse(listener: AbuseListener): void {
    this.abuseListener = listener;
  }

  sendControl(message: RelayMessage): void {
    if (message.type === 'error') {
      const outgoing = publicErrorMessage(message.code, message.message);
      if (outgoing.replaced) {
        this.logger?.warn('error sent to the browser with a public message', {
          connectionId: this.inner.id,
          code: message.code,
          detail: message.message,
        });
        this.inner.sendControl({ ...message, message: outgoing.message });
        return;
      }
    }
    this.inner.sendControl(message);
  }

  sendAudio(frame: Uint8Array): boolean {
    return this.inner.sendAudio(frame);
  }

  /**
   * Queues what the client sends from now until release(): a new scene's admission reads Firestore, and a client
   * sends its first line right after hello (over a WebSocket, in the same read as the hello). At most HELD_MAX
   * messages (the admission is bounded at 4 s, ~200 audio frames); past that they are dropped.
   */
  hold(): void {
    const held: Array<{ control: string | Uint8Array } | { audio: Uint8Array }> = [];
    this.held = held;
    this.inner.onControl((raw) => {
      if (held.length < HELD_MAX) held.push({ control: raw });
    });
    this.inner.onAudio((frame) => {
      if (held.length < HELD_MAX) held.push({ audio: frame });
    });
  }

  /** Hands what hold() queued, in order, to the listeners registered since (the scene's), through the limits. */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const item of held) {
      if ('control' in item) this.controlHandler?.(item.control);
      else this.audioHandler?.(item.audio);
    }
  }

  onControl(listener: (raw: string | Uint8Array) => void): void {
    this.controlHandler = (raw) => {
      if (this.abused) return;
      const nowMs = this.now();
      if (!this.control.take(nowMs)) {
        this.abuse('limit.control_rate', `more than ${this.limits.controlPerS} control messages a second`);
        return;
      }
      // Heartbeats keep a connection alive, not a scene: an idle scene is one where only pings arrive.
      if (typeof raw !== 'string' || !raw.includes('"ping"')) this.lastActivityMs = nowMs;
      listener(raw);
    };
    this.inner.onControl(this.controlHandler);
  }

  onAudio(listener: (frame: Uint8Array) => void): void {
    let warnedUtterance = -1;
    this.audioHandler = (frame) => {
      if (this.abused) return;
      const nowMs = this.now();
      if (!this.uplink.take(nowMs)) {
        this.abuse(
          'limit.uplink_rate',
          `audio arrived faster than real time (over ${this.limits.uplinkFramesPerS} frames a second)`,
        );
        return;
      }
      this.lastActivityMs = nowMs;
      if (frame.byteLength >= FRAME_HEADER_BYTES) {
        const utteranceId = (frame[2]! << 8) | frame[3]!;
        const count = (this.framesByUtterance.get(utteranceId) ?? 0) + 1;
        this.framesByUtterance.delete(utteranceId);
        this.framesByUtterance.set(utteranceId, count);
        if (this.framesByUtterance.size > TRACKED_UTTERANCES) {
          this.framesByUtterance.delete(this.framesByUtterance.keys().next().value!);
        }
        if (count > this.maxUtteranceFrames) {
          if (warnedUtterance !== utteranceId) {
            warnedUtterance = utteranceId;
            this.inner.sendControl({
              type: 'error',
              code: 'limit.utterance_length',
              message: `one line can be at most ${Math.round(this.limits.maxUtteranceMs / 1000)} s; the rest was not heard`,
              fatal: false,
            });
          }
          return;
        }
      }
      listener(frame);
    };
    this.inner.onAudio(this.audioHandler);
  }

  onClose(listener: (reason: string) => void): void {
    this.inner.onClose(listener);
  }

  close(reason: string): void {
    this.inner.close(reason);
  }

  private abuse(code: ErrorCode, message: string): void {
    this.abused = true;
    if (this.abuseListener) {
      this.abuseListener(code, message);
      return;
    }
    this.inner.sendControl({ type: 'error', code, message, fatal: true });
    this.inner.close(code);
  }
}
