import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import { encodeFrame, FrameFlag } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import { type AppStores, createAppStores } from '../store/stores.js';
import { TransportError } from '../transport/transport-error.js';
import { SceneController, type SceneDeps } from './scene-controller.js';
import { FakeMic, FakePlayer, FakeTransport } from './scene-fakes.js';
import { USER_MESSAGES } from './user-messages.js';

const WELCOME: RelayMessage = {
  type: 'welcome',
  protocolVersion: PROTOCOL_VERSION,
  sessionId: 'session-1',
  resumeToken: 'token',
  upstream: 'emulator',
  resumed: false,
};

function partnerFrame(turnId: number, seq: number): Uint8Array {
  return encodeFrame({
    flags: seq === 0 ? FrameFlag.Start : 0,
    streamId: turnId,
    seq,
    timestampMs: seq * 20,
    payload: new Uint8Array([1, 2, 3]),
  });
}

interface Harness {
  controller: SceneController;
  stores: AppStores;
  transport: FakeTransport;
  players: FakePlayer[];
  mics: FakeMic[];
  clock: { nowMs: number };
  micError: Error | null;
}

function harness(overrides: Partial<SceneDeps> = {}): Harness {
  const stores = createAppStores();
  const clock = { nowMs: 0 };
  const h = {
    stores,
    clock,
    players: [] as FakePlayer[],
    mics: [] as FakeMic[],
    micError: null as Error | null,
  } as Harness;
  h.transport = new FakeTransport();
  h.controller = new SceneController({
    stores,
    createTransport: () => h.transport,
    createPlayer: async (events) => {
      const player = new FakePlayer(events);
      h.players.push(player);
      return player;
    },
    startMic: async (events) => {
      if (h.micError) throw h.micError;
      const mic = new FakeMic(events);
      h.mics.push(mic);
      return mic;
    },
    now: () => clock.nowMs,
    ...overrides,
  });
  return h;
}

async function startRunning(h: Harness): Promise<{ player: FakePlayer; mic: FakeMic }> {
  const started = h.controller.start();
  await vi.waitFor(() => expect(h.transport.sentTypes()).toContain('hello'));
  h.transport.deliver(WELCOME);
  await started;
  expect(h.stores.scene.getState().phase).toBe('running');
  return { player: h.players[0]!, mic: h.mics[0]! };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SceneController', () => {
  it('creates the player synchronously inside start(), then the mic, then hello → welcome', async () => {
    const h = harness();
    const started = h.controller.start();
    // Before any await: the AudioContext must be created within the click's user gesture.
    expect(h.players).toHaveLength(1);
    expect(h.stores.connection.getState().state).toBe('connecting');
    await vi.waitFor(() => expect(h.transport.sent[0]).toEqual({ type: 'hello', protocolVersion: PROTOCOL_VERSION }));
    // The mic was granted before the relay heard of the scene.
    expect(h.mics).toHaveLength(1);
    h.transport.deliver(WELCOME);
    await started;
    expect(h.mics).toHaveLength(1);
    expect(h.stores.connection.getState().state).toBe('connected');
    expect(h.stores.scene.getState()).toMatchObject({ phase: 'running', sessionId: 'session-1', upstream: 'emulator' });
  });

  it('sends an utterance and measures voice-to-voice latency from its end to the first audible answer', async () => {
    const h = harness();
    const { player, mic } = await startRunning(h);
    mic.events.onUtteranceStart(1);
    mic.events.onFrame(
      encodeFrame({ flags: FrameFlag.Start, streamId: 1, seq: 0, timestampMs: 0, payload: new Uint8Array([9]) }),
    );
    mic.events.onLevel(0.5);
    expect(h.stores.levels.getState().micLevel).toBe(0.5);
    h.clock.nowMs = 1_000;
    mic.events.onUtteranceEnd(1, 1);
    h.transport.deliver({ type: 'partner.start', turnId: 7 });
    h.transport.deliverFrame(partnerFrame(7, 0));
    expect(player.pushed.map((f) => f.streamId)).toEqual([7]);
    h.clock.nowMs = 1_640;
    player.events.onTurnAudible(7);
    expect(h.transport.sentFrames).toHaveLength(1);
    expect(h.transport.sent.slice(1)).toEqual([
      { type: 'utterance.start', utteranceId: 1 },
      { type: 'utterance.end', utteranceId: 1, frameCount: 1 },
      { type: 'playback.started', turnId: 7, latencyMs: 640 },
    ]);
    expect(h.stores.scene.getState()).toMatchObject({
      lastVoiceToVoiceMs: 640,
      utterancesSent: 1,
      partnerTurnsHeard: 1,
      partnerSpeakingTurnId: 7,
    });
    // A second audible turn with no utterance in between has no latency to report.
    player.events.onTurnAudible(8);
    expect(h.transport.sent.at(-1)).toEqual({ type: 'playback.started', turnId: 8 });
    player.events.onTurnDrained(8);
    expect(h.stores.scene.getState().partnerSpeakingTurnId).toBeNull();
  });

  it('barges in: stops playback first, tells the relay, then starts the utterance and drops late frames', async () => {
    const h = harness();
    const { player, mic } = await startRunning(h);
    player.speakingTurnId = 5;
    mic.events.onUtteranceStart(2);
    expect(player.interrupts).toBe(1);
    expect(player.speakingTurnId).toBeNull();
    expect(h.transport.sent.slice(1)).toEqual([
      { type: 'barge-in', turnId: 5, playedMs: 1234 },
      { type: 'utterance.start', utteranceId: 2 },
    ]);
    h.transport.deliverFrame(partnerFrame(5, 9));
    h.transport.deliverFrame(partnerFrame(6, 0));
    expect(player.pushed.map((f) => f.streamId)).toEqual([6]);
    expect(h.controller.inboundCounters()).toEqual({ badFrames: 0, gatedFrames: 1 });
    expect(h.stores.scene.getState().bargeIns).toBe(1);
    // No barge-in when nothing is playing.
    mic.events.onUtteranceStart(3);
    expect(h.transport.sentTypes().filter((t) => t === 'barge-in')).toHaveLength(1);
  });

  it('stops a turn the relay reports interrupted, and counts undecodable frames', async () => {
    const h = harness();
    const { player } = await startRunning(h);
    player.speakingTurnId = 4;
    player.events.onTurnAudible(4);
    expect(h.stores.scene.getState()).toMatchObject({ partnerSpeakingTurnId: 4, speakingSpeaker: 'partner' });
    h.transport.deliver({ type: 'partner.end', turnId: 4, interrupted: true });
    expect(player.interrupts).toBe(1);
    // The stage stops showing the partner as speaking (no drain will come for the cut turn).
    expect(h.stores.scene.getState()).toMatchObject({ partnerSpeakingTurnId: null, speakingSpeaker: null });
    h.transport.deliverFrame(partnerFrame(4, 3));
    h.transport.deliverFrame(new Uint8Array([1, 2]));
    expect(player.pushed).toHaveLength(0);
    expect(h.controller.inboundCounters()).toEqual({ badFrames: 1, gatedFrames: 1 });
  });

  it('merges transcript partials into the transcript store', async () => {
    const h = harness();
    await startRunning(h);
    h.transport.deliver({ type: 'transcript', speaker: 'player', streamId: 1, text: 'Doctor', final: false });
    h.transport.deliver({ type: 'transcript', speaker: 'partner', streamId: 3, text: 'Yes?', final: false });
    h.transport.deliver({ type: 'transcript', speaker: 'player', streamId: 1, text: 'Doctor, help', final: true });
    const entries = h.stores.transcript.getState().entries;
    expect(entries.map((e) => [e.speaker, e.text, e.final])).toEqual([
      ['player', 'Doctor, help', true],
      ['partner', 'Yes?', false],
    ]);
  });

  it('mic denied: plain words, no scene on the relay, everything is released', async () => {
    const h = harness();
    h.micError = Object.assign(new Error('Permission denied'), { code: 'mic.denied' });
    const started = h.controller.start();
    await expect(started).resolves.toBeUndefined();
    const scene = h.stores.scene.getState();
    expect(scene.phase).toBe('idle');
    expect(scene.error?.text).toBe(USER_MESSAGES['mic.denied']);
    expect(scene.error?.text).toMatch(/^We can’t hear you/);
    // No hello: the relay never created a scene for a mic that was refused.
    expect(h.transport.sentTypes()).not.toContain('hello');
    expect(h.transport.closed).toBe(true);
    expect(h.players[0]!.closed).toBe(true);
    expect(h.stores.connection.getState().state).toBe('closed');
    expect(h.controller.running).toBe(false);
  });

  it('relay unreachable: plain words and the player is closed', async () => {
    const h = harness();
    h.transport.connectOutcome = new TransportError('transport.unreachable', 'fetch failed');
    await h.controller.start();
    expect(h.stores.scene.getState().error?.text).toMatch(/^Can’t reach the stage server/);
    expect(h.players[0]!.closed).toBe(true);
    expect(h.stores.connection.getState().state).toBe('closed');
  });

  it('a player that cannot be created surfaces as a sound problem', async () => {
    const h = harness({
      createPlayer: () => {
        throw new Error('AudioContext not allowed');
      },
    });
    await h.controller.start();
    expect(h.stores.scene.getState().error?.code).toBe('audio.unavailable');
    expect(h.transport.closed).toBe(true);
  });

  it('a fatal relay error ends the scene in plain words; a non-fatal one does not', async () => {
    const h = harness();
    await startRunning(h);
    h.transport.deliver({ type: 'error', code: 'message.invalid', message: 'bad', fatal: false });
    expect(h.controller.running).toBe(true);
    h.transport.deliver({ type: 'error', code: 'upstream.unavailable', message: 'Live down', fatal: true });
    await vi.waitFor(() => expect(h.stores.scene.getState().error?.code).toBe('upstream.unavailable'));
    expect(h.mics[0]!.stopped).toBe(true);
    expect(h.controller.running).toBe(false);
  });

  it('a lost connection starts resuming (not failing); session.ended reads as a calm notice', async () => {
    const lost = harness();
    await startRunning(lost);
    lost.transport.drop('ICE failed');
    expect(lost.stores.connection.getState()).toMatchObject({ state: 'reconnecting', reason: 'ICE failed' });
    expect(lost.stores.scene.getState()).toMatchObject({ error: null, phase: 'running' });
    expect(lost.controller.running).toBe(true);
    await lost.controller.end();

    const ended = harness();
    await startRunning(ended);
    ended.transport.deliver({ type: 'session.ended', reason: 'scene over' });
    await vi.waitFor(() => expect(ended.controller.running).toBe(false));
    expect(ended.stores.scene.getState()).toMatchObject({ error: null, phase: 'idle' });
    expect(ended.stores.scene.getState().notice).toMatch(/scene has ended/);
  });

  it('End scene: the mic stops at once, the MC closes the scene and the coach reports on the same connection, then all is released', async () => {
    const h = harness();
    const { player, mic } = await startRunning(h);
    const ending = h.controller.end();
    expect(h.transport.sentTypes().at(-1)).toBe('scene.end');
    await vi.waitFor(() => expect(mic.stopped).toBe(true));
    expect([player.closed, h.transport.closed]).toEqual([false, false]);
    expect(h.stores.scene.getState().phase).toBe('ending');
    expect(h.stores.connection.getState().state).toBe('connected');
    // The MC's closing line still plays.
    h.transport.deliver({ type: 'partner.start', turnId: 9, speaker: 'mc' });
    h.transport.deliverFrame(partnerFrame(9, 0));
    expect(player.pushed.map((f) => f.streamId)).toEqual([9]);
    h.transport.deliver({ type: 'session.ended', reason: 'scene ended by the player' });
    await ending;
    expect([player.closed, h.transport.closed]).toEqual([true, true]);
    expect(h.stores.scene.getState()).toMatchObject({ phase: 'idle', error: null });
    expect(h.stores.connection.getState().state).toBe('closed');
    h.transport = new FakeTransport();
    await startRunning(h);
    expect(h.stores.connection.getState().state).toBe('connected');
  });

  it('End scene stops waiting for the relay after endingWaitMs, without an error', async () => {
    vi.useFakeTimers();
    const h = harness({ endingWaitMs: 1_000 });
    const started = h.controller.start();
    await vi.advanceTimersByTimeAsync(0);
    h.transport.deliver(WELCOME);
    await started;
    const { player } = { player: h.players[0]! };
    const ending = h.controller.end();
    await vi.advanceTimersByTimeAsync(999);
    expect(player.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await ending;
    expect([player.closed, h.transport.closed]).toEqual([true, true]);
    expect(h.stores.scene.getState()).toMatchObject({ phase: 'idle', error: null });
  });

  it('a drop while the scene is ending releases it instead of resuming', async () => {
    const h = harness();
    const { player } = await startRunning(h);
    const ending = h.controller.end();
    h.transport.drop('ICE failed');
    await ending;
    expect(player.closed).toBe(true);
    expect(h.stores.connection.getState().state).toBe('closed');
    expect(h.stores.scene.getState()).toMatchObject({ phase: 'idle', error: null });
  });

  it('End scene pressed again, or the page going away, releases everything at once', async () => {
    const twice = harness();
    const first = await startRunning(twice);
    const ending = twice.controller.end();
    await twice.controller.end();
    await ending;
    expect([first.player.closed, first.mic.stopped, twice.transport.closed]).toEqual([true, true, true]);
    expect(twice.transport.sentTypes().filter((type) => type === 'scene.end')).toHaveLength(1);

    const leaving = harness();
    const { player, mic } = await startRunning(leaving);
    await leaving.controller.end({ now: true });
    expect(leaving.transport.sentTypes().at(-1)).toBe('scene.end');
    expect([player.closed, mic.stopped, leaving.transport.closed]).toEqual([true, true, true]);
    expect(leaving.stores.scene.getState().phase).toBe('idle');
  });

  it('end() while connecting cancels quietly and closes the late player', async () => {
    const h = harness();
    h.transport.connectOutcome = 'pending';
    const started = h.controller.start();
    await h.controller.end();
    await started;
    expect(h.stores.scene.getState()).toMatchObject({ phase: 'idle', error: null });
    await vi.waitFor(() => expect(h.players[0]!.closed).toBe(true));
    // The mic opens while connecting (it must be granted before hello); ending stops it.
    await vi.waitFor(() => expect(h.mics.every((mic) => mic.stopped)).toBe(true));
  });

  it('times out waiting for welcome', async () => {
    vi.useFakeTimers();
    const h = harness({ welcomeTimeoutMs: 5_000 });
    const started = h.controller.start();
    await vi.advanceTimersByTimeAsync(5_001);
    await started;
    expect(h.stores.scene.getState().error?.code).toBe('transport.timeout');
  });

  it('pings every interval, records the round trip, and gives up when the relay goes quiet', async () => {
    vi.useFakeTimers();
    const h = harness({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 4_000 });
    const started = h.controller.start();
    await vi.advanceTimersByTimeAsync(0);
    h.transport.deliver(WELCOME);
    await started;
    h.clock.nowMs = 1_000;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.transport.sent.at(-1)).toEqual({ type: 'ping', t: 1_000 });
    h.clock.nowMs = 1_030;
    h.transport.deliver({ type: 'pong', t: 1_000 });
    expect(h.stores.connection.getState().rttMs).toBe(30);
    for (let second = 2; second <= 6; second++) {
      h.clock.nowMs = second * 1_000;
      await vi.advanceTimersByTimeAsync(1_000);
    }
    // A silent relay is a drop: the old transport is closed and the scene starts resuming.
    expect(h.stores.connection.getState()).toMatchObject({
      state: 'reconnecting',
      reason: expect.stringMatching(/no word/),
    });
    expect(h.transport.closed).toBe(true);
    await h.controller.end();
  });

  it('does not blame the relay when the page itself stalled past the heartbeat timeout', async () => {
    vi.useFakeTimers();
    const h = harness({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 4_000 });
    const started = h.controller.start();
    await vi.advanceTimersByTimeAsync(0);
    h.transport.deliver(WELCOME);
    await started;
    // The main thread is blocked for 5 s: the clock moves on, the next tick comes late.
    h.clock.nowMs = 5_000;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.controller.running).toBe(true);
    expect(h.transport.sent.at(-1)).toEqual({ type: 'ping', t: 5_000 });
    // Ticks on time again, but the relay never answers: now it is lost.
    for (let second = 6; second <= 10; second++) {
      h.clock.nowMs = second * 1_000;
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(h.stores.connection.getState().state).toBe('reconnecting');
    await h.controller.end();
  });

  it('notices a dead relay on a page that stays slow (every tick late), and not a live one', async () => {
    vi.useFakeTimers();
    const h = harness({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 4_000 });
    const started = h.controller.start();
    await vi.advanceTimersByTimeAsync(0);
    h.transport.deliver(WELCOME);
    await started;
    // Each tick comes 2.5 s after the last (a starved page); the relay answers each ping between ticks.
    for (let tick = 1; tick <= 6; tick++) {
      h.clock.nowMs = tick * 2_500;
      await vi.advanceTimersByTimeAsync(1_000);
      h.clock.nowMs += 30;
      h.transport.deliver({ type: 'pong', t: h.clock.nowMs - 30 });
    }
    expect(h.stores.connection.getState().state).toBe('connected');
    // Then the relay dies: still every tick late, nothing heard. Tick 7 still hears the last pong; ticks 8–11
    // hear nothing, and it is lost (it used to be excused on every late tick, so a slow page never noticed).
    for (let tick = 7; tick <= 11; tick++) {
      h.clock.nowMs = tick * 2_500;
      await vi.advanceTimersByTimeAsync(1_000);
      if (tick < 11) expect(h.stores.connection.getState().state).toBe('connected');
    }
    expect(h.stores.connection.getState()).toMatchObject({
      state: 'reconnecting',
      reason: expect.stringMatching(/no word/),
    });
    await h.controller.end();
  });
});
