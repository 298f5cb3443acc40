// Cross-process: a hostile client on loopback, as the security review tried it. Each case is refused with a coded
// error and another player's scene keeps being served.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeFrame } from '../../shared/frame.js';
import { AnonymousCookieAuthenticator, IDENTITY_COOKIE_NAME } from '../auth/authenticator.js';
import { createLogger } from '../log.js';
import { rateLimitedLogger } from '../log-rate-limit.js';
import { type Harness, startHarness } from './harness.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';
import { hello, openWsClient, type WsClient } from './ws-scene.js';

const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));
let harness: Harness | null = null;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await harness?.close();
  harness = null;
});

async function live(url: string, options: Parameters<typeof openWsClient>[1] = {}): Promise<WsClient> {
  const client = await openWsClient(url, options);
  clients.push(client);
  client.send(hello());
  await client.waitFor((m) => m.type === 'welcome');
  return client;
}

/** A round trip on `control`: the relay still answers this player promptly. */
async function pingRoundTripMs(client: WsClient): Promise<number> {
  const t = performance.now();
  client.send({ type: 'ping', t });
  await client.waitFor((m) => m.type === 'pong' && m.t === t, 5_000);
  return performance.now() - t;
}

const fatalError = (code: string) => (m: { type: string; code?: string; fatal?: boolean }) =>
  m.type === 'error' && m.code === code && m.fatal === true;

describe('a flooding client', () => {
  it('is closed for sending audio faster than real time, and another player is still served', async () => {
    harness = await startHarness({ emulator: { realtime: false, thinkMs: 20 } });
    const player = await live(harness.relay.url);
    const attacker = await live(harness.relay.url);
    attacker.send({ type: 'utterance.start', utteranceId: 1 });
    const packet = speech[10]!;
    for (let seq = 0; seq < 20_000; seq++) {
      attacker.ws.send(encodeFrame({ flags: 0, streamId: 1, seq, timestampMs: seq * 20, payload: packet }));
    }
    await attacker.waitFor(fatalError('limit.uplink_rate'), 15_000);
    await attacker.waitFor((m) => m.type === 'session.ended');
    // Far below the 20,000 frames sent (the burst of 1,500 and what the rate added while they arrived): the rest
    // never reached the decoder or the upstream.
    expect(harness.relay.metrics.counters.uplinkFrames).toBeLessThan(2_500);
    expect(await pingRoundTripMs(player)).toBeLessThan(2_000);
  });

  it('is closed for a ping flood', async () => {
    harness = await startHarness({ emulator: { realtime: false } });
    const attacker = await live(harness.relay.url);
    for (let t = 0; t < 5_000; t++) attacker.send({ type: 'ping', t });
    await attacker.waitFor(fatalError('limit.control_rate'), 15_000);
    expect(await attacker.closed).toBeGreaterThan(0);
  });

  it('stops forwarding an utterance past its maximum length', async () => {
    harness = await startHarness({ emulator: { realtime: false }, env: { MAX_UTTERANCE_MS: '200' } });
    const player = await live(harness.relay.url);
    player.speak(1, speech.slice(0, 40));
    await player.waitFor((m) => m.type === 'error' && m.code === 'limit.utterance_length' && m.fatal === false);
    expect(harness.relay.metrics.counters.uplinkFrames).toBe(10);
  });
});

describe('scene time limits', () => {
  it('ends a scene where nothing but heartbeats arrive', async () => {
    harness = await startHarness({ emulator: { realtime: false }, env: { SCENE_IDLE_MS: '400' } });
    const player = await live(harness.relay.url);
    const beat = setInterval(() => player.send({ type: 'ping', t: performance.now() }), 100);
    try {
      await player.waitFor(fatalError('limit.scene_idle'), 5_000);
      await player.waitFor((m) => m.type === 'session.ended');
    } finally {
      clearInterval(beat);
    }
  });

  it('ends a scene at its maximum length', async () => {
    harness = await startHarness({ emulator: { realtime: false }, env: { MAX_SCENE_MS: '600' } });
    const player = await live(harness.relay.url);
    await player.waitFor(fatalError('limit.scene_length'), 5_000);
  });
});

describe('connections that never say hello', () => {
  it('have a budget of their own: one address cannot take the relay, and /readyz tells the truth', async () => {
    harness = await startHarness({ emulator: { realtime: false }, env: { MAX_SESSIONS: '4', MAX_PENDING: '12' } });
    const url = harness.relay.url;
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => openWsClient(url)));
    const opened = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    clients.push(...opened);
    // 8 per address (MAX_PENDING_PER_IP), the rest refused at the upgrade.
    expect(opened.length).toBe(8);
    expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/429/);
    // Another address gets its scene: pending sockets do not count against scenes.
    await live(url, { localAddress: '127.0.0.2' });
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { ready: boolean; pending: number };
    expect(ready).toMatchObject({ ready: true, pending: 8 });
    // Fill the relay-wide pending budget from more addresses: /readyz says so.
    const more = await Promise.all(Array.from({ length: 4 }, () => openWsClient(url, { localAddress: '127.0.0.3' })));
    clients.push(...more);
    const full = await fetch(`${url}/readyz`);
    expect(full.status).toBe(503);
    expect(((await full.json()) as { reasons: string[] }).reasons.join()).toMatch(/12\/12 connections setting up/);
  });

  it('are closed after the hello timeout, freeing their slot', async () => {
    harness = await startHarness({ emulator: { realtime: false }, env: { HELLO_TIMEOUT_MS: '300' } });
    const silent = await openWsClient(harness.relay.url);
    clients.push(silent);
    await silent.waitFor(fatalError('protocol.hello_required'), 3_000);
    await expect.poll(() => harness!.relay.sessions.pendingConnections).toBe(0);
  });
});

describe('one identity', () => {
  it('gets at most MAX_SCENES_PER_IDENTITY scenes at once, however many hellos it sends', async () => {
    const authenticator = new AnonymousCookieAuthenticator({ secret: 'abuse-test' });
    harness = await startHarness({ emulator: { realtime: false }, relay: { authenticator } });
    const cookie = `${IDENTITY_COOKIE_NAME}=${authenticator.sign('anon_attacker')}`;
    const sockets = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        openWsClient(harness!.relay.url, { headers: { cookie }, localAddress: `127.0.1.${i + 1}` }),
      ),
    );
    clients.push(...sockets);
    for (const socket of sockets) socket.send(hello());
    const replies = await Promise.all(
      sockets.map((socket) => socket.waitFor((m) => m.type === 'welcome' || m.type === 'error', 10_000)),
    );
    expect(replies.filter((m) => m.type === 'welcome')).toHaveLength(3);
    expect(replies.filter((m) => m.type === 'error' && m.code === 'limit.scenes_at_once')).toHaveLength(9);
  });
});

describe('other sites', () => {
  it('cannot open a WebSocket or POST an offer from their pages', async () => {
    harness = await startHarness({ emulator: { realtime: false } });
    const url = harness.relay.url;
    const evil = new WebSocket(`${url.replace('http', 'ws')}/api/ws`, { headers: { origin: 'https://evil.example' } });
    const refused = await new Promise<string>((resolve) => {
      evil.once('unexpected-response', (_req, res) => resolve(`${res.statusCode} ${res.headers['x-error-code']}`));
      evil.once('open', () => resolve('opened'));
    });
    expect(refused).toBe('403 origin.forbidden');
    const own = await live(url, { headers: { origin: url } });
    expect(own.messages.some((m) => m.type === 'welcome')).toBe(true);

    const crossSite = await fetch(`${url}/api/rtc/offer`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'offer', sdp: 'v=0' }),
    });
    expect(crossSite.status).toBe(403);
    const textPlain = await fetch(`${url}/api/rtc/offer`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ type: 'offer', sdp: 'v=0' }),
    });
    expect(textPlain.status).toBe(415);
  });
});

describe('resume answers', () => {
  it('look the same for an unknown id and for a live scene with the wrong token', async () => {
    harness = await startHarness({ emulator: { realtime: false } });
    const player = await live(harness.relay.url);
    const welcome = player.messages.find((m) => m.type === 'welcome');
    const liveId = welcome?.type === 'welcome' ? welcome.sessionId : '';
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const answers = [];
    for (const sessionId of [liveId, unknownId]) {
      const probe = await openWsClient(harness.relay.url);
      clients.push(probe);
      probe.send(hello({ sessionId, resumeToken: 'forged.1.x' }));
      const reply = await probe.waitFor((m) => m.type === 'error');
      answers.push(reply.type === 'error' ? [reply.code, reply.message.replace(sessionId, '<id>')] : null);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.[0]).toBe('session.not_found');
  });
});

describe('/metrics', () => {
  it('answers only with the bearer token when METRICS_TOKEN is set', async () => {
    harness = await startHarness({ emulator: { realtime: false }, env: { METRICS_TOKEN: 'metrics-secret' } });
    expect((await fetch(`${harness.relay.url}/metrics`)).status).toBe(404);
    const authorized = await fetch(`${harness.relay.url}/metrics`, {
      headers: { authorization: 'Bearer metrics-secret' },
    });
    expect(authorized.status).toBe(200);
  });
});

describe('internal errors', () => {
  it('are logged, not sent: the browser reads a fixed sentence, never an address or an errno', async () => {
    // Port 9 (discard) has no listener here: the SDK's connect fails with ECONNREFUSED and the address.
    harness = await startHarness({ emulator: { realtime: false }, env: { LIVE_EMULATOR_URL: 'http://127.0.0.1:9' } });
    const client = await openWsClient(harness.relay.url);
    clients.push(client);
    client.send(hello());
    const error = await client.waitFor((m) => m.type === 'error', 15_000);
    expect(error).toMatchObject({ code: 'upstream.unavailable', fatal: true });
    expect(error.type === 'error' && error.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:9\b|Error/);
  });
});

describe('the log', () => {
  it('is rate-limited: a burst of lines is cut, and the next line written says how many were dropped', () => {
    const lines: Record<string, unknown>[] = [];
    let nowMs = 0;
    const logger = rateLimitedLogger(
      createLogger('debug', {}, (line) => lines.push(JSON.parse(line))),
      {
        perS: 5,
        burst: 20,
        now: () => nowMs,
      },
    );
    for (let i = 0; i < 2_144; i++) logger.warn('libdatachannel', { i });
    expect(lines).toHaveLength(20);
    nowMs = 1_000;
    logger.warn('libdatachannel', { i: 'after' });
    expect(lines.at(-1)).toMatchObject({ i: 'after', linesSuppressed: 2_124 });
  });
});
