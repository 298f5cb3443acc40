// Fault test: the Firestore emulator (a child process) stops mid-scene; the relay keeps recording turns; the
// emulator comes back on the same port with its data folder; every turn lands exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmulatorProcess, spawnFirestoreEmulator } from '../store/emulator-process.js';
import { createFirestore } from '../store/firestore.js';
import { FirestoreSessionStore } from '../store/firestore-session-store.js';
import type { TurnRecord } from '../store/session-store.js';

delete process.env.FIRESTORE_EMULATOR_HOST;

const dataDir = mkdtempSync(join(tmpdir(), 'firestore-fault-'));
const running: EmulatorProcess[] = [];
afterAll(async () => {
  for (const emulator of running) await emulator.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function turn(seq: number): TurnRecord {
  const startedAt = new Date(Date.parse('2026-11-23T15:30:00.000Z') + seq * 3_000);
  return {
    seq,
    speaker: seq % 2 === 0 ? 'player' : 'partner',
    text: `turn ${seq}`,
    startedAt,
    endedAt: new Date(startedAt.getTime() + 2_000),
    voiceToVoiceMs: seq % 2 === 1 ? 450 : undefined,
  };
}

describe('Firestore outage mid-scene', () => {
  it('keeps recording while Firestore is down, goes unready at the bound, and lands every turn exactly once', async () => {
    const first = await spawnFirestoreEmulator({ port: 0, dataDir });
    running.push(first);
    const db = createFirestore({ emulatorHost: first.host, projectId: 'fault-test' });
    const maxBacklog = 10;
    const store = new FirestoreSessionStore(db, {
      flushIntervalMs: 20,
      maxBacklog,
      retryPolicy: { nextRetryDelayMs: () => 100 },
    });
    const { id } = store.createSession({ ownerId: 'u-fault', game: 'freeze', model: 'm' });
    for (let seq = 0; seq < 5; seq++) store.recordTurn(id, turn(seq));
    expect(await store.flush(5_000)).toBe(true);

    await first.stop('SIGTERM');

    // The scene goes on: each turn is acknowledged synchronously, in memory (enqueue never waits for Firestore).
    for (let seq = 5; seq < 9; seq++) {
      const before = store.backlog;
      expect(store.recordTurn(id, turn(seq))).toBeUndefined();
      expect(store.backlog).toBeGreaterThan(before);
      store.updateSession(id, { usage: { inputAudioTokens: seq * 100, outputAudioTokens: seq * 80, textTokens: seq } });
    }
    // A commit fails within the client's commit budget (COMMIT_BUDGET_MS) and the queue starts backing off.
    await waitFor(() => store.stats.retries >= 1, 10_000, 'a failed commit to be retried');
    expect(store.isHealthy()).toBe(true);
    // Other sessions starting during the outage fill the bound: the relay reports unready.
    const others = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'].map(
      (owner) => store.createSession({ ownerId: owner, game: 'g', model: 'm' }).id,
    );
    expect(store.backlog).toBeGreaterThanOrEqual(maxBacklog);
    expect(store.isHealthy()).toBe(false);
    expect(await store.flush(200)).toBe(false);
    for (let seq = 9; seq < 12; seq++) store.recordTurn(id, turn(seq));

    const second = await spawnFirestoreEmulator({ port: first.port, dataDir });
    running.push(second);
    expect(await store.flush(15_000)).toBe(true);
    expect(store.isHealthy()).toBe(true);
    expect(store.backlog).toBe(0);

    const turns = await store.getTurns(id);
    expect(turns.map((stored) => stored.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(turns.map((stored) => stored.text)).toEqual(turns.map((stored) => `turn ${stored.seq}`));
    const session = await store.getSession(id);
    expect(session?.turnCount).toBe(12);
    expect(session?.usage.inputAudioTokens).toBe(800);
    for (const other of others) expect((await store.getSession(other))?.status).toBe('active');

    await store.close(2_000);
    await db.terminate();
  }, 60_000);
});
