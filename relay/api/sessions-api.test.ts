import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirestoreEmulator, startFirestoreEmulator } from '../../scripts/firestore-emulator.js';
import { AnonymousCookieAuthenticator, IDENTITY_COOKIE_NAME } from '../auth/authenticator.js';
import { createFirestore } from '../store/firestore.js';
import { FirestoreSessionStore } from '../store/firestore-session-store.js';
import { handleSessionsApi, headlineOf, type SessionDetailJson, type SessionSummaryJson } from './sessions-api.js';

delete process.env.FIRESTORE_EMULATOR_HOST;

let emulator: FirestoreEmulator;
let db: Firestore;
let store: FirestoreSessionStore;
let server: Server;
let baseUrl: string;
const auth = new AnonymousCookieAuthenticator({ secret: 'api-test-secret' });

beforeAll(async () => {
  emulator = await startFirestoreEmulator({ port: 0 });
  db = createFirestore({ emulatorHost: emulator.host, projectId: 'sessions-api-test' });
  store = new FirestoreSessionStore(db, { flushIntervalMs: 10 });
  server = createServer((req, res) => {
    handleSessionsApi(req, res, { store, auth }).then((handled) => {
      if (!handled) {
        res.statusCode = 418;
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close(2_000);
  await db.terminate();
  await emulator.stop();
});

/** A browser: keeps the identity cookie the API hands out. */
class Browser {
  cookie: string | undefined;
  async get(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: this.cookie ? { cookie: this.cookie } : {},
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    return response;
  }
  get userId(): string {
    return auth.verify(this.cookie?.slice(IDENTITY_COOKIE_NAME.length + 1))!;
  }
}

const base = Date.parse('2026-11-22T18:00:00.000Z');

describe('sessions API', () => {
  it('gives a new browser an identity and an empty history', async () => {
    const browser = new Browser();
    const response = await browser.get('/api/sessions');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
    expect(browser.userId).toMatch(/^anon_/);
  });

  it('lists the caller’s sessions newest first, with ISO times and figures', async () => {
    const browser = new Browser();
    await browser.get('/api/sessions');
    const owner = browser.userId;
    const first = store.createSession({ ownerId: owner, game: 'freeze', model: 'm', createdAt: new Date(base) });
    const second = store.createSession({
      ownerId: owner,
      game: 'hitchhiker',
      model: 'm',
      createdAt: new Date(base + 60_000),
    });
    store.createSession({ ownerId: 'anon_someoneelse', game: 'x', model: 'm', createdAt: new Date(base + 120_000) });
    store.endSession(first.id, {
      status: 'completed',
      endedAt: new Date(base + 45_000),
      latency: { p50Ms: 380, p95Ms: 520 },
      usage: { inputAudioTokens: 1_000_000, outputAudioTokens: 0, textTokens: 0 },
    });
    expect(await store.flush(5_000)).toBe(true);

    const response = await browser.get('/api/sessions');
    expect(response.status).toBe(200);
    const sessions = (await response.json()) as SessionSummaryJson[];
    expect(sessions.map((session) => session.id)).toEqual([second.id, first.id]);
    expect(sessions[1]).toEqual({
      id: first.id,
      game: 'freeze',
      status: 'completed',
      phase: null,
      createdAt: '2026-11-22T18:00:00.000Z',
      endedAt: '2026-11-22T18:00:45.000Z',
      turnCount: 0,
      durationMs: 45_000,
      latencyP50Ms: 380,
      latencyP95Ms: 520,
      // 1M input audio tokens at the default Live model's list price (relay/live/models.ts: $0.75 per million).
      estimatedCostUsd: 0.75,
    });
    expect(sessions[0]?.status).toBe('active');
  });

  it('returns one session with its turns in order', async () => {
    const browser = new Browser();
    await browser.get('/api/sessions');
    const { id } = store.createSession({
      ownerId: browser.userId,
      game: 'freeze',
      model: 'm',
      createdAt: new Date(base),
    });
    const speakers = ['player', 'partner', 'coach'] as const;
    speakers.forEach((speaker, seq) => {
      const startedAt = new Date(base + seq * 5_000);
      store.recordTurn(id, {
        seq,
        speaker,
        text: `${speaker} says ${seq}`,
        startedAt,
        endedAt: new Date(startedAt.getTime() + 1_500),
        voiceToVoiceMs: speaker === 'partner' ? 410 : undefined,
        interrupted: speaker === 'partner',
      });
    });
    expect(await store.flush(5_000)).toBe(true);

    const response = await browser.get(`/api/sessions/${id}`);
    expect(response.status).toBe(200);
    const detail = (await response.json()) as SessionDetailJson;
    expect(detail.id).toBe(id);
    expect(detail.turnCount).toBe(3);
    expect(detail.turns).toEqual([
      {
        seq: 0,
        speaker: 'player',
        text: 'player says 0',
        startedAt: '2026-11-22T18:00:00.000Z',
        durationMs: 1_500,
        voiceToVoiceMs: null,
        interrupted: false,
      },
      {
        seq: 1,
        speaker: 'partner',
        text: 'partner says 1',
        startedAt: '2026-11-22T18:00:05.000Z',
        durationMs: 1_500,
        voiceToVoiceMs: 410,
        interrupted: true,
      },
      {
        seq: 2,
        speaker: 'coach',
        text: 'coach says 2',
        startedAt: '2026-11-22T18:00:10.000Z',
        durationMs: 1_500,
        voiceToVoiceMs: null,
        interrupted: false,
      },
    ]);
  });

  it('answers 404 session.not_found, never 403, for another owner’s session and for an unknown id', async () => {
    const owner = new Browser();
    await owner.get('/api/sessions');
    const { id } = store.createSession({ ownerId: owner.userId, game: 'freeze', model: 'm' });
    expect(await store.flush(5_000)).toBe(true);
    expect((await owner.get(`/api/sessions/${id}`)).status).toBe(200);

    const stranger = new Browser();
    for (const path of [
      `/api/sessions/${id}`,
      '/api/sessions/does-not-exist',
      '/api/sessions/bad%2Fid',
      '/api/sessions/%E0%A4%A',
    ]) {
      const response = await stranger.get(path);
      expect(response.status).toBe(404);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('session.not_found');
      expect(body.error.message.length).toBeGreaterThan(0);
    }
    // A forged cookie claiming the owner's id is a stranger too.
    const forger = new Browser();
    forger.cookie = `${IDENTITY_COOKIE_NAME}=${owner.userId}.AAAA`;
    expect((await forger.get(`/api/sessions/${id}`)).status).toBe(404);
    expect(forger.userId).not.toBe(owner.userId);
  });

  it('leaves other paths alone and refuses other methods', async () => {
    const browser = new Browser();
    expect((await browser.get('/api/sessionsx')).status).toBe(418);
    expect((await browser.get('/healthz')).status).toBe(418);
    const response = await browser.get('/api/sessions', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('deletes a finished scene with its turns for its owner only; shows premise, cast and headline', async () => {
    const owner = new Browser();
    await owner.get('/api/sessions');
    const { id } = store.createSession({
      ownerId: owner.userId,
      game: 'yes-and',
      model: 'm',
      scene: {
        suggestion: { relationship: 'rival beekeepers', location: 'the DMV', object: 'a love letter', seed: 3 },
        partnerVoice: 'Fenrir',
        mcVoice: 'Charon',
        persona: 'wildcard',
        audience: 'skeptics',
      },
    });
    store.recordTurn(id, { seq: 0, speaker: 'player', text: 'hi', startedAt: new Date(base), endedAt: new Date(base) });
    store.endSession(id, { status: 'completed', endedAt: new Date(base + 1_000) });
    expect(await store.flush(5_000)).toBe(true);
    const [summary] = (await (await owner.get('/api/sessions')).json()) as SessionSummaryJson[];
    expect(summary).toMatchObject({
      id,
      premise: { relationship: 'rival beekeepers', location: 'the DMV', object: 'a love letter' },
      persona: 'wildcard',
      audience: 'skeptics',
    });

    const stranger = new Browser();
    expect((await stranger.get(`/api/sessions/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await owner.get(`/api/sessions/${id}`)).status).toBe(200);

    expect((await owner.get(`/api/sessions/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await owner.get(`/api/sessions/${id}`)).status).toBe(404);
    expect(await store.getTurns(id)).toEqual([]);
  });

  it('refuses to delete a scene that is still playing', async () => {
    const owner = new Browser();
    await owner.get('/api/sessions');
    const { id } = store.createSession({ ownerId: owner.userId, game: 'yes-and', model: 'm' });
    expect(await store.flush(5_000)).toBe(true);
    expect((await owner.get(`/api/sessions/${id}`, { method: 'DELETE' })).status).toBe(409);
    expect((await owner.get(`/api/sessions/${id}`)).status).toBe(200);
  });

  it('takes the coach’s first sentence as the headline', () => {
    expect(headlineOf('Great commitment. Next time, heighten.')).toBe('Great commitment.');
    expect(headlineOf('No period here')).toBe('No period here');
  });
});
