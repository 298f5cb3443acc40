// Drives one outage: retries on the backoff policy, each attempt bounded in time, until an attempt
// reconnects or the grace period (how long the relay keeps the session) is over. `retryNow()` skips
// the wait, for the browser's `online` event.
import type { ReconnectPolicy } from './backoff.js';

export interface ReconnectorOptions {
  policy: ReconnectPolicy;
  /** Give up this long after the outage began, whatever the policy says. */
  graceMs: number;
  /** One attempt (connect + hello + welcome) that takes longer is abandoned and retried. */
  attemptTimeoutMs: number;
  now: () => number;
  /** Resolves once reconnected; rejects (or is aborted through `signal`) when this attempt failed. */
  attempt(signal: AbortSignal): Promise<void>;
  onReconnected(): void;
  onGiveUp(reason: string): void;
}

export class Reconnector {
  readonly #options: ReconnectorOptions;
  #startedAtMs = 0;
  #retryCount = 0;
  #active = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #giveUpTimer: ReturnType<typeof setTimeout> | null = null;
  #attempt: AbortController | null = null;

  constructor(options: ReconnectorOptions) {
    this.#options = options;
  }

  get active(): boolean {
    return this.#active;
  }

  /** Attempts started so far in this outage. */
  get retryCount(): number {
    return this.#retryCount;
  }

  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#startedAtMs = this.#options.now();
    this.#retryCount = 0;
    this.#giveUpTimer = setTimeout(
      () => this.#giveUp(`no connection within ${this.#options.graceMs} ms`),
      this.#options.graceMs,
    );
    this.#schedule();
  }

  /** The network is back: abandon the wait (and any attempt made while it was down) and try now. */
  retryNow(): void {
    if (!this.#active) return;
    this.#clearRetryTimer();
    this.#attempt?.abort();
    this.#attempt = null;
    this.#run();
  }

  stop(): void {
    this.#active = false;
    this.#clearRetryTimer();
    if (this.#giveUpTimer) clearTimeout(this.#giveUpTimer);
    this.#giveUpTimer = null;
    this.#attempt?.abort();
    this.#attempt = null;
  }

  #schedule(): void {
    const delayMs = this.#options.policy.nextRetryDelayMs({
      retryCount: this.#retryCount,
      elapsedMs: this.#options.now() - this.#startedAtMs,
    });
    if (delayMs === null) {
      this.#giveUp(`gave up after ${this.#retryCount} attempts`);
      return;
    }
    this.#retryTimer = setTimeout(() => this.#run(), delayMs);
  }

  #run(): void {
    this.#retryTimer = null;
    this.#retryCount++;
    const attempt = new AbortController();
    this.#attempt = attempt;
    const timer = setTimeout(() => attempt.abort(), this.#options.attemptTimeoutMs);
    const current = () => this.#active && this.#attempt === attempt;
    let outcome: Promise<void>;
    try {
      outcome = this.#options.attempt(attempt.signal);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome
      .then(
        () => {
          if (!current()) return;
          // The attempt's connection is now THE connection: stop() must not abort it.
          this.#attempt = null;
          clearTimeout(timer);
          this.stop();
          this.#options.onReconnected();
        },
        () => {
          if (!current()) return;
          this.#attempt = null;
          this.#schedule();
        },
      )
      .finally(() => clearTimeout(timer));
  }

  #giveUp(reason: string): void {
    if (!this.#active) return;
    this.stop();
    this.#options.onGiveUp(reason);
  }

  #clearRetryTimer(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }
}
