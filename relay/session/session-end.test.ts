// What a scene stores when it ends: a real Session against the Live emulator (through the real SDK), the real
// Opus paths and the real SessionRecorder (its seq folding of provisional and final records), with the browser's
// connection in memory. The rule (turn-log.ts): a turn the ending cuts is stored interrupted with what the player
// got of it; a player line with no words is not stored; a line that played out is not interrupted.
import { Encoder } from '@evan/opus';
import { GoogleGenAI } from '@google/genai';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirestoreEmulator, startFirestoreEmulator } from '../../scripts/firestore-emulator.js';
import { UPLINK_SAMPLE_RATE_HZ, UPLINK_SAMPLES_PER_FRAME } from '../../shared/constants.js';
import { type AudioFrame, decodeFrame, encodeFrame, FrameFlag } from '../../shared/frame.js';
import type { ClientMessage, RelayMessage } from '../../shared/protocol.js';
import { sinePcm16 } from '../codec/test-signal.js';
import { createGeminiUpstreamFactory } from '../live/gemini-upstream.js';
import type { UpstreamEvents, UpstreamFactory } from '../live/upstream.js';
import { type LiveEmulator, startLiveEmulator } from '../live-emulator/server.js';
import { silentLogger } from '../log.js';
import { RelayMetrics } from '../metrics/relay-metrics.js';
import { DEFAULT_TTS_MODEL } from '../stage/mc-voice.js';
import { StageScene } from '../stage/stage-scene.js';
import { createFirestore } from '../store/firestore.js';
import { FirestoreSessionStore } from '../store/firestore-session-store.js';
import { SessionRecorder } from '../store/session-recorder.js';
import type { StoredTurn } from '../store/session-store.js';
import type { ClientConnection } from './connection.js';
import type { TurnEndedEvent } from './observer.js';
import { SCENE_COMPLETE_REASON, Session } from './session.js';

delete process.env.FIRESTORE_EMULATOR_HOST;

let emulator: LiveEmulator;
let firestore: FirestoreEmulator;
let db: Firestore;
let store: FirestoreSessionStore;
beforeAll(async () => {
  [emulator, firestore] = await Promise.all([
    startLiveEmulator({ host: '127.0.0.1', port: 0, thinkMs: 50, warmVoices: [] }),
    startFirestoreEmulator({ host: '127.0.0.1', port: 0 }),
  ]);
  db = createFirestore({ emulatorHost: firestore.host, projectId: 'session-end-test' });
  store = new FirestoreSessionStore(db, { flushIntervalMs: 10 });
});
afterAll(async () => {
  await store?.close(2_000);
  await db?.terminate();
  await Promise.allSettled([emulator?.close(), firestore?.stop()]);
});

/** The browser's side of the connection, in memory. */
class MemoryConnection implements ClientConnection {
  readonly kind = 'websocket';
  readonly id = 'conn-1';
  isOpen = true;
  readonly framesDropped = 0;
  readonly messages: RelayMessage[] = [];
  readonly frames: AudioFrame[] = [];
  private controlListener: ((raw: string | Uint8Array) => void) | null = null;
  private audioListener: ((frame: Uint8Array) => void) | null = null;
  private closeListener: ((reason: string) => void) | null = null;

  sendControl(message: RelayMessage): void {
    this.messages.push(message);
  }
  sendAudio(frame: Uint8Array): boolean {
    this.frames.push(decodeFrame(frame));
    return true;
  }
  onControl(listener: (raw: string | Uint8Array) => void): void {
    this.controlListener = listener;
  }
  onAudio(listener: (frame: Uint8Array) => void): void {
    this.audioListener = listener;
  }
  onClose(listener: (reason: string) => void): void {
    this.closeListener = listener;
  }
  close(): void {
    this.isOpen = false;
  }

  /** The browser went away (network drop): the session hears the close. */
  drop(): void {
    this.isOpen = false;
    this.closeListener?.('peer gone');
  }

  send(message: ClientMessage): void {
    this.controlListener?.(JSON.stringify(message));
  }
  sendFrame(frame: Uint8Array): void {
    this.audioListener?.(frame);
  }
}

let sceneCount = 0;

/** The turns Firestore holds for a session once the store's queue has drained (provisional records rewritten). */
async function storedTurns(sessionId: string): Promise<StoredTurn[]> {
  expect(await store.flush(5_000)).toBe(true);
  return store.getTurns(sessionId);
}

function scene(options: { tts: boolean; maxPlayerTurns?: number; graceMs?: number }) {
  const calls: string[] = [];
  let events: UpstreamEvents | null = null;
  const real = createGeminiUpstreamFactory({
    apiKey: 'emulator',
    baseUrl: emulator.url,
    model: 'gemini-live-emulator',
  });
  // The real upstream, with the activity boundaries the session sent it noted down.
  const upstreamFactory: UpstreamFactory = async (upstreamEvents, upstreamOptions) => {
    events = upstreamEvents;
    const upstream = await real(upstreamEvents, upstreamOptions);
    return {
      sendAudio: (pcm) => upstream.sendAudio(pcm),
      activityStart: () => {
        calls.push('activityStart');
        upstream.activityStart();
      },
      activityEnd: () => {
        calls.push('activityEnd');
        upstream.activityEnd();
      },
      sendClientContent: (turns, turnComplete) => upstream.sendClientContent(turns, turnComplete),
      close: () => {
        calls.push('close');
        upstream.close();
      },
    };
  };
  const sessionId = `scene-end-${++sceneCount}`;
  const stage = new StageScene({
    gameId: 'yes-and',
    budget: { maxPlayerTurns: options.maxPlayerTurns ?? 5, closingPlayerTurns: 0 },
  });
  let closed: (reason: string) => void = () => {};
  const ended = new Promise<string>((resolve) => {
    closed = resolve;
  });
  let endReason = '';
  /** Final records only (onTurnEnded), in the order they were made. */
  const finals: TurnEndedEvent[] = [];
  const recorder = new SessionRecorder(store, { model: 'gemini-live-emulator' });
  const session = new Session({
    sessionId,
    game: 'yes-and',
    stage,
    upstreamKind: 'emulator',
    upstreamFactory,
    upstreamOptions: stage.partnerSetup(),
    issueResumeToken: () => 'token',
    metrics: new RelayMetrics(),
    logger: silentLogger,
    observer: {
      ...bind(recorder),
      onTurnEnded: (event) => {
        finals.push(event);
        recorder.onTurnEnded(event);
      },
      onSessionEnded: (event) => {
        endReason = event.reason;
        recorder.onSessionEnded(event);
      },
    },
    graceMs: options.graceMs ?? 0,
    onClosed: () => closed(endReason),
    stageServices: {
      ai: new GoogleGenAI({ apiKey: 'emulator', httpOptions: { baseUrl: emulator.url } }),
      textModel: 'gemini-2.5-flash',
      ttsModel: options.tts ? DEFAULT_TTS_MODEL : null,
      coachTimeoutMs: 2_000,
    },
  });
  const connection = new MemoryConnection();
  session.attach(connection, false);
  return {
    session,
    connection,
    calls,
    turns: () => storedTurns(sessionId),
    finals,
    ended,
    /** Live's streamed transcription of the player's speech (the emulator sends it only after activityEnd). */
    inputTranscript: (text: string) => events?.onInputTranscript(text),
  };
}

/** The recorder's observer methods bound to it (spread into an observer with extra test hooks). */
function bind(recorder: SessionRecorder) {
  return {
    onSessionStarted: recorder.onSessionStarted.bind(recorder),
    onTurnStarted: recorder.onTurnStarted.bind(recorder),
    onTurnProgress: recorder.onTurnProgress.bind(recorder),
    onUsage: recorder.onUsage.bind(recorder),
  };
}

/** `count` frames of the player's utterance `utteranceId` (a tone; the emulator answers any audio). */
function speak(connection: MemoryConnection, utteranceId: number, count: number): void {
  const encoder = new Encoder({ channels: 1, sample_rate: UPLINK_SAMPLE_RATE_HZ, application: 'voip' });
  connection.send({ type: 'utterance.start', utteranceId });
  for (let i = 0; i < count; i++) {
    connection.sendFrame(
      encodeFrame({
        flags: i === 0 ? FrameFlag.Start : 0,
        streamId: utteranceId,
        seq: i,
        timestampMs: i * 20,
        payload: encoder.encode(sinePcm16(220, UPLINK_SAMPLE_RATE_HZ, UPLINK_SAMPLES_PER_FRAME, 8000, i * 320)),
      }),
    );
  }
}

const of = <T extends RelayMessage['type']>(connection: MemoryConnection, type: T) =>
  connection.messages.filter((m): m is Extract<RelayMessage, { type: T }> => m.type === type);

const POLL = { timeout: 20_000, interval: 10 };

/** The player says a whole line and the reply streams: its audio and a first piece of its transcript reached them. */
async function untilReplyStreams(connection: MemoryConnection): Promise<void> {
  // 70 frames (1.4 s): a line by the relay's one definition (phases.isSceneLine), not a fragment.
  speak(connection, 1, 70);
  connection.send({ type: 'utterance.end', utteranceId: 1, frameCount: 70 });
  await expect
    .poll(() => of(connection, 'transcript').some((m) => m.speaker === 'partner' && m.text.length > 0), POLL)
    .toBe(true);
}

describe('the player ends the scene (scene.end)', () => {
  it('stores a partner reply it cuts mid-stream as interrupted, with the transcript the player got', async () => {
    const { session, connection, turns, ended } = scene({ tts: false });
    await session.start();
    await untilReplyStreams(connection);
    const reply = of(connection, 'partner.start').find((m) => m.speaker === 'partner')!;
    expect(connection.frames.some((f) => f.streamId === reply.turnId)).toBe(true);
    expect(of(connection, 'partner.end')).toEqual([]);

    connection.send({ type: 'scene.end' });
    expect(await ended).toBe('scene ended by the player');
    // The browser was told the reply was cut…
    expect(of(connection, 'partner.end')).toContainEqual({
      type: 'partner.end',
      turnId: reply.turnId,
      interrupted: true,
    });
    const shown = of(connection, 'transcript').filter((m) => m.speaker === 'partner' && m.streamId === reply.turnId);
    // …and the store says so too, with the words it had by then.
    const partner = (await turns()).filter((t) => t.speaker === 'partner');
    expect(partner).toHaveLength(1);
    expect(partner[0]).toMatchObject({ interrupted: true, text: shown.at(-1)!.text });
    expect(partner[0]!.text.length).toBeGreaterThan(0);
    expect((await turns()).map((t) => t.speaker)).toEqual(['mc', 'player', 'partner', 'mc']);
  }, 30_000);

  it('does not store a player line it cuts before any words were transcribed; no half-turn goes upstream', async () => {
    const { session, connection, calls, turns, ended } = scene({ tts: false });
    await session.start();
    speak(connection, 1, 25);
    connection.send({ type: 'scene.end' });
    await ended;
    expect(calls).toEqual(['activityStart', 'close']);
    expect((await turns()).filter((t) => t.speaker === 'player')).toEqual([]);
    expect((await turns()).every((t) => t.text.length > 0)).toBe(true);
  }, 30_000);

  it('stores the words of a player line it cuts as an interrupted turn; no half-turn goes upstream', async () => {
    const { session, connection, calls, turns, ended, inputTranscript } = scene({ tts: false });
    await session.start();
    speak(connection, 1, 25);
    inputTranscript('So I was thinking');
    connection.send({ type: 'scene.end' });
    await ended;
    expect(calls).toEqual(['activityStart', 'close']);
    expect((await turns()).filter((t) => t.speaker === 'player')).toEqual([
      expect.objectContaining({ text: 'So I was thinking', interrupted: true }),
    ]);
    // The browser's transcript entry for it was closed with the same words.
    expect(
      of(connection, 'transcript')
        .filter((m) => m.speaker === 'player')
        .at(-1),
    ).toMatchObject({
      text: 'So I was thinking',
      final: true,
    });
  }, 30_000);

  it('stores the MC intro it cuts as interrupted (its text was shown whole), and the outro that plays out as not', async () => {
    const { session, connection, turns, ended } = scene({ tts: true });
    await session.start();
    // The intro is being voiced: a few of its frames are out, its End frame is not.
    await expect.poll(() => of(connection, 'partner.start').some((m) => m.speaker === 'mc'), POLL).toBe(true);
    const intro = of(connection, 'partner.start').find((m) => m.speaker === 'mc')!;
    await expect
      .poll(() => connection.frames.filter((f) => f.streamId === intro.turnId).length, POLL)
      .toBeGreaterThan(3);
    expect(connection.frames.some((f) => f.streamId === intro.turnId && f.flags & FrameFlag.End)).toBe(false);
    const introText = of(connection, 'transcript').find((m) => m.speaker === 'mc')!.text;

    connection.send({ type: 'scene.end' });
    await ended;
    expect(of(connection, 'partner.end')).toContainEqual({
      type: 'partner.end',
      turnId: intro.turnId,
      interrupted: true,
    });
    const outro = of(connection, 'partner.start').filter((m) => m.speaker === 'mc')[1]!;
    expect(outro).toBeDefined();
    expect(of(connection, 'partner.end')).toContainEqual({
      type: 'partner.end',
      turnId: outro.turnId,
      interrupted: false,
    });
    const outroText = of(connection, 'transcript').filter((m) => m.speaker === 'mc')[1]!.text;
    expect(await turns()).toEqual([
      expect.objectContaining({ speaker: 'mc', text: introText, interrupted: true }),
      expect.objectContaining({ speaker: 'mc', text: outroText, interrupted: false }),
    ]);
  }, 60_000);
});

describe('the scene completes (turn budget used up)', () => {
  it('stores the last exchange whole and the outro, then ends on its own', async () => {
    const { session, connection, calls, turns, ended } = scene({ tts: false, maxPlayerTurns: 1 });
    await session.start();
    speak(connection, 1, 70);
    connection.send({ type: 'utterance.end', utteranceId: 1, frameCount: 70 });
    expect(await ended).toBe(SCENE_COMPLETE_REASON);
    expect(calls).toEqual(['activityStart', 'activityEnd', 'close']);
    const reply = of(connection, 'partner.start').find((m) => m.speaker === 'partner')!;
    expect(of(connection, 'partner.end')).toContainEqual({
      type: 'partner.end',
      turnId: reply.turnId,
      interrupted: false,
    });
    const stored = await turns();
    expect(stored.map((t) => [t.speaker, t.interrupted])).toEqual([
      ['mc', false],
      ['player', false],
      ['partner', false],
      ['audience', false],
      ['mc', false],
    ]);
    expect(stored.every((t) => t.text.length > 0)).toBe(true);
  }, 30_000);
});

describe('the browser drops mid-reply', () => {
  it('stores the reply the drop cut as interrupted, at once', async () => {
    const { session, connection, finals } = scene({ tts: false, graceMs: 30_000 });
    await session.start();
    await untilReplyStreams(connection);
    const shown = () => of(connection, 'transcript').filter((m) => m.speaker === 'partner');
    connection.drop();
    const textAtDrop = shown().at(-1)!.text;
    // Its final record (not the provisional one, which says cut until the reply completes) says cut too.
    await expect.poll(() => finals.find((t) => t.speaker === 'partner'), POLL).toBeDefined();
    expect(finals.find((t) => t.speaker === 'partner')).toMatchObject({ interrupted: true, text: textAtDrop });
    expect(session.state).toBe('live');
    session.end('test over');
  }, 30_000);
});
