import { describe, expect, it } from 'vitest';
import { LevelMeter, levelFromRms } from './level-meter.js';

describe('LevelMeter', () => {
  it('reports one level per window, on a dB scale', () => {
    const meter = new LevelMeter(800);
    expect(meter.push(new Float32Array(500).fill(0.1))).toEqual([]);
    const levels = meter.push(new Float32Array(300).fill(0.1));
    expect(levels).toHaveLength(1);
    // 0.1 RMS is -20 dBFS: two thirds of the way from -60 to 0.
    expect(levels[0]).toBeCloseTo(2 / 3, 5);
    expect(meter.push(new Float32Array(800))).toEqual([0]);
  });

  it('clamps to 0..1', () => {
    expect(levelFromRms(0)).toBe(0);
    expect(levelFromRms(0.0001)).toBe(0);
    expect(levelFromRms(1)).toBe(1);
    expect(levelFromRms(2)).toBe(1);
  });
});
