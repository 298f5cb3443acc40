// Backoff with jitter and a cap: the one helper every retry in the client uses.

export interface BackoffContext {
  /** Retries already made (0 before the first retry). */
  retryCount: number;
  /** Time spent trying so far. */
  elapsedMs: number;
}

export interface ReconnectPolicy {
  /** Delay before the next try, or null to give up. */
  nextRetryDelayMs(context: BackoffContext): number | null;
}

export interface BackoffOptions {
  /** The first retry waits a random time in [0, firstRetryWindowMs). */
  firstRetryWindowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Share of each later delay that is randomized (0 = none, 1 = full jitter). */
  jitterRatio: number;
  maxRetries: number;
  /** Stop retrying once this much time has passed. */
  maxElapsedMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  // A blip usually recovers at once; the random window spreads out clients that dropped together.
  firstRetryWindowMs: 300,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  jitterRatio: 0.5,
  maxRetries: 10,
  maxElapsedMs: 60_000,
};

/** Delay before retry number `retryCount + 1`, or null when the policy gives up. `random` returns [0, 1). */
export function backoffDelayMs(
  context: BackoffContext,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number | null {
  if (context.retryCount >= options.maxRetries || context.elapsedMs >= options.maxElapsedMs) return null;
  if (context.retryCount === 0) return Math.floor(random() * options.firstRetryWindowMs);
  const exponentialMs = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (context.retryCount - 1));
  const jitterMs = exponentialMs * options.jitterRatio * random();
  // Jitter only shortens the delay, so the cap holds.
  return Math.round(exponentialMs - jitterMs);
}

export function createReconnectPolicy(
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): ReconnectPolicy {
  return { nextRetryDelayMs: (context) => backoffDelayMs(context, options, random) };
}
