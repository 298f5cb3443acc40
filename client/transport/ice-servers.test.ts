// IceServerSource: parses the relay's reply, reuses it until shortly before the credentials expire, and never
// holds a connection up (a failure or a slow relay means no servers, at once or after the fetch timeout).
import { describe, expect, it } from 'vitest';
import type { IceServersJson } from '../../shared/api.js';
import { ICE_SERVERS_REUSE_MARGIN_MS, IceServerSource } from './ice-servers.js';

const TURN = { urls: ['turn:turn.example.com:3478'], username: '1700003600:anon_a', credential: 'c2VjcmV0' };

/** A fetch that answers from a queue of replies and counts its requests; 'hang' never answers unless aborted. */
function fakeFetch(replies: Array<IceServersJson | number | 'hang' | 'network'>) {
  const calls: string[] = [];
  const impl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    calls.push(String(input));
    const reply = replies.shift() ?? 500;
    if (reply === 'network') throw new TypeError('fetch failed');
    if (reply === 'hang') {
      return new Promise((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }
    if (typeof reply === 'number') return new Response('{"error":{}}', { status: reply });
    return new Response(JSON.stringify(reply), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { impl: impl as typeof fetch, calls };
}

function clock(startMs = 1_000_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

describe('IceServerSource', () => {
  it('reuses the servers until the reuse margin before expiry, then fetches fresh ones', async () => {
    const fresh = { ...TURN, username: '1700007200:anon_a' };
    const fetch = fakeFetch([
      { iceServers: [TURN], ttlS: 3_600 },
      { iceServers: [fresh], ttlS: 3_600 },
    ]);
    const time = clock();
    const source = new IceServerSource({ url: '/api/rtc/ice-servers', fetch: fetch.impl, now: time.now });
    expect(await source.get()).toEqual([TURN]);
    time.advance(3_600_000 - ICE_SERVERS_REUSE_MARGIN_MS - 1);
    expect(await source.get()).toEqual([TURN]);
    expect(fetch.calls).toEqual(['/api/rtc/ice-servers']);
    time.advance(1);
    expect(await source.get()).toEqual([fresh]);
    expect(fetch.calls).toHaveLength(2);
  });

  it('keeps at least half of a short lifetime, and keeps non-expiring servers for good', async () => {
    const short = fakeFetch([
      { iceServers: [TURN], ttlS: 600 },
      { iceServers: [TURN], ttlS: 600 },
    ]);
    const time = clock();
    const source = new IceServerSource({ fetch: short.impl, now: time.now });
    await source.get();
    time.advance(299_999);
    await source.get();
    expect(short.calls).toHaveLength(1);
    time.advance(1);
    await source.get();
    expect(short.calls).toHaveLength(2);

    const stun = fakeFetch([{ iceServers: [{ urls: 'stun:stun.example.com' }], ttlS: null }]);
    const forever = new IceServerSource({ fetch: stun.impl, now: time.now });
    await forever.get();
    time.advance(30 * 86_400_000);
    expect(await forever.get()).toEqual([{ urls: 'stun:stun.example.com' }]);
    expect(stun.calls).toHaveLength(1);
  });

  it('answers no servers when the relay fails or says something else, and asks again next time', async () => {
    const fetch = fakeFetch([500, 'network', { iceServers: 'nope' } as unknown as IceServersJson, 404]);
    const source = new IceServerSource({ fetch: fetch.impl });
    for (let attempt = 0; attempt < 4; attempt++) expect(await source.get()).toEqual([]);
    expect(fetch.calls).toHaveLength(4);
  });

  it('gives up after the fetch timeout', async () => {
    const fetch = fakeFetch(['hang']);
    const source = new IceServerSource({ fetch: fetch.impl, fetchTimeoutMs: 50 });
    const startedAtMs = performance.now();
    expect(await source.get()).toEqual([]);
    const tookMs = performance.now() - startedAtMs;
    expect(tookMs).toBeGreaterThanOrEqual(45);
    expect(tookMs).toBeLessThan(1_000);
  });

  it('shares one request between concurrent callers, and a caller that gives up gets none at once', async () => {
    let release: (() => void) | null = null;
    const calls: string[] = [];
    const slowFetch = (async (input: RequestInfo | URL) => {
      calls.push(String(input));
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return new Response(JSON.stringify({ iceServers: [TURN], ttlS: 3_600 }), { status: 200 });
    }) as typeof fetch;
    const source = new IceServerSource({ fetch: slowFetch });
    const abort = new AbortController();
    const first = source.get(abort.signal);
    const second = source.get();
    abort.abort();
    expect(await first).toEqual([]);
    await expect.poll(() => release).not.toBeNull();
    release!();
    expect(await second).toEqual([TURN]);
    expect(calls).toHaveLength(1);
    expect(await source.get()).toEqual([TURN]);
    expect(calls).toHaveLength(1);
  });
});
