import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldValue, type Firestore, Timestamp } from '@google-cloud/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnFirestoreEmulator } from '../relay/store/emulator-process.js';
import { createFirestore } from '../relay/store/firestore.js';
import { startFirestoreEmulator } from './firestore-emulator.js';

// The client prefers FIRESTORE_EMULATOR_HOST over settings; these tests choose their own emulator.
delete process.env.FIRESTORE_EMULATOR_HOST;

const dataDirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'firestore-emulator-test-'));
  dataDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const createdAt = new Date('2026-11-23T15:00:00.123Z');
const sample = {
  text: 'Yes, and the lighthouse is made of cheese',
  count: 42,
  ratio: 0.25,
  flag: true,
  nothing: null,
  createdAt,
  nested: { p50Ms: 310, list: ['a', 'b'] },
};

async function writeSample(db: Firestore): Promise<void> {
  await db.collection('sessions').doc('s1').set(sample);
  await db.collection('sessions').doc('s1').collection('turns').doc('000000').set({ seq: 0, text: 'hi' });
}

async function expectSample(db: Firestore): Promise<void> {
  const doc = await db.collection('sessions').doc('s1').get();
  expect(doc.exists).toBe(true);
  expect(doc.data()).toEqual({ ...sample, createdAt: Timestamp.fromDate(createdAt) });
  const turn = await db.collection('sessions').doc('s1').collection('turns').doc('000000').get();
  expect(turn.data()).toEqual({ seq: 0, text: 'hi' });
}

describe('startFirestoreEmulator (in process)', () => {
  it('binds loopback on an ephemeral port and serves the official client', async () => {
    const emulator = await startFirestoreEmulator({ host: '127.0.0.1', port: 0 });
    expect(emulator.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(emulator.port).toBeGreaterThan(0);
    const db = createFirestore({ emulatorHost: emulator.host, projectId: 'emulator-test' });
    try {
      await writeSample(db);
      await expectSample(db);
    } finally {
      await db.terminate();
      await emulator.stop();
    }
  });

  it('keeps every field type across a stop and start with the same data folder', async () => {
    const dataDir = tempDataDir();
    const first = await startFirestoreEmulator({ port: 0, dataDir });
    const db1 = createFirestore({ emulatorHost: first.host, projectId: 'emulator-test' });
    await writeSample(db1);
    await db1.terminate();
    await first.stop();

    const second = await startFirestoreEmulator({ port: 0, dataDir });
    const db2 = createFirestore({ emulatorHost: second.host, projectId: 'emulator-test' });
    try {
      await expectSample(db2);
      // Queries still see restored documents (they are real state, not a read-through cache).
      const query = await db2.collection('sessions').where('count', '==', 42).get();
      expect(query.docs.map((doc) => doc.id)).toEqual(['s1']);
    } finally {
      await db2.terminate();
      await second.stop();
    }
  });
});

describe('firestore-emulator CLI (child process)', () => {
  it('prints one listening line, and data survives SIGTERM and even SIGKILL right after a write', async () => {
    const dataDir = tempDataDir();
    const first = await spawnFirestoreEmulator({ port: 0, dataDir });
    expect(first.host).toBe(`127.0.0.1:${first.port}`);
    const db1 = createFirestore({ emulatorHost: first.host, projectId: 'emulator-test' });
    await writeSample(db1);
    await db1.terminate();
    await first.stop('SIGTERM');
    expect(first.child.exitCode).toBe(0);

    // Same port again, as a restarted dev server would use.
    const second = await spawnFirestoreEmulator({ port: first.port, dataDir });
    expect(second.port).toBe(first.port);
    const db2 = createFirestore({ emulatorHost: second.host, projectId: 'emulator-test' });
    await expectSample(db2);
    // Changes are journaled as they happen; a hard kill right after them must not lose them.
    const journalPath = join(dataDir, 'journal.ndjson');
    await db2.collection('sessions').doc('s2').set({ text: 'written before a hard kill', turnCount: 1 });
    await db2
      .collection('sessions')
      .doc('s2')
      .update({ turnCount: FieldValue.increment(2) });
    await db2.collection('sessions').doc('gone').set({ text: 'deleted before the kill' });
    await db2.collection('sessions').doc('gone').delete();
    await waitFor(() => readFileSync(journalPath, 'utf8').includes('"deleted":true'), 5_000);
    await db2.terminate();
    await second.stop('SIGKILL');

    const third = await spawnFirestoreEmulator({ port: 0, dataDir });
    const db3 = createFirestore({ emulatorHost: third.host, projectId: 'emulator-test' });
    try {
      await expectSample(db3);
      expect((await db3.collection('sessions').doc('s2').get()).data()).toEqual({
        text: 'written before a hard kill',
        turnCount: 3,
      });
      expect((await db3.collection('sessions').doc('gone').get()).exists).toBe(false);
      // Start compacts: the journal was folded into the snapshot.
      expect(readFileSync(join(dataDir, 'journal.ndjson'), 'utf8')).toBe('');
    } finally {
      await db3.terminate();
      await third.stop();
    }
  });
});
