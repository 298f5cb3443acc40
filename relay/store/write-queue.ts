// The write path to Firestore: enqueue never blocks (it runs on the audio path), writes are batched, transient
// failures are retried with backoff, and the backlog is bounded and visible to /readyz.
//
// Bound policy (documented in docs/data-model.md):
// - backlog < maxBacklog: healthy.
// - backlog >= maxBacklog: unhealthy; writes that can fold into one already waiting for the same key still fold
//   (free), other non-critical writes (usage/quality/phase updates) are shed and counted; critical writes (session
//   create/end, turns) are still kept.
// - backlog + write > maxBufferedWrites: the hard memory cap; even critical writes are refused and counted,
//   because a relay that runs out of memory loses every live scene, not one write.
//
// Per-key pacing (minKeyIntervalMs): a key committed less than that long ago waits, and what is enqueued for it
// meanwhile folds into its waiting write. While replies stream (a transcript piece every ~100 ms), a session's
// documents are then written about once a second instead of every batch. flush() and close() do not wait.
import { ExponentialBackoff, isTransientError, type RetryPolicy } from './retry-policy.js';

export interface QueuedWrite {
  /** Writes with the same key (a session id) are committed in enqueue order and may fold together. */
  readonly key: string;
  /** Never shed for backlog (turns, session create/end). */
  readonly critical: boolean;
  /** Document writes this adds to a commit (Firestore allows 500 per commit). */
  readonly writeCount: number;
  /** Folds a later write with the same key into this one (idempotent result); false when it cannot. */
  absorb(later: this): boolean;
}

export interface WriteQueueOptions<W extends QueuedWrite> {
  /** Commits the writes atomically; rejects with a gRPC-coded error on failure. Must be idempotent. */
  /** `startedAtMs` (the queue's clock): the moment per-key pacing counts this commit from. */
  commit(writes: readonly W[], startedAtMs: number): Promise<void>;
  flushIntervalMs?: number;
  maxBatchWrites?: number;
  maxBacklog?: number;
  maxBufferedWrites?: number;
  retryPolicy?: RetryPolicy;
  /** A key's writes commit at most once per this many ms (0 = every batch); flush/close do not wait for it. */
  minKeyIntervalMs?: number;
  /** performance.now() by default; tests pass a clock. */
  clockMs?: () => number;
  /** A write Firestore refused for good (not transient): it cannot ever land, so it leaves the queue. */
  onPermanentFailure?(writes: readonly W[], err: unknown): void;
}

export interface WriteQueueStats {
  committedWrites: number;
  commits: number;
  retries: number;
  shedWrites: number;
  refusedWrites: number;
  failedWrites: number;
  lastError: string | undefined;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 50;
export const DEFAULT_MAX_BATCH_WRITES = 200;
export const DEFAULT_MAX_BACKLOG = 1_000;
export const DEFAULT_MAX_BUFFERED_WRITES = 20_000;

/** Client errors can carry every retried attempt's message; a health endpoint needs the gist. */
const LAST_ERROR_CHARS = 300;

interface Entry<W> {
  write: W;
  inFlight: boolean;
}

export class WriteQueue<W extends QueuedWrite> {
  private readonly pending: Entry<W>[] = [];
  private readonly lastByKey = new Map<string, Entry<W>>();
  private backlogWrites = 0;
  private timer: NodeJS.Timeout | undefined;
  private inBackoff = false;
  private committing = false;
  private retryAttempt = 0;
  /** After a permanent error in a batch, this many head entries commit one by one to find the bad one. */
  private isolateEntries = 0;
  private closed = false;
  /** Set once close() has given up waiting: no more commits or retries from this queue. */
  private stopped = false;
  private drainWaiters: Array<() => void> = [];
  /** When each key last went into a commit, while that is within minKeyIntervalMs. */
  private readonly lastCommitAtByKey = new Map<string, number>();
  private readonly minKeyIntervalMs: number;
  private readonly now: () => number;
  private timerDueAtMs = 0;
  private readonly flushIntervalMs: number;
  private readonly maxBatchWrites: number;
  private readonly maxBacklog: number;
  private readonly maxBufferedWrites: number;
  private readonly retryPolicy: RetryPolicy;
  readonly stats: WriteQueueStats = {
    committedWrites: 0,
    commits: 0,
    retries: 0,
    shedWrites: 0,
    refusedWrites: 0,
    failedWrites: 0,
    lastError: undefined,
  };

  constructor(private readonly options: WriteQueueOptions<W>) {
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.maxBatchWrites = options.maxBatchWrites ?? DEFAULT_MAX_BATCH_WRITES;
    this.maxBacklog = options.maxBacklog ?? DEFAULT_MAX_BACKLOG;
    this.maxBufferedWrites = options.maxBufferedWrites ?? DEFAULT_MAX_BUFFERED_WRITES;
    this.retryPolicy = options.retryPolicy ?? new ExponentialBackoff();
    this.minKeyIntervalMs = options.minKeyIntervalMs ?? 0;
    this.now = options.clockMs ?? (() => performance.now());
  }

  /** Document writes acknowledged by enqueue but not yet committed. */
  get backlog(): number {
    return this.backlogWrites;
  }

  isHealthy(): boolean {
    return this.backlogWrites < this.maxBacklog;
  }

  /** True when the write was accepted; false when it was shed or refused (see the bound policy above). */
  enqueue(write: W): boolean {
    if (this.closed || this.backlogWrites + write.writeCount > this.maxBufferedWrites) {
      this.stats.refusedWrites += write.writeCount;
      return false;
    }
    const last = this.lastByKey.get(write.key);
    if (last && !last.inFlight) {
      const before = last.write.writeCount;
      if (last.write.absorb(write)) {
        this.backlogWrites += last.write.writeCount - before;
        this.schedule();
        return true;
      }
    }
    if (!write.critical && this.backlogWrites >= this.maxBacklog) {
      this.stats.shedWrites += write.writeCount;
      return false;
    }
    const entry: Entry<W> = { write, inFlight: false };
    this.pending.push(entry);
    this.lastByKey.set(write.key, entry);
    this.backlogWrites += write.writeCount;
    this.schedule();
    return true;
  }

  /** Resolves true once everything enqueued so far is committed, false if timeoutMs passes first. */
  flush(timeoutMs: number): Promise<boolean> {
    if (this.pending.length === 0) return Promise.resolve(true);
    const drained = new Promise<boolean>((resolve) => {
      const timeout = setTimeout(() => {
        this.drainWaiters = this.drainWaiters.filter((waiter) => waiter !== onDrained);
        resolve(false);
      }, timeoutMs);
      const onDrained = (): void => {
        clearTimeout(timeout);
        resolve(true);
      };
      this.drainWaiters.push(onDrained);
    });
    // After the waiter is in: a flush commits at once, whatever key pacing would have waited for.
    if (this.timer && !this.inBackoff) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.commitNext();
    }
    return drained;
  }

  /** Refuses new writes, drains for up to timeoutMs, then stops retrying. */
  async close(timeoutMs: number): Promise<boolean> {
    this.closed = true;
    const drained = await this.flush(timeoutMs);
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return drained;
  }

  private schedule(delayMs = this.flushIntervalMs): void {
    if (this.stopped || this.committing || this.inBackoff || this.pending.length === 0) return;
    const dueMs = this.backlogWrites >= this.maxBatchWrites ? 0 : Math.max(delayMs, this.pacingWaitMs());
    // A timer set for a cooling key must not hold back a write of another key that may go sooner.
    if (this.timer) {
      if (this.timerDueAtMs <= this.now() + dueMs) return;
      clearTimeout(this.timer);
    }
    this.timerDueAtMs = this.now() + dueMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.commitNext();
    }, dueMs);
  }

  /** A flush or close commits everything at once; otherwise a key committed recently waits its turn. */
  private get pacing(): boolean {
    return this.minKeyIntervalMs > 0 && this.drainWaiters.length === 0 && !this.closed;
  }

  private coolingUntilMs(key: string, nowMs: number): number {
    const lastMs = this.lastCommitAtByKey.get(key);
    if (lastMs === undefined) return nowMs;
    if (nowMs - lastMs >= this.minKeyIntervalMs) {
      this.lastCommitAtByKey.delete(key);
      return nowMs;
    }
    return lastMs + this.minKeyIntervalMs;
  }

  /** How long until some waiting write may commit: 0 when one may now (or pacing is off). */
  private pacingWaitMs(): number {
    if (!this.pacing) return 0;
    const nowMs = this.now();
    let soonestMs = Number.POSITIVE_INFINITY;
    for (const entry of this.pending) {
      soonestMs = Math.min(soonestMs, this.coolingUntilMs(entry.write.key, nowMs));
      if (soonestMs <= nowMs) return 0;
    }
    return Number.isFinite(soonestMs) ? soonestMs - nowMs : 0;
  }

  private takeBatch(): Entry<W>[] {
    const batch: Entry<W>[] = [];
    let writes = 0;
    const limit = this.isolateEntries > 0 ? 1 : this.pending.length;
    const pacing = this.pacing && this.isolateEntries === 0;
    const nowMs = this.now();
    for (const entry of this.pending) {
      if (batch.length >= limit) break;
      // Per key in order: a key that is cooling keeps all its entries back.
      if (pacing && this.coolingUntilMs(entry.write.key, nowMs) > nowMs) continue;
      if (batch.length > 0 && writes + entry.write.writeCount > this.maxBatchWrites) break;
      batch.push(entry);
      writes += entry.write.writeCount;
    }
    return batch;
  }

  private async commitNext(): Promise<void> {
    if (this.committing || this.pending.length === 0) return;
    this.committing = true;
    const batch = this.takeBatch();
    if (batch.length === 0) {
      // Every waiting key is cooling: come back when the first may go.
      this.committing = false;
      this.schedule(0);
      return;
    }
    const startedAtMs = this.now();
    for (const entry of batch) {
      entry.inFlight = true;
      if (this.minKeyIntervalMs > 0) this.lastCommitAtByKey.set(entry.write.key, startedAtMs);
    }
    try {
      await this.options.commit(
        batch.map((entry) => entry.write),
        startedAtMs,
      );
      this.retryAttempt = 0;
      this.stats.commits += 1;
      // Pacing counts from when Firestore had the write (the commit's end), not from its start: a slow commit
      // followed by a fast one would otherwise land twice inside one second on the same document.
      if (this.minKeyIntervalMs > 0) {
        const committedAtMs = this.now();
        for (const entry of batch) this.lastCommitAtByKey.set(entry.write.key, committedAtMs);
      }
      this.remove(batch, 'committed');
    } catch (err) {
      this.stats.lastError = (err instanceof Error ? err.message : String(err)).slice(0, LAST_ERROR_CHARS);
      // Unmarked, waiting writes may fold into these while we back off; the retry then carries them too.
      for (const entry of batch) entry.inFlight = false;
      if (isTransientError(err)) {
        this.committing = false;
        if (this.stopped) return;
        this.retryAttempt += 1;
        this.stats.retries += 1;
        this.inBackoff = true;
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.inBackoff = false;
          void this.commitNext();
        }, this.retryPolicy.nextRetryDelayMs(this.retryAttempt));
        return;
      }
      if (batch.length > 1) {
        this.isolateEntries = batch.length;
      } else {
        this.remove(batch, 'failed');
        this.options.onPermanentFailure?.(
          batch.map((entry) => entry.write),
          err,
        );
      }
    }
    this.committing = false;
    if (this.pending.length === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const waiter of waiters) waiter();
    } else {
      this.schedule(0);
    }
  }

  private remove(batch: Entry<W>[], outcome: 'committed' | 'failed'): void {
    for (const entry of batch) {
      const index = this.pending.indexOf(entry);
      if (index >= 0) this.pending.splice(index, 1);
      if (this.lastByKey.get(entry.write.key) === entry) this.lastByKey.delete(entry.write.key);
      this.backlogWrites -= entry.write.writeCount;
      if (outcome === 'committed') this.stats.committedWrites += entry.write.writeCount;
      else this.stats.failedWrites += entry.write.writeCount;
      if (this.isolateEntries > 0) this.isolateEntries -= 1;
    }
  }
}
