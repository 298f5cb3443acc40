// Binary audio frame layout, the one definition both sides use.
//
//  offset size field
//  0      1    version (FRAME_VERSION)
//  1      1    flags (FrameFlag bits)
//  2      2    streamId  u16 BE — uplink: the utterance id; downlink: the partner turn id
//  4      4    seq       u32 BE — per direction, per session, wraps
//  8      4    timestampMs u32 BE — sender's clock in ms (wraps), for jitter and latency
//  12     …    one Opus packet (20 ms)
import { MAX_OPUS_PACKET_BYTES } from './constants.js';

export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 12;
export const MAX_FRAME_BYTES = FRAME_HEADER_BYTES + MAX_OPUS_PACKET_BYTES;

export const FrameFlag = {
  /** First frame of an utterance / partner turn. */
  Start: 1 << 0,
  /** Part of the pre-roll captured before the VAD confirmed speech. */
  PreRoll: 1 << 1,
  /** Last frame of an utterance / partner turn. */
  End: 1 << 2,
  /**
   * Uplink: a frame of a line sent again after a drop (protocol 2), with its original seq and timestamp; paced at
   * most RESEND_MAX_SPEEDUP times real time. Not a live frame: jitter/loss figures skip it.
   */
  Resent: 1 << 3,
} as const;

export interface AudioFrame {
  flags: number;
  streamId: number;
  seq: number;
  timestampMs: number;
  payload: Uint8Array;
}

export class FrameError extends Error {
  constructor(
    readonly code: 'frame.too_short' | 'frame.too_large' | 'frame.bad_version' | 'frame.empty',
    message: string,
  ) {
    super(message);
  }
}

export function encodeFrame(frame: AudioFrame): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + frame.payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, FRAME_VERSION);
  view.setUint8(1, frame.flags & 0xff);
  view.setUint16(2, frame.streamId & 0xffff);
  view.setUint32(4, frame.seq >>> 0);
  view.setUint32(8, frame.timestampMs >>> 0);
  out.set(frame.payload, FRAME_HEADER_BYTES);
  return out;
}

/** Parses one frame; the payload is a view into `bytes`, not a copy. Throws FrameError on bad input. */
export function decodeFrame(bytes: Uint8Array): AudioFrame {
  if (bytes.byteLength > MAX_FRAME_BYTES) {
    throw new FrameError('frame.too_large', `audio frame of ${bytes.byteLength} bytes exceeds ${MAX_FRAME_BYTES}`);
  }
  if (bytes.byteLength < FRAME_HEADER_BYTES) {
    throw new FrameError('frame.too_short', `audio frame of ${bytes.byteLength} bytes is shorter than its header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== FRAME_VERSION) {
    throw new FrameError('frame.bad_version', `audio frame version ${version}, expected ${FRAME_VERSION}`);
  }
  if (bytes.byteLength === FRAME_HEADER_BYTES) {
    throw new FrameError('frame.empty', 'audio frame carries no Opus packet');
  }
  return {
    flags: view.getUint8(1),
    streamId: view.getUint16(2),
    seq: view.getUint32(4),
    timestampMs: view.getUint32(8),
    payload: bytes.subarray(FRAME_HEADER_BYTES),
  };
}

/** Distance from `a` to `b` in a wrapping u32 sequence space (positive when b is after a). */
export function seqDelta(a: number, b: number): number {
  return ((b - a + 0x80000000) >>> 0) - 0x80000000;
}

/** Distance from `a` to `b` in the wrapping u16 streamId space (utterance ids): positive when b is after a. */
export function streamIdDelta(a: number, b: number): number {
  return ((((b - a + 0x8000) % 0x10000) + 0x10000) % 0x10000) - 0x8000;
}
