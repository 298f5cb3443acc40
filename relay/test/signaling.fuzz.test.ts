// Property tests against a running relay (bounded runs): arbitrary bodies on the signaling route and arbitrary
// control text and audio bytes from one client. The relay never crashes, answers each bad request with a coded
// refusal, and another player's scene keeps answering.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors.js';
import { type Harness, startHarness } from './harness.js';
import { hello, openWsClient, type WsClient } from './ws-scene.js';

let harness: Harness;
let player: WsClient;

beforeAll(async () => {
  // No grace: a closed attacker's scene ends at once, so the count of live scenes says who is left.
  harness = await startHarness({ emulator: { realtime: false }, env: { SESSION_GRACE_MS: '0' } });
  player = await openWsClient(harness.relay.url);
  player.send(hello());
  await player.waitFor((m) => m.type === 'welcome');
});
afterAll(async () => {
  player?.close();
  await harness?.close();
});

async function playerStillServed(): Promise<void> {
  const t = performance.now();
  player.send({ type: 'ping', t });
  await player.waitFor((m) => m.type === 'pong' && m.t === t, 5_000);
}

const sdpLike = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'v=0',
        'o=- 0 0 IN IP4 127.0.0.1',
        's=-',
        'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
        'a=candidate:1 1 UDP 1 127.0.0.1 9 typ host',
        'a=fingerprint:sha-256 00',
      ),
      fc.string(),
    ),
    { maxLength: 40 },
  )
  .map((lines) => lines.join('\r\n'));

describe('the signaling route under arbitrary bodies', () => {
  it('answers every one with a coded JSON refusal and keeps serving', async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 4_000 }),
      fc.json({ maxDepth: 3 }),
      fc
        .record({ type: fc.oneof(fc.constant('offer'), fc.string()), sdp: fc.oneof(sdpLike, fc.string()) })
        .map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const reply = await fetch(`${harness.relay.url}/api/rtc/offer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: text,
        });
        const json = (await reply.json()) as { error?: { code: string; message: string } };
        if (reply.status === 200) return;
        expect(reply.status).toBeGreaterThanOrEqual(400);
        expect(reply.status).toBeLessThan(500);
        expect(ErrorCode.options).toContain(json.error?.code);
      }),
      { numRuns: 150 },
    );
    await playerStillServed();
  }, 60_000);
});

describe('a client sending arbitrary control text and audio bytes', () => {
  it('gets refusals (or is closed for its rate), and never reaches another session', async () => {
    const input = fc.array(
      fc.oneof(
        fc.string({ maxLength: 500 }).map((text) => ({ kind: 'text' as const, text })),
        fc.uint8Array({ maxLength: 1_400 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
      ),
      { minLength: 1, maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(input, async (messages) => {
        const attacker = await openWsClient(harness.relay.url);
        try {
          attacker.send(hello());
          await attacker.waitFor((m) => m.type === 'welcome' || m.type === 'error');
          for (const message of messages) {
            if (message.kind === 'text') attacker.ws.send(message.text);
            else attacker.ws.send(message.bytes, { binary: true });
          }
          await playerStillServed();
        } finally {
          attacker.close();
          await attacker.closed;
        }
      }),
      { numRuns: 25 },
    );
    await expect.poll(() => harness.relay.sessions.activeSessions, { timeout: 10_000 }).toBe(1);
  }, 120_000);
});
