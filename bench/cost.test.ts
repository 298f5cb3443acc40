import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionDetailJson } from '../shared/api.js';
import { compareCost, costModeResult, isStoredSceneComplete, waitForStoredScene } from './cost.js';

const COOKIE = 'iol_uid=player-1.signature';

function storedSession(turnCount: number, status: SessionDetailJson['status'], inputAudioTokens: number) {
  const session: SessionDetailJson = {
    id: 's-1',
    game: 'bench-cost',
    status,
    phase: null,
    createdAt: '2026-11-23T16:00:00.000Z',
    endedAt: status === 'active' ? null : '2026-11-23T16:00:30.000Z',
    turnCount,
    durationMs: 30_000,
    latencyP50Ms: 500,
    latencyP95Ms: 700,
    estimatedCostUsd: inputAudioTokens * 3e-6,
    usage: { inputAudioTokens, outputAudioTokens: 250, textTokens: 40, estimatedCostUsd: inputAudioTokens * 3e-6 },
    quality: { framesReceived: 1000, framesLost: 0, jitterP95Ms: 2, reconnects: 0 },
    turns: [],
  };
  return session;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A stand-in history API on loopback: 404 first (not written yet), then the given bodies in order. */
async function historyApi(bodies: SessionDetailJson[]): Promise<{ url: string; cookies: string[]; paths: string[] }> {
  const cookies: string[] = [];
  const paths: string[] = [];
  let calls = 0;
  const server = createServer((request, response) => {
    cookies.push(request.headers.cookie ?? '');
    paths.push(request.url ?? '');
    const body = calls++ === 0 ? undefined : bodies[Math.min(calls - 2, bodies.length - 1)];
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { error: { code: 'session.not_found', message: 'no such session' } }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cookies, paths };
}

describe('cost phase: reading the stored session back', () => {
  it('polls with the player cookie until the session is ended and holds every turn', async () => {
    const api = await historyApi([
      storedSession(5, 'active', 300),
      storedSession(6, 'active', 420),
      storedSession(6, 'completed', 452),
    ]);
    const stored = await waitForStoredScene(api.url, 's-1', COOKIE, 6, 5_000, 10);
    expect(stored.status).toBe('completed');
    expect(stored.usage.inputAudioTokens).toBe(452);
    expect(api.cookies.length).toBe(4);
    expect(new Set(api.cookies)).toEqual(new Set([COOKIE]));
    expect(api.paths[0]).toBe('/api/sessions/s-1');
  });

  it('fails with what was stored when the session never completes', async () => {
    const api = await historyApi([storedSession(4, 'active', 100)]);
    await expect(waitForStoredScene(api.url, 's-1', COOKIE, 6, 200, 10)).rejects.toThrow(
      /status active, 4 turns; want 6 turns/,
    );
  });

  it('is complete only when ended with enough turns', () => {
    expect(isStoredSceneComplete(null, 2)).toBe(false);
    expect(isStoredSceneComplete(storedSession(6, 'active', 1), 6)).toBe(false);
    expect(isStoredSceneComplete(storedSession(5, 'abandoned', 1), 6)).toBe(false);
    expect(isStoredSceneComplete(storedSession(6, 'abandoned', 1), 6)).toBe(true);
  });

  it('compares the stored tokens and cost of the two modes', () => {
    const vad = costModeResult(3, 14_800, storedSession(6, 'completed', 600));
    const continuous = costModeResult(3, 29_700, storedSession(6, 'completed', 1_200));
    const result = compareCost('conversation.wav', vad, continuous);
    expect(result.vad.inputAudioTokens).toBe(600);
    expect(result.continuous.estimatedCostUsd).toBeCloseTo(0.0036, 9);
    expect(result.inputAudioSavingRatio).toBe(0.5);
    expect(result.costSavingRatio).toBe(0.5);
    expect(compareCost('x', vad, { ...continuous, inputAudioTokens: 0 }).inputAudioSavingRatio).toBe(0);
  });
});
