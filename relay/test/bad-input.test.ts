// Cross-process: bad input from one browser gets a clear, coded error, never crashes the relay, and never
// disturbs another session running in parallel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONTROL_MESSAGE_BYTES, PROTOCOL_VERSION } from '../../shared/constants.js';
import { encodeFrame, FrameFlag, MAX_FRAME_BYTES } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import { type Harness, partnerAudioRms, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

let harness: Harness;
const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));
const loopback = { bindAddress: '127.0.0.1' };

beforeAll(async () => {
  harness = await startHarness({ emulator: { realtime: false, thinkMs: 50 } });
});
afterAll(async () => {
  await harness?.close();
});

type ErrorMessage = Extract<RelayMessage, { type: 'error' }>;
const isError = (m: RelayMessage): m is ErrorMessage => m.type === 'error';

/** Sends one bad input and resolves with the next error the relay answers. */
async function expectError(client: RtcTestClient, send: () => void, code: ErrorMessage['code']) {
  const before = client.messages.filter(isError).length;
  send();
  const error = await client.waitForMessage(
    (m): m is ErrorMessage => isError(m) && client.messages.filter(isError).indexOf(m) >= before,
    5_000,
  );
  expect(error).toMatchObject({ type: 'error', code, fatal: false });
  expect(error.message.length).toBeGreaterThan(10);
  return error;
}

describe('bad input', () => {
  it('answers each bad input with a coded error while a parallel session is undisturbed', async () => {
    const attacker = await RtcTestClient.connect(harness.relay.url, loopback);
    const player = await RtcTestClient.connect(harness.relay.url, loopback);
    try {
      expect((await attacker.hello()).type).toBe('welcome');
      expect((await player.hello()).type).toBe('welcome');

      // The player performs while the other browser misbehaves.
      const speaking = player.speak(1, speech, 10);

      await expectError(attacker, () => attacker.sendRawControl('{"type": "utterance.start", '), 'message.malformed');
      await expectError(
        attacker,
        () => attacker.sendRawControl('{"type":"utterance.start","utteranceId":-4}'),
        'message.invalid',
      );
      await expectError(attacker, () => attacker.sendRawControl('{"type":"teleport"}'), 'message.invalid');
      await expectError(
        attacker,
        () =>
          attacker.sendRawControl(JSON.stringify({ type: 'ping', t: 1, pad: 'x'.repeat(MAX_CONTROL_MESSAGE_BYTES) })),
        'message.too_large',
      );
      attacker.send({ type: 'utterance.start', utteranceId: 9 });
      await expectError(attacker, () => attacker.sendRawAudio(new Uint8Array(MAX_FRAME_BYTES + 1)), 'frame.too_large');
      await expectError(attacker, () => attacker.sendRawAudio(new Uint8Array(5)), 'frame.too_short');
      await expectError(
        attacker,
        () =>
          attacker.sendRawAudio(
            encodeFrame({ flags: 0, streamId: 9, seq: 0, timestampMs: 0, payload: new Uint8Array(0) }).fill(7, 0, 1),
          ),
        'frame.bad_version',
      );
      await expectError(
        attacker,
        () => attacker.sendOpus(9, new TextEncoder().encode('definitely not opus, just text bytes'), FrameFlag.Start),
        'frame.bad_codec',
      );

      // Still alive and served.
      attacker.send({ type: 'ping', t: 7 });
      await attacker.waitForMessage((m) => m.type === 'pong' && m.t === 7);

      await speaking;
      const end = await player.waitForMessage((m) => m.type === 'partner.end', 15_000);
      expect(end).toMatchObject({ interrupted: false });
      const turnId = end.type === 'partner.end' ? end.turnId : -1;
      await player.waitForFrame((f) => f.streamId === turnId && (f.flags & FrameFlag.End) !== 0);
      expect(partnerAudioRms(player.frames.filter((f) => f.streamId === turnId)).rms).toBeGreaterThan(300);
      expect(player.messages.filter(isError)).toEqual([]);
    } finally {
      attacker.close();
      player.close();
    }
  });

  it('rate-limits error replies to a flood, then keeps serving', async () => {
    const client = await RtcTestClient.connect(harness.relay.url, loopback);
    try {
      expect((await client.hello()).type).toBe('welcome');
      // 50: within the control burst (CONTROL_BURST, 60); past it the client is closed (relay/test/abuse.test.ts).
      for (let i = 0; i < 50; i++) client.sendRawControl('not json');
      client.send({ type: 'ping', t: 99 });
      await client.waitForMessage((m) => m.type === 'pong' && m.t === 99);
      const errors = client.messages.filter(isError);
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(errors.length).toBeLessThanOrEqual(14); // burst of 10 plus refill, far below 50
      expect(errors.every((e) => e.code === 'message.malformed' && !e.fatal)).toBe(true);
    } finally {
      client.close();
    }
  });

  it('ends a hello for an unknown session with session.not_found', async () => {
    const client = await RtcTestClient.connect(harness.relay.url, loopback);
    try {
      const reply = await client.hello({ sessionId: 'no-such-session', resumeToken: 'x' });
      expect(reply).toMatchObject({ type: 'error', code: 'session.not_found', fatal: true });
      await client.waitForClose();
    } finally {
      client.close();
    }
  });

  it('requires hello first, and the right protocol version', async () => {
    const client = await RtcTestClient.connect(harness.relay.url, loopback);
    try {
      client.send({ type: 'ping', t: 1 });
      const first = await client.waitForMessage(isError);
      expect(first).toMatchObject({ code: 'protocol.hello_required', fatal: false });
      client.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION + 1 });
      const second = await client.waitForMessage((m) => isError(m) && m.code === 'protocol.version');
      expect(second).toMatchObject({ fatal: true });
      await client.waitForClose();
    } finally {
      client.close();
    }
  });

  it('rejects a malformed offer over HTTP with a coded error', async () => {
    const reply = await fetch(`${harness.relay.url}/api/rtc/offer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'offer', sdp: 'v=0 garbage' }),
    });
    expect(reply.status).toBe(400);
    expect(await reply.json()).toMatchObject({ error: { code: 'signaling.invalid_offer' } });
    const missing = await fetch(`${harness.relay.url}/api/rtc/offer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":"offer"}',
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'signaling.invalid_offer' } });
    const huge = await fetch(`${harness.relay.url}/api/rtc/offer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(200_000),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'message.too_large' } });
    expect((await fetch(`${harness.relay.url}/healthz`)).status).toBe(200);
  });
});
