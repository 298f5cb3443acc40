// The history client against real HTTP on 127.0.0.1: the relay's own sessions API over the real
// FirestoreSessionStore on the Firestore emulator (never an in-memory stand-in) for the contract, and a canned
// server for the failures the relay alone cannot produce.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handleSessionsApi } from '../../relay/api/sessions-api.js';
import { AnonymousCookieAuthenticator, IDENTITY_COOKIE_NAME } from '../../relay/auth/authenticator.js';
import { silentLogger } from '../../relay/log.js';
import { createFirestore } from '../../relay/store/firestore.js';
import { FirestoreSessionStore } from '../../relay/store/firestore-session-store.js';
import { type FirestoreEmulator, startFirestoreEmulator } from '../../scripts/firestore-emulator.js';
import { type FetchLike, fetchSessionDetail, fetchSessionList, HistoryError } from './api.js';

delete process.env.FIRESTORE_EMULATOR_HOST;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/**
 * Serves `listener` on a free loopback port; returns a fetch that resolves the client's relative URLs there and
 * keeps the identity cookie like a browser would (starting from `cookie`, if given).
 */
async function serve(listener: RequestListener, initialCookie?: string): Promise<FetchLike> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let cookie = initialCookie;
  return async (url, init) => {
    const response = await fetch(`${base}${url}`, {
      ...init,
      headers: { ...init?.headers, ...(cookie ? { cookie } : {}) },
    });
    cookie ??= response.headers.get('set-cookie')?.split(';')[0];
    return response;
  };
}

const createdAt = new Date('2026-11-22T18:00:00.000Z');
const OWNER_ID = 'anon_history_client_owner';
const MODEL = 'history-test-model';
// A price row that makes this session's tokens cost exactly $0.0421 (50 text tokens × $842 per million).
const PRICES = { [MODEL]: { inputAudio: 0, outputAudio: 0, text: 842 } };

let emulator: FirestoreEmulator;
let db: Firestore;
let store: FirestoreSessionStore;

beforeAll(async () => {
  emulator = await startFirestoreEmulator({ port: 0 });
  db = createFirestore({ emulatorHost: emulator.host, projectId: 'history-client-test' });
  // Every write is stamped 90 s into the scene (updatedAt), as the last write of a 95 s scene would be.
  store = new FirestoreSessionStore(db, {
    flushIntervalMs: 10,
    prices: PRICES,
    now: () => new Date(createdAt.getTime() + 90_000),
    logger: silentLogger,
  });
  // One finished scene, written through the store's own write path (idempotent: ids are fixed).
  store.createSession({ id: 'scene_1', ownerId: OWNER_ID, game: 'yes-and', model: MODEL, phase: 'closing', createdAt });
  store.recordTurn('scene_1', {
    seq: 0,
    speaker: 'player',
    text: 'Welcome to the lighthouse.',
    startedAt: createdAt,
    endedAt: new Date(createdAt.getTime() + 2_000),
  });
  store.recordTurn('scene_1', {
    seq: 1,
    speaker: 'partner',
    text: 'Yes, and the light is made of cheese.',
    startedAt: new Date(createdAt.getTime() + 2_400),
    endedAt: new Date(createdAt.getTime() + 5_000),
    voiceToVoiceMs: 410,
    interrupted: true,
  });
  store.endSession('scene_1', {
    status: 'completed',
    endedAt: new Date(createdAt.getTime() + 95_000),
    usage: { inputAudioTokens: 1200, outputAudioTokens: 3400, textTokens: 50 },
    quality: { framesReceived: 4000, framesLost: 12, jitterP95Ms: 18, reconnects: 1 },
    latency: { p50Ms: 412, p95Ms: 530 },
  });
  expect(await store.flush(5_000)).toBe(true);
});
afterAll(async () => {
  await store?.close(2_000);
  await db?.terminate();
  await emulator?.stop();
});

/** The relay's real handler over the Firestore-backed store, called by a browser holding the owner's cookie. */
async function serveRelayApi(): Promise<FetchLike> {
  const auth = new AnonymousCookieAuthenticator({ secret: 'history-client-test' });
  return serve(
    (req, res) => void handleSessionsApi(req, res, { store, auth }),
    `${IDENTITY_COOKIE_NAME}=${auth.sign(OWNER_ID)}`,
  );
}

async function failureOf(promise: Promise<unknown>): Promise<HistoryError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HistoryError);
  return error as HistoryError;
}

describe('history API client', () => {
  it('parses the relay’s list and detail replies', async () => {
    const fetchRelay = await serveRelayApi();
    const list = await fetchSessionList(fetchRelay);
    expect(list).toEqual([
      {
        id: 'scene_1',
        game: 'yes-and',
        status: 'completed',
        phase: 'closing',
        createdAt: '2026-11-22T18:00:00.000Z',
        endedAt: '2026-11-22T18:01:35.000Z',
        turnCount: 2,
        durationMs: 95_000,
        latencyP50Ms: 412,
        latencyP95Ms: 530,
        estimatedCostUsd: 0.0421,
      },
    ]);

    const detail = await fetchSessionDetail('scene_1', fetchRelay);
    expect(detail.turns.map((turn) => [turn.speaker, turn.voiceToVoiceMs, turn.interrupted])).toEqual([
      ['player', null, false],
      ['partner', 410, true],
    ]);
    expect(detail.quality.framesLost).toBe(12);
    expect(detail.usage.estimatedCostUsd).toBe(0.0421);
  });

  it('turns the relay’s 404 into “doesn’t exist or isn’t yours”, not retryable', async () => {
    const fetchRelay = await serveRelayApi();
    const error = await failureOf(fetchSessionDetail('someone-elses', fetchRelay));
    expect(error.kind).toBe('not_found');
    expect(error.status).toBe(404);
    expect(error.code).toBe('session.not_found');
    expect(error.message).toMatch(/doesn’t exist or isn’t yours/);
    expect(error.retryable).toBe(false);
  });

  it('says storage is unavailable on 503, and offers a retry', async () => {
    const fetchCanned = await serve((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal', message: 'Session history is unavailable' } }));
    });
    const error = await failureOf(fetchSessionList(fetchCanned));
    expect(error.kind).toBe('storage_unavailable');
    expect(error.message).toBe(
      'Can’t load your scenes right now — the stage server’s storage is unavailable. Try again in a moment.',
    );
    expect(error.retryable).toBe(true);
  });

  it('calls a body that is not JSON, or not the agreed shape, malformed', async () => {
    const bodies = ['<html>proxy error</html>', JSON.stringify([{ id: 'x', game: 'yes-and' }]), JSON.stringify({})];
    let next = 0;
    const fetchCanned = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(bodies[next++]);
    });
    for (const _body of bodies) {
      const error = await failureOf(fetchSessionList(fetchCanned));
      expect(error.kind).toBe('malformed');
      expect(error.message).toMatch(/doesn’t understand/);
    }
  });

  it('reports a 502 without a JSON body as a server problem, and a refused connection as a network one', async () => {
    const fetchCanned = await serve((_req, res) => {
      res.writeHead(502);
      res.end('Bad Gateway');
    });
    const badGateway = await failureOf(fetchSessionDetail('scene_1', fetchCanned));
    expect([badGateway.kind, badGateway.status, badGateway.code]).toEqual(['server', 502, null]);

    // A port that was just open and is now closed refuses the connection.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await failureOf(fetchSessionList((url, init) => fetch(`http://127.0.0.1:${port}${url}`, init)));
    expect(refused.kind).toBe('network');
    expect(refused.message).toMatch(/Can’t reach the stage server/);
  });

  it('sends the identity cookie along (credentials same-origin) and asks for JSON', async () => {
    const seen: RequestInit[] = [];
    const fetchRelay = await serveRelayApi();
    await fetchSessionList((url, init) => {
      seen.push(init ?? {});
      return fetchRelay(url, init);
    });
    expect(seen[0]?.credentials).toBe('same-origin');
    expect(seen[0]?.headers).toEqual({ accept: 'application/json' });
  });
});
