// The scene controller across a drop: resume with the session's id and latest token on a new transport,
// keep player, mic and transcript, send the lines the outage cost again whole, give up after the grace period.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import { decodeFrame, encodeFrame, FrameFlag } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { NetworkStatus } from '../connection/network-status.js';
import { createAppStores } from '../store/stores.js';
import { TransportError } from '../transport/transport-error.js';
import { SceneController, type SceneDeps } from './scene-controller.js';
import { FakeMic, FakePlayer, FakeTransport } from './scene-fakes.js';
import { USER_MESSAGES } from './user-messages.js';

const welcome = (resumeToken: string, resumed: boolean): RelayMessage => ({
  type: 'welcome',
  protocolVersion: PROTOCOL_VERSION,
  sessionId: 'session-1',
  resumeToken,
  upstream: 'emulator',
  resumed,
});

function micFrame(utteranceId: number, seq: number): Uint8Array {
  return encodeFrame({
    flags: seq === 0 ? FrameFlag.Start : 0,
    streamId: utteranceId,
    seq,
    timestampMs: seq * 20,
    payload: new Uint8Array([7, 7, 7]),
  });
}

class FakeNetwork implements NetworkStatus {
  readonly #listeners = new Set<(online: boolean) => void>();
  subscribe(listener: (online: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  emit(online: boolean): void {
    for (const listener of this.#listeners) listener(online);
  }
}

function harness(overrides: Partial<SceneDeps> = {}) {
  const stores = createAppStores();
  const transports: FakeTransport[] = [];
  const players: FakePlayer[] = [];
  const mics: FakeMic[] = [];
  const network = new FakeNetwork();
  const clock = { nowMs: 0 };
  /** What the next reconnect transport's connect() does. */
  const next = { outcome: 'open' as FakeTransport['connectOutcome'] };
  const reconnectFlags: boolean[] = [];
  const controller = new SceneController({
    stores,
    createTransport: (attempt) => {
      reconnectFlags.push(attempt?.reconnecting ?? false);
      const transport = new FakeTransport();
      if (attempt?.reconnecting) transport.connectOutcome = next.outcome;
      transports.push(transport);
      return transport;
    },
    createPlayer: async (events) => {
      const player = new FakePlayer(events);
      players.push(player);
      return player;
    },
    startMic: async (events) => {
      const mic = new FakeMic(events);
      mics.push(mic);
      return mic;
    },
    now: () => clock.nowMs,
    network,
    // Deterministic: the first retry after 100 ms, then every second.
    reconnectPolicy: { nextRetryDelayMs: ({ retryCount }) => (retryCount === 0 ? 100 : 1_000) },
    reconnectGraceMs: 30_000,
    reconnectAttemptTimeoutMs: 2_000,
    ...overrides,
  });
  const latest = () => transports.at(-1)!;
  return { controller, stores, transports, players, mics, network, clock, next, reconnectFlags, latest };
}
type Harness = ReturnType<typeof harness>;

async function startRunning(h: Harness): Promise<{ player: FakePlayer; mic: FakeMic }> {
  const started = h.controller.start();
  await vi.advanceTimersByTimeAsync(0);
  expect(h.latest().sentTypes()).toEqual(['hello']);
  h.latest().deliver(welcome('token-1', false));
  await started;
  expect(h.stores.scene.getState().phase).toBe('running');
  return { player: h.players[0]!, mic: h.mics[0]! };
}

/** Lets the reconnector's timer fire and the new transport say hello. */
async function awaitResumeHello(h: Harness, count: number): Promise<FakeTransport> {
  await vi.waitFor(() => expect(h.transports).toHaveLength(count));
  const transport = h.transports[count - 1]!;
  await vi.waitFor(() => expect(transport.sentTypes()).toEqual(['hello']));
  return transport;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SceneController reconnect', () => {
  it('drop → reconnecting → a new transport says hello with sessionId + latest token → resumed → connected', async () => {
    vi.useFakeTimers();
    const h = harness();
    const { player, mic } = await startRunning(h);
    h.latest().deliver({ type: 'transcript', speaker: 'partner', streamId: 3, text: 'Scalpel.', final: true });
    // The relay may rotate the token; the latest one must be presented.
    h.latest().deliver(welcome('token-2', true));
    const first = h.latest();
    h.clock.nowMs = 5_000;
    first.drop('ICE disconnected');
    expect(h.stores.connection.getState()).toMatchObject({ state: 'reconnecting', reason: 'ICE disconnected' });
    expect(first.closed).toBe(true);

    await vi.advanceTimersByTimeAsync(99);
    expect(h.transports).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const second = await awaitResumeHello(h, 2);
    expect(h.reconnectFlags).toEqual([false, true]);
    expect(second.sent[0]).toEqual({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      sessionId: 'session-1',
      resumeToken: 'token-2',
    });
    h.clock.nowMs = 5_400;
    second.deliver(welcome('token-3', true));
    await vi.waitFor(() => expect(h.stores.connection.getState().state).toBe('connected'));

    // Same player, same mic (still running), transcript kept; traffic goes out on the new transport.
    expect(h.players).toHaveLength(1);
    expect([player.closed, mic.stopped]).toEqual([false, false]);
    expect(h.stores.transcript.getState().entries.map((e) => e.text)).toEqual(['Scalpel.']);
    expect(h.controller.connectionStats()).toMatchObject({ reconnects: 1, lastOutageMs: 400 });
    mic.events.onUtteranceStart(4);
    mic.events.onFrame(micFrame(4, 0));
    mic.events.onUtteranceEnd(4, 1);
    expect(second.sentTypes()).toEqual(['hello', 'utterance.start', 'utterance.end']);
    expect(second.sentFrames).toHaveLength(1);
    // The heartbeat runs again, on the new transport.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(second.sentTypes().at(-1)).toBe('ping');
    // The next drop presents the token from the resumed welcome.
    second.drop('socket closed');
    const third = await (async () => {
      await vi.advanceTimersByTimeAsync(100);
      return awaitResumeHello(h, 3);
    })();
    expect(third.sent[0]).toMatchObject({ sessionId: 'session-1', resumeToken: 'token-3' });
    await h.controller.end({ now: true });
  });

  it('a restarting relay (relay.draining, not fatal) is a drop: the scene resumes, a retry refused the same way retries', async () => {
    vi.useFakeTimers();
    const h = harness();
    const { player } = await startRunning(h);
    const first = h.latest();
    first.deliver({
      type: 'error',
      code: 'relay.draining',
      message: 'this relay is restarting; reconnecting to continue the scene',
      fatal: false,
    });
    expect(h.stores.connection.getState()).toMatchObject({ state: 'reconnecting' });
    expect(first.closed).toBe(true);
    expect(h.stores.scene.getState().phase).toBe('running');
    await vi.advanceTimersByTimeAsync(100);
    // The first retry reaches the relay that is still going down: refused the same way, then closed.
    const second = await awaitResumeHello(h, 2);
    second.deliver({ type: 'error', code: 'relay.draining', message: 'restarting', fatal: false });
    second.drop('closed by the relay');
    await vi.advanceTimersByTimeAsync(1_000);
    const third = await awaitResumeHello(h, 3);
    expect(third.sent[0]).toMatchObject({ sessionId: 'session-1', resumeToken: 'token-1' });
    third.deliver(welcome('token-2', true));
    await vi.waitFor(() => expect(h.stores.connection.getState().state).toBe('connected'));
    expect(h.stores.scene.getState().phase).toBe('running');
    expect(h.players).toHaveLength(1);
    expect(player.closed).toBe(false);
    await h.controller.end({ now: true });
  });

  it('retries failed attempts with backoff and gives up after the grace period in plain words', async () => {
    vi.useFakeTimers();
    const h = harness({ reconnectGraceMs: 3_000 });
    const { player, mic } = await startRunning(h);
    h.next.outcome = new TransportError('transport.unreachable', 'fetch failed');
    h.latest().drop('ICE failed');
    await vi.advanceTimersByTimeAsync(100);
    expect(h.transports).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.transports).toHaveLength(3);
    expect(h.stores.connection.getState().state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1_900);
    expect(h.stores.connection.getState()).toMatchObject({ state: 'closed', reason: 'transport.lost' });
    expect(h.stores.scene.getState().error?.text).toBe(USER_MESSAGES['transport.lost']);
    expect(h.stores.scene.getState().error?.text).toBe(
      'Lost the connection to the stage — press Start scene to go again.',
    );
    expect([player.closed, mic.stopped]).toEqual([true, true]);
    // Nothing keeps retrying after giving up.
    const count = h.transports.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.transports).toHaveLength(count);
  });

  it.each([['auth.invalid_token' as const], ['session.not_found' as const]])(
    'a resume refused with %s closes the scene with the lost-connection message',
    async (code) => {
      vi.useFakeTimers();
      const h = harness();
      await startRunning(h);
      h.latest().drop('ICE failed');
      await vi.advanceTimersByTimeAsync(100);
      const second = await awaitResumeHello(h, 2);
      second.deliver({ type: 'error', code, message: 'refused', fatal: true });
      await vi.waitFor(() => expect(h.stores.connection.getState().state).toBe('closed'));
      expect(h.stores.scene.getState().error?.text).toBe(USER_MESSAGES['transport.lost']);
      expect(h.controller.running).toBe(false);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(h.transports).toHaveLength(2);
    },
  );

  it('a line cut by the drop and lines spoken into the outage are sent again whole, in order, after the resume', async () => {
    vi.useFakeTimers();
    const h = harness();
    const { mic } = await startRunning(h);
    const first = h.latest();
    mic.events.onUtteranceStart(1);
    mic.events.onFrame(micFrame(1, 0));
    first.drop('ICE failed');
    // The rest of utterance 1, and all of utterance 2, happen while disconnected.
    mic.events.onFrame(micFrame(1, 1));
    mic.events.onUtteranceEnd(1, 2);
    mic.events.onUtteranceStart(2);
    mic.events.onFrame(micFrame(2, 2));
    mic.events.onUtteranceEnd(2, 1);
    await vi.advanceTimersByTimeAsync(100);
    const second = await awaitResumeHello(h, 2);
    // Utterance 3 starts while the resume is still in flight: queued behind the others.
    mic.events.onUtteranceStart(3);
    mic.events.onFrame(micFrame(3, 3));
    expect(h.stores.scene.getState().error).toBeNull();
    second.deliver(welcome('token-2', true));
    await vi.waitFor(() => expect(h.stores.connection.getState().state).toBe('connected'));
    await vi.advanceTimersByTimeAsync(100);

    expect(first.sentTypes()).toEqual(['hello', 'utterance.start']);
    expect(first.sentFrames).toHaveLength(1);
    // Whole, in order; utterance 3 is still being spoken, so it caught up and now goes on live.
    expect(second.sent.slice(1)).toEqual([
      { type: 'utterance.start', utteranceId: 1, resent: true },
      { type: 'utterance.end', utteranceId: 1, frameCount: 2 },
      { type: 'utterance.start', utteranceId: 2, resent: true },
      { type: 'utterance.end', utteranceId: 2, frameCount: 1 },
      { type: 'utterance.start', utteranceId: 3, resent: true },
    ]);
    const resent = second.sentFrames.map((bytes) => decodeFrame(bytes));
    expect(resent.map((f) => [f.streamId, f.seq])).toEqual([
      [1, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(resent.every((f) => (f.flags & FrameFlag.Resent) !== 0)).toBe(true);
    mic.events.onFrame(micFrame(3, 4));
    mic.events.onUtteranceEnd(3, 2);
    expect(decodeFrame(second.sentFrames.at(-1)!)).toMatchObject({ seq: 4, flags: 0 });
    expect(second.sent.at(-1)).toEqual({ type: 'utterance.end', utteranceId: 3, frameCount: 2 });
    expect(h.controller.connectionStats()).toMatchObject({ queuedUtterances: 2, lostLines: 0, resentLines: 3 });
    expect(h.stores.scene.getState()).toMatchObject({ utterancesSent: 3, playerSpeaking: false, error: null });
    await h.controller.end({ now: true });
  });

  it('a line begun before the first welcome goes out once welcomed, and the next line after it', async () => {
    vi.useFakeTimers();
    const h = harness();
    const started = h.controller.start();
    await vi.advanceTimersByTimeAsync(0);
    const transport = h.latest();
    expect(transport.sentTypes()).toEqual(['hello']);
    // The mic is up and the player speaks while the welcome is still on its way (a slow WebSocket fallback).
    const mic = h.mics[0]!;
    mic.events.onUtteranceStart(1);
    mic.events.onFrame(micFrame(1, 0));
    mic.events.onFrame(micFrame(1, 1));
    mic.events.onUtteranceEnd(1, 2);
    transport.deliver(welcome('token-1', false));
    await started;
    await vi.advanceTimersByTimeAsync(100);
    mic.events.onUtteranceStart(2);
    mic.events.onFrame(micFrame(2, 2));
    mic.events.onUtteranceEnd(2, 1);
    expect(transport.sent.slice(1).filter((m) => m.type !== 'ping')).toEqual([
      { type: 'utterance.start', utteranceId: 1, resent: true },
      { type: 'utterance.end', utteranceId: 1, frameCount: 2 },
      { type: 'utterance.start', utteranceId: 2 },
      { type: 'utterance.end', utteranceId: 2, frameCount: 1 },
    ]);
    expect(transport.sentFrames.map((bytes) => decodeFrame(bytes).seq)).toEqual([0, 1, 2]);
    await h.controller.end({ now: true });
  });

  it('the resumed welcome acknowledges what the relay already has: those lines are not sent again', async () => {
    vi.useFakeTimers();
    const h = harness();
    const { mic } = await startRunning(h);
    mic.events.onUtteranceStart(1);
    mic.events.onFrame(micFrame(1, 0));
    mic.events.onUtteranceEnd(1, 1);
    mic.events.onUtteranceStart(2);
    mic.events.onFrame(micFrame(2, 1));
    mic.events.onUtteranceEnd(2, 1);
    // Line 1's ack arrives; line 2's is lost with the connection.
    h.latest().deliver({ type: 'line.ack', utteranceId: 1 });
    h.latest().drop('ICE failed');
    await vi.advanceTimersByTimeAsync(100);
    const second = await awaitResumeHello(h, 2);
    second.deliver({ ...welcome('token-2', true), lineAck: 2 } as RelayMessage);
    await vi.waitFor(() => expect(h.stores.connection.getState().state).toBe('connected'));
    await vi.advanceTimersByTimeAsync(100);
    expect(second.sentTypes()).toEqual(['hello']);
    expect(second.sentFrames).toHaveLength(0);
    await h.controller.end({ now: true });
  });

  it('a line older than the bound when the connection returns is not sent: the stage says so, the transcript marks it', async () => {
    vi.useFakeTimers();
    const h = harness();
    const { mic } = await startRunning(h);
    h.latest().drop('ICE failed');
    h.clock.nowMs = 1_000;
    mic.events.onUtteranceStart(1);
    mic.events.onFrame(micFrame(1, 0));
    mic.events.onUtteranceEnd(1, 1);
    h.next.outcome = 'pending';
    await vi.advanceTimersByTimeAsync(100);
    // The connection comes back 25 s after the line ended (the bound is 20 s).
    h.clock.nowMs = 26_000;
    h.next.outcome = 'open';
    h.network.emit(true);
    const fresh = await awaitResumeHello(h, 3);
    fresh.deliver(welcome('token-2', true));
    await vi.waitFor(() => expect(h.stores.connection.getState().state).toBe('connected'));
    await vi.advanceTimersByTimeAsync(100);
    expect(fresh.sentTypes()).toEqual(['hello']);
    expect(h.stores.scene.getState().error?.text).toBe('That line didn’t reach the stage — say it again.');
    expect(h.stores.transcript.getState().entries).toMatchObject([{ speaker: 'player', streamId: 1, lost: true }]);
    expect(h.controller.connectionStats()).toMatchObject({ lostLines: 1, resentLines: 0 });
    await h.controller.end({ now: true });
  });

  it('the browser going offline is a drop at once; coming online retries at once', async () => {
    vi.useFakeTimers();
    const h = harness({
      reconnectPolicy: { nextRetryDelayMs: ({ retryCount }) => (retryCount === 0 ? 100 : 10_000) },
    });
    await startRunning(h);
    h.next.outcome = new TransportError('transport.unreachable', 'offline');
    h.network.emit(false);
    expect(h.stores.connection.getState()).toMatchObject({ state: 'reconnecting', reason: 'the browser went offline' });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.transports).toHaveLength(2);
    // The next scheduled retry is 10 s away; `online` must not wait for it.
    h.next.outcome = 'open';
    h.network.emit(true);
    // Synchronously: no timer stands between `online` and the new attempt.
    expect(h.transports).toHaveLength(3);
    const third = await awaitResumeHello(h, 3);
    third.deliver(welcome('token-2', true));
    await vi.waitFor(() => expect(h.stores.connection.getState().state).toBe('connected'));
    await h.controller.end({ now: true });
  });

  it('online abandons an attempt stuck from while the network was down', async () => {
    vi.useFakeTimers();
    const h = harness();
    await startRunning(h);
    h.next.outcome = 'pending';
    h.latest().drop('ICE failed');
    await vi.advanceTimersByTimeAsync(100);
    expect(h.transports).toHaveLength(2);
    const stuck = h.transports[1]!;
    h.next.outcome = 'open';
    h.network.emit(true);
    expect(h.transports).toHaveLength(3);
    const fresh = await awaitResumeHello(h, 3);
    expect(stuck.closed).toBe(true);
    fresh.deliver(welcome('token-2', true));
    await vi.waitFor(() => expect(h.stores.connection.getState().state).toBe('connected'));
    await h.controller.end({ now: true });
  });

  it('end() while reconnecting stops retrying and releases everything', async () => {
    vi.useFakeTimers();
    const h = harness();
    const { player, mic } = await startRunning(h);
    h.latest().drop('ICE failed');
    await h.controller.end({ now: true });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.transports).toHaveLength(1);
    expect([player.closed, mic.stopped]).toEqual([true, true]);
    expect(h.stores.connection.getState().state).toBe('closed');
    expect(h.stores.scene.getState().error).toBeNull();
  });
});
