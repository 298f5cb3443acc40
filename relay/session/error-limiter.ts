// Token bucket for `error` replies: a client flooding bad input gets a few errors and then silence, so the relay
// never sends more than it receives (no amplification) and the suppressed count is still reported.

export class ErrorLimiter {
  private tokens: number;
  private lastRefillMs: number;
  suppressed = 0;

  constructor(
    private readonly burst = 10,
    private readonly refillPerSecond = 2,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.lastRefillMs = now();
  }

  /** True when an error reply may be sent now. */
  allow(): boolean {
    const nowMs = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.lastRefillMs) / 1000) * this.refillPerSecond);
    this.lastRefillMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.suppressed++;
    return false;
  }
}
