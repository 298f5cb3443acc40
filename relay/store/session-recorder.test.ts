import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirestoreEmulator, startFirestoreEmulator } from '../../scripts/firestore-emulator.js';
import type { Speaker } from '../../shared/protocol.js';
import { createFirestore } from './firestore.js';
import { FirestoreSessionStore } from './firestore-session-store.js';
import { percentile, SessionRecorder } from './session-recorder.js';

delete process.env.FIRESTORE_EMULATOR_HOST;

let emulator: FirestoreEmulator;
let db: Firestore;
let store: FirestoreSessionStore;

beforeAll(async () => {
  emulator = await startFirestoreEmulator({ port: 0 });
  db = createFirestore({ emulatorHost: emulator.host, projectId: 'recorder-test' });
  store = new FirestoreSessionStore(db, { flushIntervalMs: 10 });
});
afterAll(async () => {
  await store.close(2_000);
  await db.terminate();
  await emulator.stop();
});

const t0 = Date.parse('2026-11-23T16:00:00.000Z');
const uplink = {
  framesReceived: 900,
  framesLost: 4,
  framesLate: 1,
  framesRejected: 0,
  bytesReceived: 54_000,
  jitterMs: 12,
};

describe('SessionRecorder', () => {
  it('turns session events into a stored session with dense seqs, usage totals and latency percentiles', async () => {
    const recorder = new SessionRecorder(store, {
      model: 'gemini-live-2.5-flash-preview',
      ownerOf: () => 'anon_owner',
    });
    const sessionId = 'rec-session-1';
    recorder.onSessionStarted({ sessionId, game: 'freeze', upstream: 'emulator', startedAt: new Date(t0) });
    const script: Array<[Speaker, string, number | undefined]> = [
      ['player', 'We are astronauts', undefined],
      ['partner', 'And the moon is out of cheese', 300],
      ['player', 'Then we farm cows up here', undefined],
      ['partner', 'Moo-n cows, of course', 500],
      ['partner', 'Wait, listen', 400],
    ];
    script.forEach(([speaker, text, responseLatencyMs], index) => {
      const startedAt = new Date(t0 + index * 3_000);
      recorder.onTurnEnded({
        sessionId,
        speaker,
        turnId: 100 + index * 7,
        startedAt,
        endedAt: new Date(startedAt.getTime() + 2_000),
        text,
        interrupted: index === 4,
        responseLatencyMs,
      });
      recorder.onUsage({
        sessionId,
        usage: {
          inputAudioTokens: 50,
          outputAudioTokens: 25,
          inputTextTokens: 3,
          outputTextTokens: 2,
          totalTokens: 80,
        },
        at: startedAt,
      });
    });
    recorder.recordReconnect(sessionId);
    recorder.onResumptionHandle(sessionId, 'handle-xyz');
    recorder.onSessionEnded({
      sessionId,
      reason: 'scene ended by the player',
      endedAt: new Date(t0 + 20_000),
      uplink,
      downlink: { framesSent: 800, framesDropped: 0 },
      turns: 5,
    });
    expect(await store.flush(5_000)).toBe(true);

    const session = await store.getSession(sessionId);
    expect(session).toMatchObject({
      ownerId: 'anon_owner',
      game: 'freeze',
      status: 'completed',
      turnCount: 5,
      resumptionHandle: 'handle-xyz',
      endedAt: new Date(t0 + 20_000),
      usage: { inputAudioTokens: 250, outputAudioTokens: 125, textTokens: 25 },
      quality: { framesReceived: 900, framesLost: 4, jitterP95Ms: 12, reconnects: 1 },
      latency: { p50Ms: 400, p95Ms: 500 },
    });
    const turns = await store.getTurns(sessionId);
    expect(
      turns.map((turn) => [turn.seq, turn.speaker, turn.text, turn.voiceToVoiceMs ?? null, turn.interrupted]),
    ).toEqual(script.map(([speaker, text, latency], seq) => [seq, speaker, text, latency ?? null, seq === 4]));
  });

  it('marks a scene that ended any other way abandoned, and continues seqs for an adopted session', async () => {
    const recorder = new SessionRecorder(store, { model: 'm', ownerOf: () => undefined });
    const sessionId = 'rec-session-2';
    recorder.adoptSession(sessionId, 7);
    recorder.onTurnEnded({
      sessionId,
      speaker: 'player',
      turnId: 1,
      startedAt: new Date(t0),
      endedAt: new Date(t0 + 1_000),
      text: 'back again',
      interrupted: false,
    });
    recorder.onSessionEnded({
      sessionId,
      reason: 'connection lost',
      endedAt: new Date(t0 + 5_000),
      uplink,
      downlink: { framesSent: 0, framesDropped: 0 },
      turns: 1,
    });
    expect(await store.flush(5_000)).toBe(true);
    expect((await store.getTurns(sessionId)).map((turn) => turn.seq)).toEqual([7]);
    const stored = await db.collection('sessions').doc(sessionId).get();
    expect(stored.get('status')).toBe('abandoned');
    expect(stored.get('turnCount')).toBe(8);
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 0.95)).toBe(5);
    expect(percentile([7], 0.95)).toBe(7);
  });
});
