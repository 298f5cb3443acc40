import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirestoreEmulator, startFirestoreEmulator } from '../../scripts/firestore-emulator.js';
import { createFirestore } from './firestore.js';
import { commitSessionWrites, FirestoreSessionStore } from './firestore-session-store.js';
import { estimateCostUsd, priceFor } from './pricing.js';
import { SessionWrite, toTurnDoc } from './session-docs.js';
import type { TurnRecord } from './session-store.js';
import { WriteQueue } from './write-queue.js';

delete process.env.FIRESTORE_EMULATOR_HOST;

let emulator: FirestoreEmulator;
let db: Firestore;
const openStores: FirestoreSessionStore[] = [];

beforeAll(async () => {
  emulator = await startFirestoreEmulator({ host: '127.0.0.1', port: 0 });
  db = createFirestore({ emulatorHost: emulator.host, projectId: 'session-store-test' });
});
afterAll(async () => {
  for (const store of openStores) await store.close(2_000);
  await db.terminate();
  await emulator.stop();
});

function newStore(options: ConstructorParameters<typeof FirestoreSessionStore>[1] = {}): FirestoreSessionStore {
  const store = new FirestoreSessionStore(db, { flushIntervalMs: 20, ...options });
  openStores.push(store);
  return store;
}

const sceneStart = Date.parse('2026-11-23T15:00:00.000Z');
const SPEAKERS = ['mc', 'player', 'partner', 'player', 'partner', 'audience', 'partner', 'coach'] as const;

function scriptedTurn(seq: number): TurnRecord {
  const speaker = SPEAKERS[seq % SPEAKERS.length]!;
  const startedAt = new Date(sceneStart + seq * 4_000);
  return {
    seq,
    speaker,
    text: `line ${seq} by ${speaker}`,
    startedAt,
    endedAt: new Date(startedAt.getTime() + 2_500 + seq),
    voiceToVoiceMs: speaker === 'partner' ? 400 + seq : undefined,
    interrupted: seq === 4,
    tokens: 100 + seq,
  };
}

describe('FirestoreSessionStore on the emulator', () => {
  it('lands a scripted scene: every turn in order with all fields, plus usage, quality, latency and the end', async () => {
    const store = newStore({ retentionDays: 30 });
    const createdAt = new Date(sceneStart);
    const { id } = store.createSession({
      ownerId: 'u-scene',
      game: 'freeze',
      model: 'gemini-live-2.5-flash-preview',
      createdAt,
    });
    const turns = SPEAKERS.map((_, seq) => scriptedTurn(seq));
    for (const turn of turns) {
      store.recordTurn(id, turn);
      store.updateSession(id, { phase: `scene-${turn.seq}` });
    }
    const usage = { inputAudioTokens: 12_000, outputAudioTokens: 9_000, textTokens: 800 };
    store.updateSession(id, { usage, resumptionHandle: 'handle-7' });
    store.updateSession(id, { quality: { framesReceived: 1_500, framesLost: 3, jitterP95Ms: 18, reconnects: 1 } });
    const endedAt = new Date(sceneStart + 60_000);
    store.endSession(id, { status: 'completed', endedAt, latency: { p50Ms: 420, p95Ms: 610 } });
    expect(await store.flush(5_000)).toBe(true);

    const session = await store.getSession(id);
    expect(session).toEqual({
      id,
      ownerId: 'u-scene',
      game: 'freeze',
      model: 'gemini-live-2.5-flash-preview',
      status: 'completed',
      phase: 'scene-7',
      resumptionHandle: 'handle-7',
      createdAt,
      updatedAt: expect.any(Date),
      endedAt,
      expireAt: new Date(sceneStart + 30 * 86_400_000),
      turnCount: 8,
      usage: { ...usage, estimatedCostUsd: estimateCostUsd(usage, priceFor('gemini-live-2.5-flash-preview')) },
      quality: { framesReceived: 1_500, framesLost: 3, jitterP95Ms: 18, reconnects: 1 },
      latency: { p50Ms: 420, p95Ms: 610 },
      coach: null,
      // Written without a scene setup (older documents too): none.
      scene: null,
    });
    // 12k in-audio at $3/M + 9k out-audio at $12/M + 800 text at $0.5/M
    expect(session?.usage.estimatedCostUsd).toBeCloseTo(0.036 + 0.108 + 0.0004, 6);

    const stored = await store.getTurns(id);
    expect(stored).toEqual(
      turns.map((turn) => ({
        ...turn,
        interrupted: turn.interrupted ?? false,
        durationMs: turn.endedAt.getTime() - turn.startedAt.getTime(),
      })),
    );
    const ids = (await db.collection('sessions').doc(id).collection('turns').get()).docs.map((doc) => doc.id);
    expect(ids).toEqual(['000000', '000001', '000002', '000003', '000004', '000005', '000006', '000007']);
  });

  it('a retried commit whose first attempt landed (lost ack) duplicates no turn and double counts nothing', async () => {
    const store = newStore();
    const { id } = store.createSession({ ownerId: 'u-retry', game: 'scenes', model: 'm' });
    expect(await store.flush(5_000)).toBe(true);

    let attempts = 0;
    const queue = new WriteQueue<SessionWrite>({
      commit: async (writes) => {
        attempts += 1;
        await commitSessionWrites(db, writes);
        if (attempts === 1) throw Object.assign(new Error('ack lost'), { code: 14 });
      },
      flushIntervalMs: 1,
      retryPolicy: { nextRetryDelayMs: () => 5 },
    });
    for (let seq = 0; seq < 3; seq++) {
      const write = new SessionWrite(id, true, { turnCount: seq + 1 });
      write.turns.set(seq, toTurnDoc(scriptedTurn(seq)));
      queue.enqueue(write);
    }
    expect(await queue.flush(5_000)).toBe(true);
    expect(attempts).toBe(2);
    // The relay re-sending a turn it already recorded is the same write again.
    store.recordTurn(id, scriptedTurn(2));
    expect(await store.flush(5_000)).toBe(true);

    const turns = await store.getTurns(id);
    expect(turns.map((turn) => turn.seq)).toEqual([0, 1, 2]);
    expect((await store.getSession(id))?.turnCount).toBe(3);
  });

  it('lists only the owner’s sessions, newest first', async () => {
    const store = newStore();
    const base = Date.parse('2026-11-20T10:00:00.000Z');
    const older = store.createSession({ ownerId: 'u-list', game: 'a', model: 'm', createdAt: new Date(base) });
    const newest = store.createSession({ ownerId: 'u-list', game: 'c', model: 'm', createdAt: new Date(base + 2_000) });
    const middle = store.createSession({ ownerId: 'u-list', game: 'b', model: 'm', createdAt: new Date(base + 1_000) });
    store.createSession({ ownerId: 'someone-else', game: 'x', model: 'm', createdAt: new Date(base + 5_000) });
    expect(await store.flush(5_000)).toBe(true);
    const listed = await store.listSessions('u-list');
    expect(listed.map((session) => session.id)).toEqual([newest.id, middle.id, older.id]);
    expect((await store.listSessions('u-list', { limit: 2 })).map((session) => session.id)).toEqual([
      newest.id,
      middle.id,
    ]);
  });

  it('close() on shutdown persists everything acknowledged before it', async () => {
    // A flush interval far beyond the test: only close() can have written these.
    const store = newStore({ flushIntervalMs: 60_000 });
    const { id } = store.createSession({ ownerId: 'u-shutdown', game: 'g', model: 'm' });
    for (let seq = 0; seq < 5; seq++) store.recordTurn(id, scriptedTurn(seq));
    store.endSession(id, { status: 'abandoned' });
    expect(store.backlog).toBeGreaterThan(0);
    expect(await store.close(5_000)).toBe(true);

    const reader = new FirestoreSessionStore(db);
    expect((await reader.getTurns(id)).map((turn) => turn.seq)).toEqual([0, 1, 2, 3, 4]);
    const session = await reader.getSession(id);
    expect(session?.status).toBe('abandoned');
    expect(session?.turnCount).toBe(5);
    await reader.close(1_000);
  });

  it('replaces each updated group whole, also over the null a new session starts with', async () => {
    const store = newStore();
    const { id } = store.createSession({ ownerId: 'u-groups', game: 'g', model: 'm' });
    // Committed on its own first, so the later writes land on a stored `latency: null`.
    expect(await store.flush(5_000)).toBe(true);
    store.updateSession(id, { latency: { p50Ms: 400, p95Ms: 900 } });
    expect(await store.flush(5_000)).toBe(true);
    store.updateSession(id, { latency: { p50Ms: 410, p95Ms: 880 }, phase: 'scene' });
    expect(await store.flush(5_000)).toBe(true);
    const session = await store.getSession(id);
    expect(session?.latency).toEqual({ p50Ms: 410, p95Ms: 880 });
    expect(session?.phase).toBe('scene');
    expect(session?.ownerId).toBe('u-groups');
    expect(session?.coach).toBeNull();
  });

  it('stores the coach report and reads it back as the shared schema', async () => {
    const store = newStore();
    const { id } = store.createSession({ ownerId: 'u-coach', game: 'g', model: 'm' });
    const coach = {
      source: 'model' as const,
      summary: 'Committed, specific scene.',
      strengths: [{ point: 'Named the place', quote: 'Welcome to the bakery' }],
      tryNext: ['Heighten the first offer.'],
      principles: [{ principle: 'specificity' as const, score: 4, note: 'Concrete details.' }],
    };
    store.updateSession(id, { coach });
    expect(await store.flush(5_000)).toBe(true);
    expect((await store.getSession(id))?.coach).toEqual(coach);
  });

  it('returns null for an unknown session', async () => {
    expect(await newStore().getSession('no-such-session')).toBeNull();
  });

  describe('the holder: an instance that lost the scene to another does not end it', () => {
    function holderStore(holderId: string) {
      const warnings: Array<Record<string, unknown>> = [];
      const logger = {
        error: () => {},
        warn: (_: string, fields?: Record<string, unknown>) => warnings.push(fields ?? {}),
      };
      return { store: newStore({ holderId, logger }), warnings };
    }
    const holderOf = async (id: string) => (await db.collection('sessions').doc(id).get()).get('holder') as unknown;

    it('an abandon from the instance the browser left is not written; the one playing the scene ends it', async () => {
      const a = holderStore('relay-a');
      const b = holderStore('relay-b');
      const { id } = a.store.createSession({ ownerId: 'u-holder', game: 'g', model: 'm' });
      expect(await a.store.flush(5_000)).toBe(true);
      expect(await holderOf(id)).toBe('relay-a');
      // The browser resumed on B (takeover); A's grace period then runs out.
      b.store.claimSession(id);
      expect(await b.store.flush(5_000)).toBe(true);
      a.store.endSession(id, { status: 'abandoned' });
      expect(await a.store.flush(5_000)).toBe(true);
      expect(await a.store.getSession(id)).toMatchObject({ status: 'active', endedAt: null });
      expect(await holderOf(id)).toBe('relay-b');
      expect(a.warnings).toEqual([
        { sessionId: id, holder: 'relay-b', fields: expect.arrayContaining(['status', 'endedAt']) },
      ]);
      b.store.endSession(id, { status: 'completed' });
      expect(await b.store.flush(5_000)).toBe(true);
      expect((await b.store.getSession(id))?.status).toBe('completed');
      expect(b.warnings).toEqual([]);
    });

    it('the holder abandons its own scene; a browser that came back re-claims it', async () => {
      const a = holderStore('relay-c');
      const b = holderStore('relay-d');
      const kept = a.store.createSession({ ownerId: 'u-holder', game: 'g', model: 'm' }).id;
      const left = a.store.createSession({ ownerId: 'u-holder', game: 'g', model: 'm' }).id;
      // `left`: taken over by B, then the browser came back to A; B's later abandon is the stale one.
      b.store.claimSession(left);
      expect(await b.store.flush(5_000)).toBe(true);
      a.store.claimSession(left);
      a.store.recordTurn(left, scriptedTurn(0));
      expect(await a.store.flush(5_000)).toBe(true);
      b.store.endSession(left, { status: 'abandoned' });
      a.store.endSession(kept, { status: 'abandoned' });
      expect(await b.store.flush(5_000)).toBe(true);
      expect(await a.store.flush(5_000)).toBe(true);
      expect((await a.store.getSession(left))?.status).toBe('active');
      expect((await a.store.getSession(kept))?.status).toBe('abandoned');
      expect(b.warnings.map((w) => w.sessionId)).toEqual([left]);
      a.store.endSession(left, { status: 'abandoned' });
      expect(await a.store.flush(5_000)).toBe(true);
      expect((await a.store.getSession(left))?.status).toBe('abandoned');
      expect(await a.store.getTurns(left)).toHaveLength(1);
    });

    it('a document written before there was a holder can still be abandoned', async () => {
      const { store } = holderStore('relay-e');
      const older = newStore();
      const written = older.createSession({ ownerId: 'u-holder', game: 'g', model: 'm' }).id;
      expect(await older.flush(5_000)).toBe(true);
      // As written before there was a holder: the same document without the field, under a new id.
      const { holder: _holder, ...legacy } = (await db.collection('sessions').doc(written).get()).data()!;
      const id = `${written}-legacy`;
      await db.collection('sessions').doc(id).create(legacy);
      expect(await holderOf(id)).toBeUndefined();
      store.endSession(id, { status: 'abandoned' });
      expect(await store.flush(5_000)).toBe(true);
      expect((await store.getSession(id))?.status).toBe('abandoned');
    });
  });
});

describe('writes while a reply streams', () => {
  /** 3 s of a reply: its transcript grows every 100 ms (a provisional write of the turn each time), usage twice. */
  async function streamReply(store: FirestoreSessionStore): Promise<string> {
    const { id } = store.createSession({ ownerId: 'u-stream', game: 'freeze', model: 'm', createdAt: new Date() });
    const startedAt = new Date();
    let text = '';
    for (let piece = 0; piece < 30; piece++) {
      text += `word${piece} `;
      store.recordTurn(id, { seq: 0, speaker: 'partner', text, startedAt, endedAt: new Date(), interrupted: true });
      if (piece % 15 === 14)
        store.updateSession(id, { usage: { inputAudioTokens: piece, outputAudioTokens: 0, textTokens: 0 } });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    store.recordTurn(id, { seq: 0, speaker: 'partner', text, startedAt, endedAt: new Date(), interrupted: false });
    // Not flushed (a flush commits at once, as on shutdown): the final write lands at its own pace.
    const deadline = performance.now() + 5_000;
    while ((await store.getTurns(id))[0]?.interrupted !== false) {
      if (performance.now() > deadline) throw new Error('the final turn never landed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return id;
  }

  it('writes no document more than once a second, and every turn carries its session’s expireAt', async () => {
    const unpaced = newStore({ minKeyIntervalMs: 0 });
    await streamReply(unpaced);
    const paced = newStore();
    const id = await streamReply(paced);
    console.log(
      `max writes per document per second while a reply streams: ${unpaced.maxWritesPerDocPerSecond} unpaced (50 ms batches), ${paced.maxWritesPerDocPerSecond} paced`,
    );
    expect(unpaced.maxWritesPerDocPerSecond).toBeGreaterThan(5);
    expect(paced.maxWritesPerDocPerSecond).toBeLessThanOrEqual(1);
    // Nothing folded away: the stored turn is the final one, whole.
    const [turn] = await paced.getTurns(id);
    expect(turn).toMatchObject({ seq: 0, interrupted: false });
    expect(turn?.text.split(' ').filter(Boolean)).toHaveLength(30);
    const session = await paced.getSession(id);
    const turnDoc = await db.collection('sessions').doc(id).collection('turns').doc('000000').get();
    expect((turnDoc.get('expireAt') as { toDate(): Date }).toDate().getTime()).toBe(session!.expireAt.getTime());
  }, 30_000);
});
