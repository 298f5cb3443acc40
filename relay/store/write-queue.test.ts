// The queue's own policy (batching, backoff, bounds, isolation) through its commit seam. Firestore itself is
// exercised in firestore-session-store.test.ts and relay/test/firestore-fault.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { ExponentialBackoff } from './retry-policy.js';
import { type QueuedWrite, WriteQueue } from './write-queue.js';

class ItemWrite implements QueuedWrite {
  constructor(
    readonly key: string,
    public critical: boolean,
    public readonly items: string[],
  ) {}
  get writeCount(): number {
    return this.items.length;
  }
  absorb(later: ItemWrite): boolean {
    if (later.key !== this.key) return false;
    this.items.push(...later.items);
    this.critical ||= later.critical;
    return true;
  }
}

function grpcError(code: number): Error {
  return Object.assign(new Error(`grpc ${code}`), { code });
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const fastRetry = { nextRetryDelayMs: () => 5 };

describe('WriteQueue', () => {
  it('batches writes enqueued together into one commit, keeping per-key order', async () => {
    const commits: string[][] = [];
    const queue = new WriteQueue<ItemWrite>({
      commit: async (writes) => {
        commits.push(writes.flatMap((write) => write.items));
      },
      flushIntervalMs: 20,
    });
    queue.enqueue(new ItemWrite('a', true, ['a0']));
    queue.enqueue(new ItemWrite('b', true, ['b0']));
    queue.enqueue(new ItemWrite('a', true, ['a1']));
    expect(queue.backlog).toBe(3);
    expect(await queue.flush(1_000)).toBe(true);
    expect(commits).toEqual([['a0', 'a1', 'b0']]);
    expect(queue.backlog).toBe(0);
  });

  it('retries transient gRPC codes with the same writes and commits them once', async () => {
    let attempts = 0;
    const committed: string[] = [];
    const queue = new WriteQueue<ItemWrite>({
      commit: async (writes) => {
        attempts += 1;
        if (attempts <= 3) throw grpcError([14, 4, 10][attempts - 1]!);
        committed.push(...writes.flatMap((write) => write.items));
      },
      flushIntervalMs: 1,
      retryPolicy: fastRetry,
    });
    queue.enqueue(new ItemWrite('a', true, ['t0', 't1']));
    expect(await queue.flush(2_000)).toBe(true);
    expect(committed).toEqual(['t0', 't1']);
    expect(queue.stats.retries).toBe(3);
    expect(queue.stats.committedWrites).toBe(2);
  });

  it('isolates a permanently failing write so other sessions still land', async () => {
    const committed: string[] = [];
    const failed: string[] = [];
    const queue = new WriteQueue<ItemWrite>({
      commit: async (writes) => {
        if (writes.some((write) => write.key === 'bad')) throw grpcError(3); // INVALID_ARGUMENT
        committed.push(...writes.flatMap((write) => write.items));
      },
      flushIntervalMs: 1,
      onPermanentFailure: (writes) => failed.push(...writes.flatMap((write) => write.items)),
    });
    queue.enqueue(new ItemWrite('a', true, ['a0']));
    queue.enqueue(new ItemWrite('bad', true, ['x0']));
    queue.enqueue(new ItemWrite('c', true, ['c0']));
    expect(await queue.flush(2_000)).toBe(true);
    expect(committed.sort()).toEqual(['a0', 'c0']);
    expect(failed).toEqual(['x0']);
    expect(queue.stats.failedWrites).toBe(1);
  });

  it('goes unhealthy at its bound, sheds non-critical writes, keeps critical ones, and recovers when drained', async () => {
    let firestoreUp = false;
    const committed: string[] = [];
    const queue = new WriteQueue<ItemWrite>({
      commit: async (writes) => {
        if (!firestoreUp) throw grpcError(14);
        committed.push(...writes.flatMap((write) => write.items));
      },
      flushIntervalMs: 1,
      maxBacklog: 4,
      maxBufferedWrites: 8,
      retryPolicy: fastRetry,
    });
    for (let i = 0; i < 4; i++) expect(queue.enqueue(new ItemWrite(`s${i}`, true, [`turn${i}`]))).toBe(true);
    expect(queue.isHealthy()).toBe(false);
    // A usage update for a session with nothing waiting cannot fold: shed.
    expect(queue.enqueue(new ItemWrite('s9', false, ['usage9']))).toBe(false);
    expect(queue.stats.shedWrites).toBe(1);
    // Turns are kept past the soft bound...
    for (let i = 4; i < 8; i++) expect(queue.enqueue(new ItemWrite(`s${i}`, true, [`turn${i}`]))).toBe(true);
    // ...up to the hard cap.
    expect(queue.enqueue(new ItemWrite('s8', true, ['turn8']))).toBe(false);
    expect(queue.stats.refusedWrites).toBe(1);
    await waitFor(() => queue.stats.retries >= 2);
    expect(await queue.flush(50)).toBe(false);

    firestoreUp = true;
    expect(await queue.flush(2_000)).toBe(true);
    expect(queue.isHealthy()).toBe(true);
    expect(committed.sort()).toEqual(['turn0', 'turn1', 'turn2', 'turn3', 'turn4', 'turn5', 'turn6', 'turn7']);
  });

  it('folds later writes for a key into the waiting one during an outage, so the retry carries them', async () => {
    let failuresLeft = 3;
    const commits: string[][] = [];
    const queue = new WriteQueue<ItemWrite>({
      commit: async (writes) => {
        if (failuresLeft-- > 0) throw grpcError(14);
        commits.push(writes.flatMap((write) => write.items));
      },
      flushIntervalMs: 1,
      retryPolicy: { nextRetryDelayMs: () => 30 },
    });
    queue.enqueue(new ItemWrite('a', true, ['t0']));
    await waitFor(() => queue.stats.retries >= 1);
    queue.enqueue(new ItemWrite('a', true, ['t1']));
    expect(await queue.flush(2_000)).toBe(true);
    expect(commits).toEqual([['t0', 't1']]);
  });

  it('close() drains what was acknowledged and refuses later writes', async () => {
    const committed: string[] = [];
    const queue = new WriteQueue<ItemWrite>({
      commit: async (writes) => {
        committed.push(...writes.flatMap((write) => write.items));
      },
      flushIntervalMs: 10_000,
    });
    queue.enqueue(new ItemWrite('a', true, ['t0']));
    expect(await queue.close(1_000)).toBe(true);
    expect(committed).toEqual(['t0']);
    expect(queue.enqueue(new ItemWrite('a', true, ['t1']))).toBe(false);
  });

  it('paces each key: one commit per minKeyIntervalMs, later writes fold into the waiting one; flush does not wait', async () => {
    vi.useFakeTimers();
    try {
      const t0 = Date.now();
      const commits: Array<{ atMs: number; items: string[] }> = [];
      const queue = new WriteQueue<ItemWrite>({
        commit: async (writes) => {
          commits.push({ atMs: Date.now() - t0, items: writes.flatMap((write) => write.items) });
        },
        flushIntervalMs: 1,
        minKeyIntervalMs: 1_000,
        clockMs: () => Date.now(),
      });
      queue.enqueue(new ItemWrite('a', true, ['a0']));
      await vi.advanceTimersByTimeAsync(1);
      // A transcript piece every 100 ms for 2.5 s: key a waits out its second; key b is not held back by it.
      for (let t = 100; t <= 2_500; t += 100) {
        await vi.advanceTimersByTimeAsync(t - (Date.now() - t0));
        queue.enqueue(new ItemWrite('a', true, [`a${t}`]));
        if (t === 300) queue.enqueue(new ItemWrite('b', true, ['b0']));
      }
      await vi.advanceTimersByTimeAsync(10);
      const aCommits = commits.filter((c) => c.items.some((item) => item.startsWith('a')));
      expect(aCommits.map((c) => c.atMs)).toEqual([1, 1_001, 2_001]);
      expect(commits.find((c) => c.items.includes('b0'))?.atMs).toBe(301);
      // Nothing is lost: every piece is in some commit, in order; the rest goes out with a flush at once.
      const flushed = queue.flush(1_000);
      await vi.advanceTimersByTimeAsync(5);
      expect(await flushed).toBe(true);
      const aItems = commits.flatMap((c) => c.items.filter((item) => item.startsWith('a')));
      expect(aItems).toEqual(['a0', ...Array.from({ length: 25 }, (_, i) => `a${(i + 1) * 100}`)]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("counts a key's pause from when its commit ended, so a slow commit then a fast one never land in one second", async () => {
    vi.useFakeTimers();
    try {
      const t0 = Date.now();
      // When each commit reached the store (its end): the first takes 400 ms, the later ones 10 ms.
      const landedAtMs: number[] = [];
      let commits = 0;
      const queue = new WriteQueue<ItemWrite>({
        commit: async () => {
          await new Promise((resolve) => setTimeout(resolve, commits++ === 0 ? 400 : 10));
          landedAtMs.push(Date.now() - t0);
        },
        flushIntervalMs: 1,
        minKeyIntervalMs: 1_000,
        clockMs: () => Date.now(),
      });
      queue.enqueue(new ItemWrite('a', true, ['a0']));
      for (let t = 100; t <= 2_500; t += 100) {
        await vi.advanceTimersByTimeAsync(t - (Date.now() - t0));
        queue.enqueue(new ItemWrite('a', true, [`a${t}`]));
      }
      await vi.advanceTimersByTimeAsync(100);
      expect(landedAtMs.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < landedAtMs.length; i++)
        expect(landedAtMs[i]! - landedAtMs[i - 1]!).toBeGreaterThanOrEqual(1_000);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ExponentialBackoff', () => {
  it('doubles from the base, stays within [ceiling/2, ceiling], and caps', () => {
    const low = new ExponentialBackoff(100, 2_000, () => 0);
    const high = new ExponentialBackoff(100, 2_000, () => 1);
    expect([1, 2, 3, 4, 5, 6, 10].map((attempt) => high.nextRetryDelayMs(attempt))).toEqual([
      100, 200, 400, 800, 1_600, 2_000, 2_000,
    ]);
    expect(low.nextRetryDelayMs(1)).toBe(50);
    expect(low.nextRetryDelayMs(10)).toBe(1_000);
  });
});
