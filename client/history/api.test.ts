// The history client against real HTTP on 127.0.0.1: the relay's own sessions API (over an in-memory
// SessionStore) for the contract, and a canned server for the failures the relay alone cannot produce.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { handleSessionsApi } from '../../relay/api/sessions-api.js';
import { AnonymousCookieAuthenticator } from '../../relay/auth/authenticator.js';
import type { SessionStore, StoredSession, StoredTurn } from '../../relay/store/session-store.js';
import { type FetchLike, fetchSessionDetail, fetchSessionList, HistoryError } from './api.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Serves `listener` on a free loopback port; returns a fetch that resolves the client's relative URLs there. */
async function serve(listener: RequestListener): Promise<FetchLike> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let cookie: string | undefined;
  // Keeps the identity cookie like a browser would.
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

function storedSession(ownerId: string): StoredSession {
  return {
    id: 'scene_1',
    ownerId,
    game: 'yes-and',
    model: 'm',
    status: 'completed',
    phase: 'closing',
    resumptionHandle: null,
    createdAt,
    updatedAt: new Date(createdAt.getTime() + 90_000),
    endedAt: new Date(createdAt.getTime() + 95_000),
    expireAt: new Date(createdAt.getTime() + 90 * 86_400_000),
    turnCount: 2,
    usage: { inputAudioTokens: 1200, outputAudioTokens: 3400, textTokens: 50, estimatedCostUsd: 0.0421 },
    quality: { framesReceived: 4000, framesLost: 12, jitterP95Ms: 18, reconnects: 1 },
    latency: { p50Ms: 412, p95Ms: 530 },
  };
}

const turns: StoredTurn[] = [
  {
    seq: 0,
    speaker: 'player',
    text: 'Welcome to the lighthouse.',
    startedAt: createdAt,
    endedAt: new Date(createdAt.getTime() + 2_000),
    durationMs: 2_000,
  },
  {
    seq: 1,
    speaker: 'partner',
    text: 'Yes, and the light is made of cheese.',
    startedAt: new Date(createdAt.getTime() + 2_400),
    endedAt: new Date(createdAt.getTime() + 5_000),
    durationMs: 2_600,
    voiceToVoiceMs: 410,
    interrupted: true,
  },
];

/** The relay's real handler; the store is an in-memory SessionStore owned by whoever asks first. */
async function serveRelayApi(): Promise<FetchLike> {
  let owner: string | null = null;
  const auth = new AnonymousCookieAuthenticator({ secret: 'history-client-test' });
  const store: Pick<SessionStore, 'getSession' | 'getTurns' | 'listSessions'> = {
    listSessions: async (ownerId) => {
      owner ??= ownerId;
      return ownerId === owner ? [storedSession(ownerId)] : [];
    },
    getSession: async (id) => (owner && id === 'scene_1' ? storedSession(owner) : null),
    getTurns: async () => turns,
  };
  return serve((req, res) => void handleSessionsApi(req, res, { store, auth }));
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
