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

export interface PlayerUplinkOptions {
  /** The session already has this line (taken or answered): its start and frames are duplicates, never forwarded. */
  hasLine?: (utteranceId: number) => boolean;
  /**
   * A line carried over a connection change was given up by the browser (its next line started instead): it was
   * ended upstream (activityEnd) and the session drops the model's answer to the half line.
   */
  onCarriedOverDropped?: (utteranceId: number) => void;
}

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
  /** Frames of the open line that were already forwarded (its resend after a drop), and of lines already taken. */
  duplicateFrames = 0;
  /** Seqs of the open line already forwarded: a resend after a drop forwards only what Live did not get. */
  private readonly forwardedSeqs = new Set<number>();
  /** The open line began on an earlier connection: the browser resends it whole, or moves on to its next line. */
  private carriedOver = false;

  constructor(
    private readonly upstream: () => Upstream | null,
    private readonly latency: LatencyHistogram,
    private readonly options: PlayerUplinkOptions = {},
  ) {}

  get utteranceId(): number | null {
    return this.activeUtteranceId;
  }

  /** Returns true when this started a new utterance upstream (false for the open one, or a line already had). */
  startUtterance(utteranceId: number): boolean {
    if (this.activeUtteranceId === utteranceId) {
      // The browser resends the open line from its first frame: the frames Live has are skipped by seq.
      this.carriedOver = false;
      return false;
    }
    if (this.options.hasLine?.(utteranceId)) return false;
    if (this.activeUtteranceId !== null) {
      const dropped = this.carriedOver ? this.activeUtteranceId : null;
      this.finishUtterance();
      if (dropped !== null) this.options.onCarriedOverDropped?.(dropped);
    }
    this.activeUtteranceId = utteranceId;
    this.framesInUtterance = 0;
    this.forwardedSeqs.clear();
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
   * The browser's connection changed (dropped, or replaced by its resume) while a line was open: the line stays
   * open upstream (no activityEnd, Live never answers half a line) and waits for the browser to send it again.
   * Returns its id, or null when none was open.
   */
  carryOver(): number | null {
    if (this.activeUtteranceId === null || this.closing) return null;
    this.carriedOver = true;
    return this.activeUtteranceId;
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
    this.carriedOver = false;
    this.forwardedSeqs.clear();
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
    // A resent frame is not live: its seq and timestamp are from before the drop.
    const resent = (frame.flags & FrameFlag.Resent) !== 0;
    if (!resent) this.stats.record(frame.seq, frame.timestampMs, arrivalMs, bytes.byteLength);
    // `audio` and `control` are separate streams, so a new utterance's first frames can beat its
    // utterance.start; a Start/PreRoll frame of a new utterance opens it (also over a line carried over a
    // connection change that the browser gave up). Anything else is stale.
    const opensUtterance =
      (this.activeUtteranceId === null || (this.carriedOver && this.activeUtteranceId !== frame.streamId)) &&
      (frame.flags & (FrameFlag.Start | FrameFlag.PreRoll)) !== 0 &&
      frame.streamId !== this.lastEndedUtteranceId &&
      !this.options.hasLine?.(frame.streamId);
    if (this.activeUtteranceId !== frame.streamId && !opensUtterance) {
      if (this.options.hasLine?.(frame.streamId)) this.duplicateFrames++;
      else this.framesOutsideUtterance++;
      return OK;
    }
    if (!opensUtterance && this.forwardedSeqs.has(frame.seq)) {
      this.duplicateFrames++;
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
    this.forwardedSeqs.add(frame.seq);
    this.latency.record(performance.now() - arrivalMs);
    this.framesInUtterance++;
    if (this.closing && this.framesInUtterance >= this.closing.frameCount) this.finishUtterance();
    return OK;
  }
}
