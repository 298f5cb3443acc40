// Fault tests across relay processes (issue #4): the relay is SIGKILLed and a new one started, SIGTERMed and
// restarted on the same data (as `npm start` would be), or frozen with SIGSTOP. Each time the browser resumes
// with its session id and token, the scene goes on, and Firestore holds every line the player was shown —
// zero turns lost, counted in the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RelayMessage } from '../../shared/protocol.js';
import { type LiveEmulator, startLiveEmulator } from '../live-emulator/server.js';
import { type EmulatorProcess, spawnFirestoreEmulator } from '../store/emulator-process.js';
import { createFirestore } from '../store/firestore.js';
import { FirestoreSessionStore } from '../store/firestore-session-store.js';
import { LOCAL_PROJECT_ID } from '../store/persistence.js';
import { type RelayProcess, startRelayProcess } from './relay-process.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));
const SECRET = 'takeover-test-secret';

let firestore: EmulatorProcess;
let live: LiveEmulator;
let store: FirestoreSessionStore;
const relays: RelayProcess[] = [];
const clients: RtcTestClient[] = [];
const dataDirs: string[] = [];

beforeAll(async () => {
  // Outside the relay processes, as Firestore and Gemini are in production: they outlive a relay instance.
  [firestore, live] = await Promise.all([
    spawnFirestoreEmulator({ port: 0 }),
    startLiveEmulator({ host: '127.0.0.1', port: 0 }),
  ]);
  store = new FirestoreSessionStore(createFirestore({ projectId: LOCAL_PROJECT_ID, emulatorHost: firestore.host }));
}, 60_000);

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const relay of relays.splice(0)) relay.kill();
});

afterAll(async () => {
  await store?.close(1_000);
  await Promise.allSettled([firestore?.stop('SIGTERM', 2_000), live?.close()]);
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
});

async function relay(env: Record<string, string>): Promise<RelayProcess> {
  const started = await startRelayProcess(env);
  relays.push(started);
  return started;
}

function externalEnv(): Record<string, string> {
  return {
    LIVE_EMULATOR_URL: live.url,
    FIRESTORE_EMULATOR_HOST: firestore.host,
    RELAY_SECRET: SECRET,
  };
}

async function connect(url: string, cookie?: string): Promise<RtcTestClient> {
  const client = await RtcTestClient.connect(url, { bindAddress: '127.0.0.1', ...(cookie ? { cookie } : {}) });
  clients.push(client);
  return client;
}

type Welcome = Extract<RelayMessage, { type: 'welcome' }>;

async function welcomeOf(reply: RelayMessage): Promise<Welcome> {
  if (reply.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(reply)}`);
  return reply;
}

const isPartnerStart = (m: RelayMessage): m is Extract<RelayMessage, { type: 'partner.start' }> =>
  m.type === 'partner.start' && m.speaker !== 'mc';

/**
 * One player line and the partner's whole reply, shown: the reply's final transcript (which follows its audio by
 * up to the transcript tail wait), not just its last audio.
 */
async function exchange(client: RtcTestClient, utteranceId: number): Promise<void> {
  const before = new Set(client.messages.filter(isPartnerStart).map((m) => m.turnId));
  await client.speak(utteranceId, speech, 5);
  const start = await client.waitForMessage((m) => isPartnerStart(m) && !before.has(m.turnId), 15_000);
  const turnId = (start as { turnId: number }).turnId;
  await client.waitForMessage(
    (m) => m.type === 'transcript' && m.speaker === 'partner' && m.final && m.streamId === turnId,
    20_000,
  );
}

/** The scene lines a client was shown as final (the MC's and the audience's are stage lines). */
function shownLines(...sessionClients: RtcTestClient[]): Array<[string, string]> {
  return sessionClients.flatMap((client) =>
    client.messages
      .filter(
        (m): m is Extract<RelayMessage, { type: 'transcript' }> =>
          m.type === 'transcript' && m.final && (m.speaker === 'player' || m.speaker === 'partner'),
      )
      .map((m): [string, string] => [m.speaker, m.text]),
  );
}

/**
 * Every player/partner line a client saw, final or not (the latest text of each), in the order they appeared:
 * after a hard kill the lines still open are in the store as of its last write batch.
 */
function seenLines(client: RtcTestClient): Array<{ speaker: string; text: string; final: boolean }> {
  const lines = new Map<string, { speaker: string; text: string; final: boolean }>();
  for (const m of client.messages) {
    if (m.type !== 'transcript' || (m.speaker !== 'player' && m.speaker !== 'partner')) continue;
    lines.set(`${m.speaker}:${m.streamId}`, { speaker: m.speaker, text: m.text, final: m.final });
  }
  return [...lines.values()].filter((line) => line.text.trim() !== '');
}

async function storedLines(sessionId: string): Promise<Array<[string, string]>> {
  const turns = await store.getTurns(sessionId);
  // Dense seqs across every stored turn: nothing overwritten, nothing skipped.
  expect(turns.map((t) => t.seq)).toEqual(turns.map((_, i) => i));
  return turns
    .filter((t) => t.speaker === 'player' || t.speaker === 'partner')
    .filter((t) => t.text.trim() !== '')
    .map((t): [string, string] => [t.speaker, t.text]);
}

/** Polls the store (a condition, not a sleep) until it holds what `expected` says, or fails after timeoutMs. */
async function untilStored(sessionId: string, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const session = await store.getSession(sessionId);
    const lines = (await store.getTurns(sessionId)).filter((t) => t.speaker === 'player' || t.speaker === 'partner');
    if (session?.resumptionHandle && lines.length >= count) return;
    if (performance.now() > deadline) throw new Error(`store holds ${lines.length} of ${count} lines`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ends the scene and waits until the store has it ended (its last write lands up to a batch later). */
async function endScene(
  client: RtcTestClient,
  sessionId: string,
  statusOf: () => Promise<string | undefined> = async () => (await store.getSession(sessionId))?.status,
): Promise<void> {
  client.send({ type: 'scene.end' });
  await client.waitForMessage((m) => m.type === 'session.ended', 30_000);
  const deadline = performance.now() + 10_000;
  while ((await statusOf()) !== 'completed') {
    if (performance.now() > deadline) throw new Error('the ended scene is still active in the store');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('relay instance faults', () => {
  it('SIGKILL mid-reply, a new relay started: the scene continues from Firestore with its resumption handle', async () => {
    const first = await relay(externalEnv());
    const client = await connect(first.url);
    const welcome = await welcomeOf(await client.hello({ game: 'expert-interview' }));
    await exchange(client, 1);
    await client.speak(2, speech, 5);
    const replying = await client.waitForMessage(
      (m) => isPartnerStart(m) && m.turnId !== client.messages.find(isPartnerStart)!.turnId,
      15_000,
    );
    await client.waitForMessage(
      (m) =>
        m.type === 'transcript' &&
        m.speaker === 'partner' &&
        m.streamId === (replying as { turnId: number }).turnId &&
        m.text.trim() !== '',
      15_000,
    );
    // Kill only once the store holds every line the player has seen, the open reply too: a SIGKILL loses the
    // write window (up to a second per scene, docs/faults.md); the browser's outbox resends a line lost in it,
    // which this client does not.
    await untilStored(welcome.sessionId, seenLines(client).length);
    const handleBefore = (await store.getSession(welcome.sessionId))!.resumptionHandle;
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const seenBefore = seenLines(client);
    // (The browser notices by its missed heartbeat; this client just moves on to the new relay.)
    client.close();

    const second = await relay(externalEnv());
    const resumed = await connect(second.url, client.setCookie ?? undefined);
    const setupsBefore = live.setups.length;
    const again = await welcomeOf(
      await resumed.hello({ sessionId: welcome.sessionId, resumeToken: welcome.resumeToken }, 15_000),
    );
    expect(again).toMatchObject({ sessionId: welcome.sessionId, resumed: true });
    // The new instance resumed the same Live session: the upstream context is the same, not rebuilt.
    const setup = live.setups.slice(setupsBefore).find((s) => s.resumedFromHandle !== undefined);
    expect(setup?.resumedFromHandle).toBeTruthy();
    expect(handleBefore).toBeTruthy();
    // No MC intro again on a takeover.
    expect(resumed.messages.some((m) => m.type === 'transcript' && m.speaker === 'mc')).toBe(false);

    await exchange(resumed, 3);
    // The browser keys its transcript and barge-in gate by turn id: the new instance never reuses the old ones.
    const idsBefore = new Set(client.messages.filter((m) => m.type === 'partner.start').map((m) => m.turnId));
    const idsAfter = resumed.messages.filter((m) => m.type === 'partner.start').map((m) => m.turnId);
    expect(idsAfter.length).toBeGreaterThan(0);
    expect(idsAfter.filter((id) => idsBefore.has(id))).toEqual([]);
    await endScene(resumed, welcome.sessionId);
    const stored = await storedLines(welcome.sessionId);
    // Before the kill: every line seen, the ones still open (the reply in flight) as of the last write batch.
    const before = stored.slice(0, seenBefore.length);
    expect(before.map(([speaker]) => speaker)).toEqual(seenBefore.map((line) => line.speaker));
    before.forEach(([, text], i) => {
      const seen = seenBefore[i]!;
      if (seen.final) expect(text).toBe(seen.text);
      // Open at the kill: the store has its last batch, the client what reached it; one is a prefix of the other.
      else
        expect(
          text.length > 0 && (seen.text.startsWith(text) || text.startsWith(seen.text)),
          `${text} ~ ${seen.text}`,
        ).toBe(true);
    });
    expect(seenBefore.some((line) => !line.final)).toBe(true);
    expect(stored.slice(seenBefore.length)).toEqual(shownLines(resumed));
    expect(shownLines(resumed).length).toBeGreaterThanOrEqual(2);
    const session = await store.getSession(welcome.sessionId);
    expect(session).toMatchObject({ status: 'completed', game: 'expert-interview' });
    expect(session!.quality.reconnects).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it("two live instances: the browser moves to B, A's grace runs out, and A does not end the scene B plays", async () => {
    const a = await relay({ ...externalEnv(), SESSION_GRACE_MS: '2000' });
    const b = await relay(externalEnv());
    const client = await connect(a.url);
    const welcome = await welcomeOf(await client.hello({ game: 'genre-switch' }));
    await exchange(client, 1);
    await untilStored(welcome.sessionId, shownLines(client).length);
    // The browser's network changed and its reconnect landed on B (Cloud Run affinity is best effort): A still
    // runs, holding the scene for its grace period.
    client.close();
    const moved = await connect(b.url, client.setCookie ?? undefined);
    const again = await welcomeOf(
      await moved.hello({ sessionId: welcome.sessionId, resumeToken: welcome.resumeToken }, 15_000),
    );
    expect(again).toMatchObject({ sessionId: welcome.sessionId, resumed: true });
    await exchange(moved, 2);
    // A's grace ends: its abandon is refused because B holds the scene (A logs it at warn).
    const deadline = performance.now() + 20_000;
    while (!a.stderr().includes('scene held by another relay instance')) {
      if (performance.now() > deadline) throw new Error(`A never reported the held scene; stderr: ${a.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await store.getSession(welcome.sessionId))?.status).toBe('active');
    await exchange(moved, 3);
    await endScene(moved, welcome.sessionId);
    expect(await storedLines(welcome.sessionId)).toEqual([...shownLines(client), ...shownLines(moved)]);
    expect(shownLines(moved).length).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('SIGSTOP for 6 s, then SIGCONT: the browser resumes on the same relay and nothing is lost', async () => {
    const frozen = await relay(externalEnv());
    const client = await connect(frozen.url);
    const welcome = await welcomeOf(await client.hello({ game: 'questions-only' }));
    await exchange(client, 1);
    frozen.child.kill('SIGSTOP');
    const frozenAtMs = performance.now();
    // The browser's heartbeat: a ping whose pong does not come within 4 s means the connection is lost.
    client.send({ type: 'ping', t: 123_456 });
    await expect(client.waitForMessage((m) => m.type === 'pong' && m.t === 123_456, 4_000)).rejects.toThrow();
    // The fault lasts 6 s in all; the browser's resume (below) is already waiting on the frozen relay.
    const thaw = setTimeout(() => frozen.child.kill('SIGCONT'), Math.max(0, 6_000 - (performance.now() - frozenAtMs)));
    try {
      const resumed = await RtcTestClient.connect(frozen.url, {
        bindAddress: '127.0.0.1',
        connectTimeoutMs: 20_000,
        ...(client.setCookie ? { cookie: client.setCookie } : {}),
      });
      clients.push(resumed);
      const again = await welcomeOf(
        await resumed.hello({ sessionId: welcome.sessionId, resumeToken: welcome.resumeToken }, 15_000),
      );
      expect(again).toMatchObject({ sessionId: welcome.sessionId, resumed: true });
      await exchange(resumed, 2);
      await endScene(resumed, welcome.sessionId);
      const stored = await storedLines(welcome.sessionId);
      expect(stored).toEqual([...shownLines(client), ...shownLines(resumed)]);
      expect(stored.length).toBeGreaterThanOrEqual(4);
    } finally {
      clearTimeout(thaw);
      frozen.child.kill('SIGCONT');
    }
  }, 120_000);

  it('SIGTERM, restarted on the same data as `npm start`: handed off, taken over with a fresh upstream told the scene', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-handoff-'));
    dataDirs.push(dataDir);
    // Its own emulators, as `npm start`: the restarted relay's Live emulator never saw the old handle.
    const first = await relay({ FIRESTORE_DATA_DIR: dataDir });
    const client = await connect(first.url);
    const welcome = await welcomeOf(await client.hello({ game: 'party-quirks' }));
    await exchange(client, 1);
    await client.speak(2, speech, 5);
    await client.waitForMessage(
      (m) => isPartnerStart(m) && m.turnId !== client.messages.find(isPartnerStart)!.turnId,
      15_000,
    );
    const signalledAtMs = performance.now();
    first.child.kill('SIGTERM');
    // Not the end of the scene: the browser is told to reconnect.
    const draining = await client.waitForMessage((m) => m.type === 'error', 5_000);
    expect(draining).toMatchObject({ code: 'relay.draining', fatal: false });
    expect(await first.exited).toBe(0);
    expect(performance.now() - signalledAtMs).toBeLessThan(8_000);
    expect(client.messages.some((m) => m.type === 'session.ended')).toBe(false);
    const shownBefore = shownLines(client);

    const second = await relay({ FIRESTORE_DATA_DIR: dataDir });
    const resumed = await connect(second.url, client.setCookie ?? undefined);
    const again = await welcomeOf(
      await resumed.hello({ sessionId: welcome.sessionId, resumeToken: welcome.resumeToken }, 20_000),
    );
    expect(again).toMatchObject({ sessionId: welcome.sessionId, resumed: true });
    await exchange(resumed, 3);
    // The restarted relay's store, read through its own API with the browser's cookie.
    const read = async () => {
      const reply = await fetch(`${second.url}/api/sessions/${welcome.sessionId}`, {
        headers: { cookie: client.setCookie ?? '' },
      });
      expect(reply.status).toBe(200);
      return (await reply.json()) as { status: string; turns: Array<{ seq: number; speaker: string; text: string }> };
    };
    await endScene(resumed, welcome.sessionId, async () => (await read()).status);
    const detail = await read();
    expect(detail.turns.map((t) => t.seq)).toEqual(detail.turns.map((_, i) => i));
    const lines = detail.turns
      .filter((t) => (t.speaker === 'player' || t.speaker === 'partner') && t.text.trim() !== '')
      .map((t) => [t.speaker, t.text]);
    expect(lines).toEqual([...shownBefore, ...shownLines(resumed)]);
    expect(detail.status).toBe('completed');
    expect(second.stderr()).toContain('opening a fresh upstream with the scene so far');
    // Stopped as `npm start` is: its own Firestore emulator saves into dataDir and stops before the relay exits
    // (a SIGKILL would leave that emulator saving while the folder is removed).
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 150_000);
});
