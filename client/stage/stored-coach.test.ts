import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionDetailJson } from '../../shared/api.js';
import type { CoachFeedback } from '../../shared/stage.js';
import type { FetchLike } from '../history/api.js';
import { waitForStoredCoach } from './stored-coach.js';

const REPORT: CoachFeedback = {
  source: 'model',
  summary: 'You built the world fast.',
  strengths: [{ point: 'Specific offer', quote: 'the coffee machine has become self aware' }],
  tryNext: ['Heighten the second beat.'],
  principles: [{ principle: 'yes-and', score: 4, note: 'Accepted every offer.' }],
};

function detail(coach: CoachFeedback | null): SessionDetailJson {
  return {
    id: 's1',
    game: 'yes-and',
    status: 'completed',
    phase: 'ended',
    createdAt: '2026-11-23T10:00:00.000Z',
    endedAt: '2026-11-23T10:01:00.000Z',
    turnCount: 2,
    durationMs: 60_000,
    latencyP50Ms: 600,
    latencyP95Ms: 700,
    estimatedCostUsd: 0.01,
    usage: { inputAudioTokens: 100, outputAudioTokens: 90, textTokens: 0, estimatedCostUsd: 0.01 },
    quality: { framesReceived: 100, framesLost: 0, jitterP95Ms: 5, reconnects: 0 },
    turns: [],
    coach,
  };
}

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A loopback stand-in for GET /api/sessions/:id that answers `replies` in order (the last repeats). */
async function serve(
  replies: Array<{ status: number; body?: unknown }>,
): Promise<{ fetchImpl: FetchLike; hits: () => number }> {
  let hits = 0;
  server = createServer((request, response) => {
    const reply = replies[Math.min(hits, replies.length - 1)]!;
    hits++;
    expect(request.url).toBe('/api/sessions/s1');
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply.body ?? { error: { code: 'session.not_found', message: 'no' } }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { fetchImpl: (input, init) => fetch(`http://127.0.0.1:${port}${input}`, init), hits: () => hits };
}

describe('waitForStoredCoach', () => {
  it('polls past "not stored yet" and "no report yet" until the report is there', async () => {
    const { fetchImpl, hits } = await serve([
      { status: 404 },
      { status: 200, body: detail(null) },
      { status: 200, body: detail(REPORT) },
    ]);
    const coach = await waitForStoredCoach('s1', { fetchImpl, intervalMs: 5, timeoutMs: 5_000 });
    expect(coach).toEqual(REPORT);
    expect(hits()).toBe(3);
  });

  it('gives up with null when no report comes in time', async () => {
    const { fetchImpl, hits } = await serve([{ status: 200, body: detail(null) }]);
    expect(await waitForStoredCoach('s1', { fetchImpl, intervalMs: 10, timeoutMs: 500 })).toBeNull();
    expect(hits()).toBeGreaterThanOrEqual(2);
  });

  it('stops when aborted', async () => {
    const { fetchImpl } = await serve([{ status: 200, body: detail(null) }]);
    const controller = new AbortController();
    const waiting = waitForStoredCoach('s1', {
      fetchImpl,
      intervalMs: 10_000,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    controller.abort();
    expect(await waiting).toBeNull();
  });
});
