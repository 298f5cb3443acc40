import { describe, expect, it } from 'vitest';
import { type BackoffOptions, backoffDelayMs, createReconnectPolicy, DEFAULT_BACKOFF } from './backoff.js';

const options: BackoffOptions = {
  firstRetryWindowMs: 300,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  jitterRatio: 0.5,
  maxRetries: 8,
  maxElapsedMs: 30_000,
};

describe('backoffDelayMs', () => {
  it('puts the first retry in a random window', () => {
    expect(backoffDelayMs({ retryCount: 0, elapsedMs: 0 }, options, () => 0)).toBe(0);
    expect(backoffDelayMs({ retryCount: 0, elapsedMs: 0 }, options, () => 0.5)).toBe(150);
    expect(backoffDelayMs({ retryCount: 0, elapsedMs: 0 }, options, () => 0.999)).toBe(299);
  });

  it('doubles later delays up to the cap when there is no jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((retryCount) =>
      backoffDelayMs({ retryCount, elapsedMs: 0 }, options, () => 0),
    );
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  it('jitter only shortens a delay, by at most jitterRatio', () => {
    for (let retryCount = 1; retryCount < 8; retryCount++) {
      const full = backoffDelayMs({ retryCount, elapsedMs: 0 }, options, () => 0)!;
      const jittered = backoffDelayMs({ retryCount, elapsedMs: 0 }, options, () => 0.999_999)!;
      expect(jittered).toBeLessThanOrEqual(full);
      expect(jittered).toBeGreaterThanOrEqual(full * (1 - options.jitterRatio) - 1);
      expect(jittered).toBeLessThanOrEqual(options.maxDelayMs);
    }
  });

  it('gives up after maxRetries or maxElapsedMs', () => {
    expect(backoffDelayMs({ retryCount: 7, elapsedMs: 0 }, options, () => 0)).not.toBeNull();
    expect(backoffDelayMs({ retryCount: 8, elapsedMs: 0 }, options, () => 0)).toBeNull();
    expect(backoffDelayMs({ retryCount: 2, elapsedMs: 30_000 }, options, () => 0)).toBeNull();
  });

  it('spreads real random first retries across the window', () => {
    const policy = createReconnectPolicy(DEFAULT_BACKOFF);
    const delays = Array.from({ length: 200 }, () => policy.nextRetryDelayMs({ retryCount: 0, elapsedMs: 0 })!);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(DEFAULT_BACKOFF.firstRetryWindowMs);
    expect(new Set(delays).size).toBeGreaterThan(20);
  });
});
