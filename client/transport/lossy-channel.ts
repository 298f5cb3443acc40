// The `audio` channel's send side, after LiveKit's LossyDataChannel: keep our own buffered
// latency near a target by retuning the watermark to the measured byte rate, and drop (and count)
// a frame above the watermark rather than queue it. A late audio frame is worth nothing.

import { OPUS_FRAME_MS, UPLINK_BITRATE_BPS, VAD_PRE_SPEECH_PAD_MS } from '../../shared/constants.js';
import { FRAME_HEADER_BYTES } from '../../shared/frame.js';

export interface LossyChannelTarget {
  readonly bufferedAmount: number;
  readonly readyState: string;
  send(data: Uint8Array<ArrayBuffer>): void;
}

export interface LossyChannelOptions {
  /** How much audio we let sit in the send buffer. */
  targetLatencyMs?: number;
  /** Floor for the watermark, so a quiet start does not drop the first frames. */
  minWatermarkBytes?: number;
  /** How often the byte rate is measured and the watermark retuned. */
  rateWindowMs?: number;
  now?: () => number;
  /** Called on the first drop and every hundredth after it. */
  onDropLog?: (dropped: number) => void;
}

export interface LossyChannelStats {
  sentFrames: number;
  droppedFrames: number;
  watermarkBytes: number;
}

export const DEFAULT_TARGET_LATENCY_MS = 100;
/** Nominal bytes of one uplink frame on the wire: header + one 20 ms Opus packet at the target bitrate. */
const NOMINAL_UPLINK_FRAME_BYTES = FRAME_HEADER_BYTES + (UPLINK_BITRATE_BPS / 8) * (OPUS_FRAME_MS / 1000);
/**
 * The VAD releases its pre-roll as one burst when speech starts; the floor must hold that burst
 * (plus 100 ms, with 2x headroom for VBR) or the first syllable is what we drop.
 */
export const DEFAULT_MIN_WATERMARK_BYTES = Math.ceil(
  2 * NOMINAL_UPLINK_FRAME_BYTES * ((VAD_PRE_SPEECH_PAD_MS + DEFAULT_TARGET_LATENCY_MS) / OPUS_FRAME_MS),
);
const DROP_LOG_EVERY = 100;

export class LossyChannel {
  readonly #target: LossyChannelTarget;
  readonly #targetLatencyMs: number;
  readonly #minWatermarkBytes: number;
  readonly #rateWindowMs: number;
  readonly #now: () => number;
  readonly #onDropLog: (dropped: number) => void;
  #watermarkBytes: number;
  #windowStartMs: number;
  #windowBytes = 0;
  #sentFrames = 0;
  #droppedFrames = 0;

  constructor(target: LossyChannelTarget, options: LossyChannelOptions = {}) {
    this.#target = target;
    this.#targetLatencyMs = options.targetLatencyMs ?? DEFAULT_TARGET_LATENCY_MS;
    this.#minWatermarkBytes = options.minWatermarkBytes ?? DEFAULT_MIN_WATERMARK_BYTES;
    this.#rateWindowMs = options.rateWindowMs ?? 1_000;
    this.#now = options.now ?? (() => performance.now());
    this.#onDropLog = options.onDropLog ?? ((n) => console.warn(`audio channel backed up: ${n} frames dropped`));
    this.#watermarkBytes = this.#minWatermarkBytes;
    this.#windowStartMs = this.#now();
  }

  /** Sends one frame, or drops it when the channel is not open or is backed up. Returns whether it was sent. */
  send(frame: Uint8Array): boolean {
    this.#retune();
    if (this.#target.readyState !== 'open' || this.#target.bufferedAmount > this.#watermarkBytes) {
      this.#droppedFrames++;
      if (this.#droppedFrames % DROP_LOG_EVERY === 1) this.#onDropLog(this.#droppedFrames);
      return false;
    }
    // Frames are built over plain ArrayBuffers (shared/frame.ts encodeFrame).
    this.#target.send(frame as Uint8Array<ArrayBuffer>);
    this.#windowBytes += frame.byteLength;
    this.#sentFrames++;
    return true;
  }

  stats(): LossyChannelStats {
    return { sentFrames: this.#sentFrames, droppedFrames: this.#droppedFrames, watermarkBytes: this.#watermarkBytes };
  }

  #retune(): void {
    const nowMs = this.#now();
    const elapsedMs = nowMs - this.#windowStartMs;
    if (elapsedMs < this.#rateWindowMs) return;
    const bytesPerMs = this.#windowBytes / elapsedMs;
    this.#watermarkBytes = Math.max(this.#minWatermarkBytes, Math.round(bytesPerMs * this.#targetLatencyMs));
    this.#windowStartMs = nowMs;
    this.#windowBytes = 0;
  }
}
