import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameError,
  FrameFlag,
  MAX_FRAME_BYTES,
  seqDelta,
} from './frame.js';

describe('audio frame layout', () => {
  it('round-trips every header field and the payload', () => {
    const payload = new Uint8Array([1, 2, 3, 250, 251]);
    const bytes = encodeFrame({
      flags: FrameFlag.Start | FrameFlag.PreRoll,
      streamId: 65_535,
      seq: 0xfffffffe,
      timestampMs: 123_456_789,
      payload,
    });
    expect(bytes.byteLength).toBe(FRAME_HEADER_BYTES + payload.byteLength);
    const frame = decodeFrame(bytes);
    expect(frame.flags).toBe(FrameFlag.Start | FrameFlag.PreRoll);
    expect(frame.streamId).toBe(65_535);
    expect(frame.seq).toBe(0xfffffffe);
    expect(frame.timestampMs).toBe(123_456_789);
    expect([...frame.payload]).toEqual([...payload]);
  });

  it('decodes a frame that sits at an offset inside a larger buffer', () => {
    const inner = encodeFrame({ flags: 0, streamId: 7, seq: 9, timestampMs: 11, payload: new Uint8Array([42]) });
    const outer = new Uint8Array(inner.byteLength + 5);
    outer.set(inner, 5);
    const frame = decodeFrame(outer.subarray(5));
    expect(frame.seq).toBe(9);
    expect([...frame.payload]).toEqual([42]);
  });

  it.each([
    ['too short', new Uint8Array(FRAME_HEADER_BYTES - 1), 'frame.too_short'],
    ['too large', new Uint8Array(MAX_FRAME_BYTES + 1), 'frame.too_large'],
    [
      'empty payload',
      encodeFrame({ flags: 0, streamId: 0, seq: 0, timestampMs: 0, payload: new Uint8Array() }),
      'frame.empty',
    ],
  ])('rejects a frame that is %s', (_name, bytes, code) => {
    expect(() => decodeFrame(bytes)).toThrowError(FrameError);
    try {
      decodeFrame(bytes);
    } catch (error) {
      expect((error as FrameError).code).toBe(code);
    }
  });

  it('rejects an unknown version', () => {
    const bytes = encodeFrame({ flags: 0, streamId: 0, seq: 0, timestampMs: 0, payload: new Uint8Array([1]) });
    bytes[0] = 99;
    expect(() => decodeFrame(bytes)).toThrow(/version 99/);
  });

  it('measures sequence distance across the u32 wrap', () => {
    expect(seqDelta(0xffffffff, 0)).toBe(1);
    expect(seqDelta(0, 0xffffffff)).toBe(-1);
    expect(seqDelta(10, 15)).toBe(5);
  });
});
