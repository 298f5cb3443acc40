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

  it('puts the browser’s playback latency and the turn’s tokens on the partner turn, also when they come late', async () => {
    const recorder = new SessionRecorder(store, { model: 'm' });
    const sessionId = 'rec-session-3';
    recorder.onSessionStarted({
      sessionId,
      game: 'alphabet',
      ownerId: 'anon_from_event',
      upstream: 'emulator',
      startedAt: new Date(t0),
    });
    const usage = {
      inputAudioTokens: 40,
      outputAudioTokens: 30,
      inputTextTokens: 0,
      outputTextTokens: 5,
      totalTokens: 75,
    };
    const turn = (speaker: Speaker, turnId: number, index: number, responseLatencyMs?: number) => ({
      sessionId,
      speaker,
      turnId,
      startedAt: new Date(t0 + index * 2_000),
      endedAt: new Date(t0 + index * 2_000 + 1_500),
      text: `${speaker} ${index}`,
      interrupted: false,
      responseLatencyMs,
    });
    // Reply 1: playback.started while it plays; usage after its turnComplete (as Live sends it).
    recorder.onTurnEnded(turn('player', 1, 0));
    recorder.onTurnStarted({ sessionId, speaker: 'partner', turnId: 1, startedAt: new Date(t0 + 2_000) });
    recorder.onPlaybackStarted({ sessionId, turnId: 1, latencyMs: 610, at: new Date() });
    recorder.onTurnEnded(turn('partner', 1, 1, 300));
    recorder.onUsage({ sessionId, usage, at: new Date() });
    // Reply 2: usage while it is open, playback.started only after it was written.
    recorder.onTurnEnded(turn('player', 2, 2));
    recorder.onTurnStarted({ sessionId, speaker: 'partner', turnId: 2, startedAt: new Date(t0 + 6_000) });
    recorder.onUsage({ sessionId, usage: { ...usage, totalTokens: 90 }, at: new Date() });
    recorder.onTurnEnded(turn('partner', 2, 3, 280));
    recorder.onPlaybackStarted({ sessionId, turnId: 2, latencyMs: 700, at: new Date() });
    // Reply 3: the browser never reported playback; the relay's own measure stands in.
    recorder.onTurnEnded(turn('partner', 3, 4, 250));
    recorder.onSessionResumed(sessionId);
    recorder.onSessionEnded({
      sessionId,
      reason: 'scene ended by the player',
      endedAt: new Date(t0 + 12_000),
      uplink,
      downlink: { framesSent: 10, framesDropped: 0 },
      turns: 5,
    });
    // Events for a session this recorder never started (its upstream never connected) write nothing.
    recorder.onSessionEnded({
      sessionId: 'rec-never-started',
      reason: 'upstream.unavailable',
      endedAt: new Date(t0),
      uplink,
      downlink: { framesSent: 0, framesDropped: 0 },
      turns: 0,
    });
    expect(await store.flush(5_000)).toBe(true);

    const turns = await store.getTurns(sessionId);
    expect(turns.map((t) => [t.seq, t.speaker, t.voiceToVoiceMs ?? null, t.tokens ?? null])).toEqual([
      [0, 'player', null, null],
      [1, 'partner', 610, 75],
      [2, 'player', null, null],
      [3, 'partner', 700, 90],
      [4, 'partner', 250, null],
    ]);
    const session = await store.getSession(sessionId);
    expect(session).toMatchObject({
      ownerId: 'anon_from_event',
      turnCount: 5,
      latency: { p50Ms: 610, p95Ms: 700 },
      quality: { reconnects: 1 },
    });
    expect(await store.getSession('rec-never-started')).toBeNull();
  });

  it('stores the MC’s lines and the room’s reactions as turns in order, the room’s mood on each reaction', async () => {
    const recorder = new SessionRecorder(store, { model: 'gemini-live-2.5-flash-preview', ownerOf: () => 'anon_mc' });
    const sessionId = 'rec-session-mc';
    recorder.onSessionStarted({ sessionId, game: 'yes-and', upstream: 'emulator', startedAt: new Date(t0) });
    const at = (ms: number) => new Date(t0 + ms);
    const end = (speaker: Speaker, text: string, fromMs: number, extra: object = {}) =>
      recorder.onTurnEnded({
        sessionId,
        speaker,
        turnId: 0,
        startedAt: at(fromMs),
        endedAt: at(fromMs + 500),
        text,
        interrupted: false,
        ...extra,
      });
    end('mc', 'Welcome to Improv Olympics Live!', 0, { interrupted: true, framesSent: 80 });
    end('player', 'Yes, and the cake is 9 feet tall!', 1_000);
    end('partner', 'Then we need a ladder.', 2_000);
    end('audience', '*laughter*', 3_000, { sentiment: 0.55, mood: 0.55 });
    end('player', 'No.', 4_000);
    end('partner', 'Oh.', 5_000);
    end('audience', '*groans*', 6_000, { sentiment: -0.45, mood: 0.05 });
    end('mc', 'And... scene!', 7_000);
    expect(await store.flush(5_000)).toBe(true);
    const turns = await store.getTurns(sessionId);
    expect(turns.map((t) => [t.seq, t.speaker])).toEqual([
      [0, 'mc'],
      [1, 'player'],
      [2, 'partner'],
      [3, 'audience'],
      [4, 'player'],
      [5, 'partner'],
      [6, 'audience'],
      [7, 'mc'],
    ]);
    expect(turns[0]).toMatchObject({ text: 'Welcome to Improv Olympics Live!', interrupted: true });
    expect(turns.filter((t) => t.speaker === 'audience').map((t) => [t.text, t.sentiment, t.mood])).toEqual([
      ['*laughter*', 0.55, 0.55],
      ['*groans*', -0.45, 0.05],
    ]);
    // The mood belongs to the room's turns only.
    expect(turns.filter((t) => t.speaker !== 'audience').every((t) => !('mood' in t) && !('sentiment' in t))).toBe(
      true,
    );
    expect(await store.getSession(sessionId)).toMatchObject({ turnCount: 8 });
  });

  it('stores open turns provisionally under the seq their final record reuses (a hard kill loses no heard line)', async () => {
    const recorder = new SessionRecorder(store, { model: 'm', ownerOf: () => 'anon_owner' });
    const sessionId = 'rec-session-progress';
    recorder.onSessionStarted({ sessionId, game: 'freeze', upstream: 'emulator', startedAt: new Date(t0) });
    const at = (s: number) => new Date(t0 + s * 1_000);
    const turn = (speaker: Speaker, turnId: number, text: string, interrupted: boolean) => ({
      sessionId,
      speaker,
      turnId,
      startedAt: at(turnId),
      endedAt: at(turnId + 1),
      text,
      interrupted,
    });
    // The reply starts: the player's line is stored, then the reply as it streams (cut, if this is the last word).
    recorder.onTurnProgress(turn('player', 1, 'We are astronauts', false));
    recorder.onTurnProgress(turn('partner', 2, 'And the', true));
    recorder.onTurnProgress(turn('partner', 2, 'And the moon', true));
    expect(await store.flush(5_000)).toBe(true);
    expect((await store.getTurns(sessionId)).map((t) => [t.seq, t.speaker, t.text, t.interrupted])).toEqual([
      [0, 'player', 'We are astronauts', false],
      [1, 'partner', 'And the moon', true],
    ]);
    // The turns end: the same seqs, final text; the next turn continues after them.
    recorder.onTurnEnded(turn('player', 1, 'We are astronauts on the moon', false));
    recorder.onTurnEnded(turn('partner', 2, 'And the moon is cheese', false));
    recorder.onTurnEnded(turn('player', 3, 'Then we farm cows', false));
    expect(await store.flush(5_000)).toBe(true);
    expect((await store.getTurns(sessionId)).map((t) => [t.seq, t.speaker, t.text, t.interrupted])).toEqual([
      [0, 'player', 'We are astronauts on the moon', false],
      [1, 'partner', 'And the moon is cheese', false],
      [2, 'player', 'Then we farm cows', false],
    ]);
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 0.95)).toBe(5);
    expect(percentile([7], 0.95)).toBe(7);
  });

  it('while the browser is away, its writes from here land only if no other instance took the scene', async () => {
    const here = new FirestoreSessionStore(db, { flushIntervalMs: 10, holderId: 'relay-here' });
    const elsewhere = new FirestoreSessionStore(db, { flushIntervalMs: 10, holderId: 'relay-elsewhere' });
    const recorder = new SessionRecorder(here, { model: 'gemini-live-2.5-flash-preview' });
    const handleOf = async (id: string) => (await here.getSession(id))?.resumptionHandle;
    try {
      // Scene 1: the browser resumed on another instance, which stored its own handle.
      recorder.onSessionStarted({
        sessionId: 'rec-moved',
        ownerId: 'u',
        game: 'g',
        upstream: 'emulator',
        startedAt: new Date(t0),
      });
      recorder.onResumptionHandle('rec-moved', 'handle-1');
      expect(await here.flush(5_000)).toBe(true);
      recorder.onSessionDetached('rec-moved');
      elsewhere.claimSession('rec-moved');
      elsewhere.updateSession('rec-moved', { resumptionHandle: 'handle-elsewhere' });
      expect(await elsewhere.flush(5_000)).toBe(true);
      // Elsewhere's first line took seq 0; here, the reply in flight at the drop ends late, also as seq 0.
      elsewhere.recordTurn('rec-moved', {
        seq: 0,
        speaker: 'partner',
        text: 'the line played elsewhere',
        startedAt: new Date(t0),
        endedAt: new Date(t0 + 1_000),
      });
      expect(await elsewhere.flush(5_000)).toBe(true);
      recorder.onResumptionHandle('rec-moved', 'handle-stale');
      recorder.onTurnEnded({
        sessionId: 'rec-moved',
        speaker: 'partner',
        turnId: 1,
        startedAt: new Date(t0),
        endedAt: new Date(t0 + 2_000),
        text: 'the reply cut by the drop',
        interrupted: true,
      });
      recorder.onUsage({
        sessionId: 'rec-moved',
        usage: {
          inputAudioTokens: 500,
          outputAudioTokens: 50,
          inputTextTokens: 0,
          outputTextTokens: 0,
          totalTokens: 550,
        },
        at: new Date(),
      });
      expect(await here.flush(5_000)).toBe(true);
      expect(await handleOf('rec-moved')).toBe('handle-elsewhere');
      expect((await here.getTurns('rec-moved')).map((t) => t.text)).toEqual(['the line played elsewhere']);
      expect((await here.getSession('rec-moved'))?.usage.inputAudioTokens).toBe(0);

      // Scene 2: nobody else took it; a handle that arrives while the browser is away is kept, and so are the
      // ones after it came back.
      recorder.onSessionStarted({
        sessionId: 'rec-back',
        ownerId: 'u',
        game: 'g',
        upstream: 'emulator',
        startedAt: new Date(t0),
      });
      recorder.onSessionDetached('rec-back');
      recorder.onResumptionHandle('rec-back', 'handle-away');
      expect(await here.flush(5_000)).toBe(true);
      expect(await handleOf('rec-back')).toBe('handle-away');
      recorder.onSessionResumed('rec-back');
      recorder.onResumptionHandle('rec-back', 'handle-back');
      expect(await here.flush(5_000)).toBe(true);
      expect(await handleOf('rec-back')).toBe('handle-back');
    } finally {
      await Promise.all([here.close(2_000), elsewhere.close(2_000)]);
    }
  });
});
