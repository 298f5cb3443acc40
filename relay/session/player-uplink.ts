// Player audio from the browser to the upstream: shared frame → checks → Opus decode to PCM16 16 kHz → upstream.
// Utterance boundaries (from `control`) become Live activityStart/activityEnd; audio outside an utterance is dropped.

import type { AppError } from '../../shared/errors.js';
import { decodeFrame, FrameError, FrameFlag } from '../../shared/frame.js';
import { CodecError, UplinkDecoder } from '../codec/opus.js';
import type { Upstream } from '../live/upstream.js';
import type { LatencyHistogram } from '../metrics/histogram.js';
import { UplinkStats } from './uplink-stats.js';

export type UplinkResult = { ok: true } | { ok: false; error: FrameError | AppError };

const OK: UplinkResult = { ok: true };

/**
 * `audio` and `control` are separate SCTP streams, so utterance.end can overtake the utterance's last frames.
 * It carries the frame count: activityEnd waits until that many frames arrived, or this long at most.
 */
export const UTTERANCE_TAIL_WAIT_MS = 120;

export class PlayerUplink {
  readonly stats = new UplinkStats();
  private readonly decoder = new UplinkDecoder();
  private activeUtteranceId: number | null = null;
  private lastEndedUtteranceId: number | null = null;
  private framesInUtterance = 0;
  /** Set between utterance.end and activityEnd while the tail frames are still expected. */
  private closing: { utteranceId: number; frameCount: number; timer: NodeJS.Timeout } | null = null;
  /** Frames that arrived for no open utterance (late after its end, or before any start). */
  framesOutsideUtterance = 0;
  /** Frames that arrived while the upstream was reconnecting (resuming after goAway or a drop). */
  framesWithoutUpstream = 0;

  constructor(
    private readonly upstream: () => Upstream | null,
    private readonly latency: LatencyHistogram,
  ) {}

  get utteranceId(): number | null {
    return this.activeUtteranceId;
  }

  /** Returns true when this started a new utterance upstream. */
  startUtterance(utteranceId: number): boolean {
    if (this.activeUtteranceId === utteranceId) return false;
    if (this.activeUtteranceId !== null) this.finishUtterance();
    this.activeUtteranceId = utteranceId;
    this.framesInUtterance = 0;
    this.stats.resetJitterReference();
    this.upstream()?.activityStart();
    return true;
  }

  /**
   * The browser's VAD heard the end of speech after `frameCount` frames. Returns true when this closes the
   * open utterance; activityEnd goes upstream once its frames are in (or after UTTERANCE_TAIL_WAIT_MS).
   */
  endUtterance(utteranceId: number, frameCount: number): boolean {
    if (this.activeUtteranceId !== utteranceId || this.closing) return false;
    if (this.framesInUtterance >= frameCount) {
      this.finishUtterance();
    } else {
      const timer = setTimeout(() => this.finishUtterance(), UTTERANCE_TAIL_WAIT_MS);
      this.closing = { utteranceId, frameCount, timer };
    }
    return true;
  }

  /**
   * Drops the open utterance (its connection went away mid-speech): activityEnd goes upstream so Live is not
   * left mid-activity, and its late frames stay stale. Returns the cancelled utterance id, or null if none was
   * open. The caller discards the model's reply to the half-turn.
   */
  cancelUtterance(): number | null {
    const cancelled = this.activeUtteranceId;
    if (cancelled === null) return null;
    this.finishUtterance();
    return cancelled;
  }

  /** Stops waiting for tail frames (session ending). */
  dispose(): void {
    if (this.closing) clearTimeout(this.closing.timer);
    this.closing = null;
  }

  private finishUtterance(): void {
    if (this.activeUtteranceId === null) return;
    if (this.closing) clearTimeout(this.closing.timer);
    this.closing = null;
    this.lastEndedUtteranceId = this.activeUtteranceId;
    this.activeUtteranceId = null;
    this.upstream()?.activityEnd();
  }

  /** `arrivalMs` is performance.now() when the frame came off the channel. */
  handleFrame(bytes: Uint8Array, arrivalMs: number): UplinkResult {
    let frame: ReturnType<typeof decodeFrame>;
    try {
      frame = decodeFrame(bytes);
    } catch (error) {
      this.stats.framesRejected++;
      if (error instanceof FrameError) return { ok: false, error };
      throw error;
    }
    this.stats.record(frame.seq, frame.timestampMs, arrivalMs, bytes.byteLength);
    // `audio` and `control` are separate streams, so a new utterance's first frames can beat its
    // utterance.start; a Start/PreRoll frame of a new utterance opens it. Anything else is stale.
    const opensUtterance =
      this.activeUtteranceId === null &&
      (frame.flags & (FrameFlag.Start | FrameFlag.PreRoll)) !== 0 &&
      frame.streamId !== this.lastEndedUtteranceId;
    if (this.activeUtteranceId !== frame.streamId && !opensUtterance) {
      this.framesOutsideUtterance++;
      return OK;
    }
    let pcm: Buffer;
    try {
      pcm = this.decoder.decode(frame.payload);
    } catch (error) {
      this.stats.framesRejected++;
      if (error instanceof CodecError) return { ok: false, error };
      throw error;
    }
    // Only a frame that decodes may open an utterance.
    if (opensUtterance) this.startUtterance(frame.streamId);
    const upstream = this.upstream();
    if (!upstream) {
      this.framesWithoutUpstream++;
      return OK;
    }
    upstream.sendAudio(pcm);
    this.latency.record(performance.now() - arrivalMs);
    this.framesInUtterance++;
    if (this.closing && this.framesInUtterance >= this.closing.frameCount) this.finishUtterance();
    return OK;
  }
}
