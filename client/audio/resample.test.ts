import { describe, expect, it } from 'vitest';
import { resampleLinear } from './resample.js';

describe('resampleLinear', () => {
  it('returns the input when the rates match', () => {
    const input = new Float32Array([1, 2, 3]);
    expect(resampleLinear(input, 48_000, 48_000)).toBe(input);
  });

  it('upsamples 24 kHz to 48 kHz by interpolating', () => {
    const out = resampleLinear(new Float32Array([0, 1, 0, -1]), 24_000, 48_000);
    expect(Array.from(out)).toEqual([0, 0.5, 1, 0.5, 0, -0.5, -1, -1]);
  });

  it('keeps the duration of a 20 ms frame', () => {
    expect(resampleLinear(new Float32Array(480), 24_000, 48_000)).toHaveLength(960);
    expect(resampleLinear(new Float32Array(960), 48_000, 16_000)).toHaveLength(320);
  });
});
