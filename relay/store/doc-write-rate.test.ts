import { describe, expect, it } from 'vitest';
import { DocWriteRate } from './doc-write-rate.js';

describe('DocWriteRate', () => {
  it('reports the most writes one document got within a sliding second', () => {
    const rate = new DocWriteRate();
    // Document a every 100 ms for a second and a half; b once a second.
    for (let t = 0; t < 1_500; t += 100) rate.record(t % 1_000 === 0 ? ['a', 'b'] : ['a'], t);
    expect(rate.maxWritesPerWindow).toBe(10);
    expect(rate.maxWritesPerSecond).toBe(10);
  });

  it('counts writes exactly a second apart in different windows, and forgets idle documents', () => {
    const rate = new DocWriteRate();
    for (let t = 0; t <= 5_000; t += 1_000) rate.record(['a'], t);
    expect(rate.maxWritesPerSecond).toBe(1);
    rate.record(['a'], 5_400);
    expect(rate.maxWritesPerSecond).toBe(2);
    rate.reset();
    expect(rate.maxWritesPerSecond).toBe(0);
  });
});
