// When to retry a failed Firestore write, and how long to wait first.

/** gRPC status codes worth retrying: the write may succeed if sent again unchanged. */
export const TRANSIENT_GRPC_CODES: ReadonlySet<number> = new Set([
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  14, // UNAVAILABLE
]);

export function isTransientError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' && TRANSIENT_GRPC_CODES.has(code);
}

export interface RetryPolicy {
  /** Delay before retry number `attempt` (1 = first retry). Never gives up: a turn is never dropped for time. */
  nextRetryDelayMs(attempt: number): number;
}

export const RETRY_BASE_DELAY_MS = 100;
/** A short cap: once Firestore is back, the backlog should start draining within a couple of seconds. */
export const RETRY_MAX_DELAY_MS = 2_000;

export class ExponentialBackoff implements RetryPolicy {
  constructor(
    private readonly baseDelayMs = RETRY_BASE_DELAY_MS,
    private readonly maxDelayMs = RETRY_MAX_DELAY_MS,
    private readonly random: () => number = Math.random,
  ) {}

  nextRetryDelayMs(attempt: number): number {
    const ceilingMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    // Half fixed, half random: relays that lost Firestore together spread out, yet each still backs off.
    return ceilingMs / 2 + this.random() * (ceilingMs / 2);
  }
}
