import { describe, expect, it } from 'vitest';
import { EventLoopLag } from './event-loop-lag.js';

const until = async (condition: () => boolean, deadlineMs: number) => {
  const endMs = performance.now() + deadlineMs;
  while (!condition() && performance.now() < endMs) await new Promise((resolve) => setImmediate(resolve));
};

describe('EventLoopLag', () => {
  it('reports a loop blocked for 80 ms as lag of tens of ms, and nothing after a reset', async () => {
    const lag = new EventLoopLag();
    // Let the sampler take its first samples, then hold the loop.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const blockUntilMs = performance.now() + 80;
    while (performance.now() < blockUntilMs) {
      // busy: the event loop cannot run the sampler
    }
    await until(() => lag.summary().maxMs >= 50, 1_000);
    expect(lag.summary().maxMs).toBeGreaterThanOrEqual(50);
    lag.reset();
    expect(lag.summary()).toEqual({ p50Ms: 0, p99Ms: 0, maxMs: 0 });
  });
});
