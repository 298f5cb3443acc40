// Cross-process: a scripted scene through the real relay (WebRTC on 127.0.0.1, the Live emulator) wired to the
// real Firestore emulator exactly as main.ts wires it (startPersistence spawns it on an ephemeral port with a
// throwaway data folder). Every turn lands in order with its fields, owned by the identity cookie's user, and the
// history API shows it to that user only.
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SessionDetailJson, SessionSummaryJson } from '../../shared/api.js';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import type { RelayMessage } from '../../shared/protocol.js';
import { loadConfig } from '../config.js';
import { silentLogger } from '../log.js';
import { createFirestore } from '../store/firestore.js';
import { FirestoreSessionStore } from '../store/firestore-session-store.js';
import { type Persistence, startPersistence, storeReadinessReason } from '../store/persistence.js';
import { type Harness, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

delete process.env.FIRESTORE_EMULATOR_HOST;

const GRACE_MS = 400;
const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));
const dataDir = mkdtempSync(join(tmpdir(), 'relay-persistence-'));
let persistence: Persistence;
let harness: Harness;
let readiness = (): string[] => persistence.readinessReasons();

beforeAll(async () => {
  const config = loadConfig({ FIRESTORE_DATA_DIR: dataDir, RELAY_SECRET: 'persistence-test' });
  persistence = await startPersistence(config, silentLogger, {});
  harness = await startHarness({
    emulator: { realtime: false, thinkMs: 30 },
    env: { SESSION_GRACE_MS: String(GRACE_MS) },
    relay: {
      observer: persistence.recorder,
      authenticator: persistence.authenticator,
      routes: (router) => persistence.routes(router),
      readinessReasons: () => readiness(),
    },
  });
}, 60_000);
afterAll(async () => {
  await harness?.close();
  await persistence?.close(2_000);
  rmSync(dataDir, { recursive: true, force: true });
});

type Of<T extends RelayMessage['type']> = Extract<RelayMessage, { type: T }>;
const is =
  <T extends RelayMessage['type']>(type: T) =>
  (m: RelayMessage): m is Of<T> =>
    m.type === type;

async function getJson(path: string, cookie?: string): Promise<{ status: number; body: unknown; cookie?: string }> {
  const reply = await fetch(`${harness.relay.url}${path}`, { headers: cookie ? { cookie } : {} });
  return { status: reply.status, body: await reply.json(), cookie: reply.headers.get('set-cookie')?.split(';')[0] };
}

/** One exchange: the player speaks, the partner answers; returns the partner turn id. */
async function exchange(client: RtcTestClient, utteranceId: number): Promise<number> {
  const before = client.messages.filter(is('partner.start')).length;
  await client.speak(utteranceId, speech, 5);
  await expect.poll(() => client.messages.filter(is('partner.start')).length, { timeout: 15_000 }).toBe(before + 1);
  const start = client.messages.filter(is('partner.start')).at(-1)!;
  await client.waitForMessage((m) => m.type === 'partner.end' && m.turnId === start.turnId, 15_000);
  return start.turnId;
}

// The scene's own lines (the MC's intro and outro are stage lines, not stored turns).
const finals = (client: RtcTestClient) =>
  client.messages.filter(
    (m): m is Of<'transcript'> =>
      m.type === 'transcript' && m.final && (m.speaker === 'player' || m.speaker === 'partner'),
  );

describe('a scene saved to Firestore', () => {
  it('stores every turn in order, owned by the cookie’s user, and shows it to that user only', async () => {
    const client = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
    try {
      // The offer issued the identity, as it does for a browser's first visit.
      expect(client.setCookie).toMatch(/^iol_uid=anon_/);
      const owner = client.setCookie!;
      const welcome = await client.hello({ game: 'alphabet' });
      if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);

      // Early playback report (while the turn is still open) for the first reply…
      await client.speak(1, speech, 5);
      const first = await client.waitForMessage(is('partner.start'), 15_000);
      client.send({ type: 'playback.started', turnId: first.turnId, latencyMs: 640 });
      await client.waitForMessage((m) => m.type === 'partner.end' && m.turnId === first.turnId, 15_000);
      // …a late one (after the turn was written) for the second: the turn is written again under the same seq.
      const second = await exchange(client, 2);
      await client.waitForMessage(
        (m) => m.type === 'transcript' && m.speaker === 'partner' && m.streamId === second && m.final,
      );
      client.send({ type: 'playback.started', turnId: second, latencyMs: 720 });

      // Someone else cannot take the live session over, even with its resume token.
      const intruder = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
      try {
        expect(intruder.setCookie).not.toBe(owner);
        const refused = await intruder.hello({ sessionId: welcome.sessionId, resumeToken: welcome.resumeToken });
        expect(refused).toMatchObject({ type: 'error', code: 'session.not_found', fatal: true });
      } finally {
        intruder.close();
      }

      // Live reports usage after turnComplete: wait until both replies carry their tokens before ending.
      await expect
        .poll(
          async () =>
            (await persistence.store.getTurns(welcome.sessionId)).filter(
              (t) => t.speaker === 'partner' && (t.tokens ?? 0) > 0 && t.voiceToVoiceMs !== undefined,
            ).length,
          { timeout: 10_000 },
        )
        .toBe(2);
      client.send({ type: 'scene.end' });
      await client.waitForMessage(is('session.ended'));
      expect(await persistence.store.flush(5_000)).toBe(true);

      const heard = finals(client);
      const list = await getJson('/api/sessions', owner);
      expect(list.status).toBe(200);
      const summaries = list.body as SessionSummaryJson[];
      expect(summaries.map((s) => s.id)).toEqual([welcome.sessionId]);
      expect(summaries[0]).toMatchObject({
        game: 'alphabet',
        status: 'completed',
        latencyP50Ms: 640,
        latencyP95Ms: 720,
      });
      expect(summaries[0]!.estimatedCostUsd).toBeGreaterThan(0);

      const detail = await getJson(`/api/sessions/${welcome.sessionId}`, owner);
      expect(detail.status).toBe(200);
      const body = detail.body as SessionDetailJson;
      expect(summaries[0]!.turnCount).toBe(body.turns.length);
      // Every turn, dense: the MC opens and closes, the room reacts to each exchange (when its call lands).
      expect(body.turns.map((t) => t.seq)).toEqual(body.turns.map((_, seq) => seq));
      expect([body.turns[0]!.speaker, body.turns.at(-1)!.speaker]).toEqual(['mc', 'mc']);
      expect(body.turns.filter((t) => t.speaker === 'audience')).toHaveLength(2);
      // The scene's lines in order, each exactly what the player saw as final.
      const lines = body.turns.filter((t) => t.speaker === 'player' || t.speaker === 'partner');
      expect(lines.map((t) => [t.speaker, t.text])).toEqual(heard.map((m) => [m.speaker, m.text]));
      expect(lines.map((t) => t.speaker)).toEqual(['player', 'partner', 'player', 'partner']);
      expect(lines[0]!.text).toMatch(/player speech/);
      expect(lines.map((t) => t.voiceToVoiceMs)).toEqual([null, 640, null, 720]);
      expect(lines.every((t) => t.interrupted === false && t.durationMs > 0)).toBe(true);
      const startedAt = lines.map((t) => Date.parse(t.startedAt));
      expect([...startedAt].sort((a, b) => a - b)).toEqual(startedAt);
      expect(body.quality).toMatchObject({ framesReceived: speech.length * 2, framesLost: 0, reconnects: 0 });
      expect(body.usage.inputAudioTokens).toBeGreaterThan(0);
      expect(body.usage.outputAudioTokens).toBeGreaterThan(0);

      const stored = await persistence.store.getSession(welcome.sessionId);
      expect(stored?.ownerId).toBe(owner.slice('iol_uid='.length).split('.')[0]);
      const storedTurns = await persistence.store.getTurns(welcome.sessionId);
      expect(storedTurns.filter((t) => t.speaker === 'partner').every((t) => (t.tokens ?? 0) > 0)).toBe(true);

      // Another browser: its own (empty) history, and this scene is a 404 to it.
      const stranger = await getJson('/api/sessions');
      expect(stranger.cookie).toMatch(/^iol_uid=anon_/);
      expect(stranger.body).toEqual([]);
      const peek = await getJson(`/api/sessions/${welcome.sessionId}`, stranger.cookie);
      expect(peek.status).toBe(404);
      expect(peek.body).toMatchObject({ error: { code: 'session.not_found' } });
    } finally {
      client.close();
    }
  }, 60_000);

  it('marks a scene abandoned when the browser drops and the grace period ends', async () => {
    const { cookie } = await getJson('/api/sessions');
    const client = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1', cookie });
    expect(client.setCookie).toBeNull(); // the offer honoured the existing identity
    const welcome = await client.hello();
    if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
    await exchange(client, 1);
    client.close();
    await expect
      .poll(
        async () => ((await getJson(`/api/sessions/${welcome.sessionId}`, cookie)).body as SessionDetailJson).status,
        {
          timeout: GRACE_MS + 10_000,
        },
      )
      .toBe('abandoned');
    const detail = (await getJson(`/api/sessions/${welcome.sessionId}`, cookie)).body as SessionDetailJson;
    expect(detail.game).toBe('yes-and'); // no game in hello: the default game
    // The MC's intro, the exchange (and the room's reaction, when it landed before the end).
    expect(detail.turns.map((t) => t.speaker).filter((s) => s !== 'audience')).toEqual(['mc', 'player', 'partner']);
    expect(detail.endedAt).not.toBeNull();
  }, 60_000);

  it('authenticates the WebSocket upgrade: a new identity gets its cookie on the 101, a known one owns its scene', async () => {
    const wsUrl = `${harness.relay.url.replace('http', 'ws')}/api/ws`;
    const fresh = new WebSocket(wsUrl);
    const setCookie = await new Promise<string | undefined>((resolve, reject) => {
      fresh.once('upgrade', (response) => {
        const header = response.headers['set-cookie'];
        resolve(Array.isArray(header) ? header[0] : header);
      });
      fresh.once('error', reject);
    });
    fresh.close();
    expect(setCookie).toMatch(/^iol_uid=anon_[^;]+; Path=\/; .*HttpOnly/);

    const cookie = setCookie!.split(';')[0]!;
    const known = new WebSocket(wsUrl, { headers: { cookie } });
    const messages: RelayMessage[] = [];
    const upgradeCookie = new Promise<unknown>((resolve) =>
      known.once('upgrade', (response) => resolve(response.headers['set-cookie'])),
    );
    const welcome = new Promise<Of<'welcome'>>((resolve, reject) => {
      known.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as RelayMessage;
        messages.push(message);
        if (message.type === 'welcome') resolve(message);
      });
      known.once('error', reject);
    });
    await new Promise((resolve) => known.once('open', resolve));
    expect(await upgradeCookie).toBeUndefined(); // the identity it sent was honoured, not replaced
    known.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION, game: 'party-quirks' }));
    const { sessionId } = await welcome;
    known.send(JSON.stringify({ type: 'scene.end' }));
    await expect.poll(() => messages.some((m) => m.type === 'session.ended')).toBe(true);
    known.close();
    expect(await persistence.store.flush(5_000)).toBe(true);
    const list = await getJson('/api/sessions', cookie);
    expect((list.body as SessionSummaryJson[]).map((s) => [s.id, s.game, s.status])).toEqual([
      [sessionId, 'party-quirks', 'completed'],
    ]);
  });

  it('turns /readyz unready, with the reason, while a store cannot keep up', async () => {
    expect(await fetch(`${harness.relay.url}/readyz`).then((r) => r.status)).toBe(200);
    // A store whose Firestore is gone (a port that was just closed) and whose bound is tiny.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const db = createFirestore({ emulatorHost: `127.0.0.1:${port}`, projectId: 'readyz-test' });
    const sick = new FirestoreSessionStore(db, { maxBacklog: 2, logger: silentLogger });
    readiness = () => [storeReadinessReason(sick)].filter((reason) => reason !== null);
    try {
      for (const ownerId of ['a', 'b', 'c']) sick.createSession({ ownerId, game: 'yes-and', model: 'm' });
      const reply = await fetch(`${harness.relay.url}/readyz`);
      expect(reply.status).toBe(503);
      const body = (await reply.json()) as { ready: boolean; reasons: string[] };
      expect(body.ready).toBe(false);
      expect(body.reasons).toEqual([expect.stringMatching(/^firestore backlog 3 writes/)]);
    } finally {
      readiness = () => persistence.readinessReasons();
      await sick.close(100);
      await db.terminate();
    }
    expect(await fetch(`${harness.relay.url}/readyz`).then((r) => r.status)).toBe(200);
  });
});
