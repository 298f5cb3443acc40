// Cross-process: a Node WebRTC client performs a scene against a relay wired to the Live emulator through the
// official SDK, over real data channels on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOWNLINK_SAMPLES_PER_FRAME } from '../../shared/constants.js';
import { FrameFlag } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { MetricsSnapshot } from '../metrics/relay-metrics.js';
import type { SessionObserver, TurnEndedEvent } from '../session/observer.js';
import { type Harness, partnerAudioRms, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

const turnsEnded: TurnEndedEvent[] = [];
const sessionsEnded: string[] = [];
const observer: SessionObserver = {
  onTurnEnded: (event) => turnsEnded.push(event),
  onSessionEnded: (event) => sessionsEnded.push(event.sessionId),
};

let harness: Harness;
// "Absolutely not." — 1.0–2.35 s of the fixture, with a little lead-in and tail as the VAD would send.
const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));

beforeAll(async () => {
  harness = await startHarness({ emulator: { realtime: false, thinkMs: 50 }, relay: { observer } });
});
afterAll(async () => {
  await harness?.close();
});

const isType =
  <T extends RelayMessage['type']>(type: T) =>
  (m: RelayMessage): m is Extract<RelayMessage, { type: T }> =>
    m.type === type;

describe('a scene over WebRTC', () => {
  it('answers real speech with partner audio, transcripts and turn events', async () => {
    const client = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
    try {
      const welcome = await client.hello({ game: 'freeze-tag' });
      expect(welcome).toMatchObject({ type: 'welcome', upstream: 'emulator', resumed: false });
      if (welcome.type !== 'welcome') throw new Error('no welcome');
      const pair = client.selectedPair();
      expect([pair?.local.address, pair?.remote.address]).toEqual(['127.0.0.1', '127.0.0.1']);

      await client.speak(1, speech, 5);
      const start = await client.waitForMessage(isType('partner.start'));
      const end = await client.waitForMessage((m) => m.type === 'partner.end' && m.turnId === start.turnId, 15_000);
      expect(end).toEqual({ type: 'partner.end', turnId: start.turnId, interrupted: false });
      // The End frame may trail partner.end: different SCTP streams.
      await client.waitForFrame((f) => f.streamId === start.turnId && (f.flags & FrameFlag.End) !== 0);

      const frames = client.frames.filter((f) => f.streamId === start.turnId);
      expect(frames.length).toBeGreaterThan(20); // a spoken line is well over 400 ms
      const bySeq = [...frames].sort((a, b) => a.seq - b.seq);
      expect(bySeq[0]!.flags & FrameFlag.Start).toBe(FrameFlag.Start);
      expect(bySeq.at(-1)!.flags & FrameFlag.End).toBe(FrameFlag.End);
      expect(frames.filter((f) => f.flags & FrameFlag.Start)).toHaveLength(1);
      // No frame lost or duplicated on loopback: seqs are contiguous.
      expect(bySeq.at(-1)!.seq - bySeq[0]!.seq + 1).toBe(frames.length);
      const audio = partnerAudioRms(frames);
      expect(audio.samples).toBe(frames.length * DOWNLINK_SAMPLES_PER_FRAME);
      expect(audio.rms).toBeGreaterThan(300); // speech, not silence

      const partnerFinal = await client.waitForMessage(
        (m) => m.type === 'transcript' && m.speaker === 'partner' && m.final,
      );
      expect(partnerFinal.type === 'transcript' && partnerFinal.text.length).toBeGreaterThan(3);
      expect(client.messages.some((m) => m.type === 'transcript' && m.speaker === 'player' && m.streamId === 1)).toBe(
        true,
      );
      expect(client.invalidMessages).toEqual([]);

      const partnerTurn = turnsEnded.find((t) => t.sessionId === welcome.sessionId && t.speaker === 'partner');
      expect(partnerTurn).toMatchObject({ turnId: start.turnId, interrupted: false });
      expect(partnerTurn?.responseLatencyMs).toBeGreaterThan(0);
      expect(partnerTurn?.framesSent).toBe(frames.length);
      expect(turnsEnded.some((t) => t.sessionId === welcome.sessionId && t.speaker === 'player')).toBe(true);

      const metrics = (await (await fetch(`${harness.relay.url}/metrics`)).json()) as MetricsSnapshot;
      expect(metrics.uplink.count).toBeGreaterThanOrEqual(speech.length);
      expect(metrics.downlink.count).toBeGreaterThan(0);
      expect(metrics.counters.downlinkFrames).toBeGreaterThanOrEqual(frames.length);
      expect(metrics.uplink.p99Ms).toBeGreaterThan(0);
      expect(metrics.response.count).toBeGreaterThanOrEqual(1);
      expect(metrics.response.p50Ms).toBeGreaterThan(0);
      expect(metrics.activeSessions).toBeGreaterThanOrEqual(1);

      client.send({ type: 'ping', t: 42 });
      await client.waitForMessage((m) => m.type === 'pong' && m.t === 42);
      client.send({ type: 'scene.end' });
      await client.waitForMessage(isType('session.ended'));
      await client.waitForClose();
      await expect.poll(() => sessionsEnded.includes(welcome.sessionId)).toBe(true);
    } finally {
      client.close();
    }
  });

  it('resumes a session after the browser drops, with the token from welcome', async () => {
    const first = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
    const welcome = await first.hello();
    if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
    first.close();
    await expect.poll(() => harness.relay.sessions.getSession(welcome.sessionId)?.state).toBe('live');

    const second = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
    try {
      const forged = await second.hello({ sessionId: welcome.sessionId, resumeToken: `${welcome.resumeToken}x` });
      // A forged token gets the same answer as an unknown id (it must not confirm that the scene exists).
      expect(forged).toMatchObject({ type: 'error', code: 'session.not_found', fatal: true });
      await second.waitForClose();
    } finally {
      second.close();
    }
    const third = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
    try {
      const resumed = await third.hello({ sessionId: welcome.sessionId, resumeToken: welcome.resumeToken });
      expect(resumed).toMatchObject({ type: 'welcome', sessionId: welcome.sessionId, resumed: true });
      await third.speak(7, speech, 0);
      const end = await third.waitForMessage(isType('partner.end'), 15_000);
      expect(end.interrupted).toBe(false);
      third.send({ type: 'scene.end' });
      // scene.end lets the audience finish and the coach review first (each bounded; the coach by 12 s).
      await third.waitForMessage(isType('session.ended'), 20_000);
    } finally {
      third.close();
    }
  });

  // Last: it drains this relay for good.
  it('drains: turns unready, refuses new scenes, tells live browsers', async () => {
    const client = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
    try {
      expect((await client.hello()).type).toBe('welcome');
      harness.relay.drain();
      const error = await client.waitForMessage(isType('error'));
      expect(error).toMatchObject({ code: 'relay.draining', fatal: true });
      await client.waitForMessage(isType('session.ended'));
      const ready = await fetch(`${harness.relay.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { ready: boolean; reasons: string[] };
      expect(body.ready).toBe(false);
      expect(body.reasons.join(' ')).toMatch(/draining/);
      const offer = await fetch(`${harness.relay.url}/api/rtc/offer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'offer', sdp: 'v=0' }),
      });
      expect(offer.status).toBe(503);
      expect(await offer.json()).toMatchObject({ error: { code: 'relay.draining' } });
      expect((await fetch(`${harness.relay.url}/healthz`)).status).toBe(200);
    } finally {
      client.close();
    }
  });
});
