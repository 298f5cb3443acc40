// Cross-process: the browser's connection drops in the middle of a player line. The relay keeps the line open
// upstream (no activityEnd: Live never answers half a line); the browser's outbox sends it again whole on the
// resumed connection, the relay forwards only the frames Live did not get, and the line is answered once. A line
// whose ack was lost is never answered twice; a carried-over line the browser gave up is cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, FrameFlag } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { SessionObserver, TurnEndedEvent } from '../session/observer.js';
import { type Harness, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

const turnsEnded: TurnEndedEvent[] = [];
const observer: SessionObserver = { onTurnEnded: (event) => turnsEnded.push(event) };
/** 1.7 s of speech: 85 frames. */
const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    emulator: { realtime: false, thinkMs: 30 },
    env: { SESSION_GRACE_MS: '10000' },
    relay: { observer },
  });
}, 30_000);
afterAll(async () => {
  await harness?.close();
});

type Welcome = Extract<RelayMessage, { type: 'welcome' }>;
type PartnerStart = Extract<RelayMessage, { type: 'partner.start' }>;

const partnerStarts = (client: RtcTestClient) =>
  client.messages.filter((m): m is PartnerStart => m.type === 'partner.start' && m.speaker !== 'mc');

/** Frame `i` of a line as the browser captured it: seqs continue across the scene's lines. */
function lineFrame(utteranceId: number, i: number, firstSeq: number, flags = 0): Uint8Array {
  const edge = (i === 0 ? FrameFlag.Start : 0) | (i === speech.length - 1 ? FrameFlag.End : 0);
  return encodeFrame({
    flags: edge | flags,
    streamId: utteranceId,
    seq: firstSeq + i,
    timestampMs: (firstSeq + i) * 20,
    payload: speech[i]!,
  });
}

/** The whole line, as the outbox resends it: start { resent }, every frame flagged Resent, end. */
function resendLine(client: RtcTestClient, utteranceId: number, firstSeq: number): void {
  client.send({ type: 'utterance.start', utteranceId, resent: true });
  for (let i = 0; i < speech.length; i++) client.sendRawAudio(lineFrame(utteranceId, i, firstSeq, FrameFlag.Resent));
  client.send({ type: 'utterance.end', utteranceId, frameCount: speech.length });
}

function liveLine(client: RtcTestClient, utteranceId: number, firstSeq: number): void {
  client.send({ type: 'utterance.start', utteranceId });
  for (let i = 0; i < speech.length; i++) client.sendRawAudio(lineFrame(utteranceId, i, firstSeq));
  client.send({ type: 'utterance.end', utteranceId, frameCount: speech.length });
}

async function open(cookie?: string): Promise<RtcTestClient> {
  return RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1', ...(cookie ? { cookie } : {}) });
}

async function welcomed(client: RtcTestClient, resume?: Welcome): Promise<Welcome> {
  const reply = await client.hello(resume ? { sessionId: resume.sessionId, resumeToken: resume.resumeToken } : {});
  if (reply.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(reply)}`);
  return reply;
}

/** The seconds of player audio the emulator heard for a reply ("(player speech, 1.7 s)"). */
function heardSeconds(event: TurnEndedEvent | undefined): number {
  const match = /player speech, ([\d.]+) s/.exec(event?.text ?? '');
  return match ? Number(match[1]) : Number.NaN;
}

const playerTurns = (sessionId: string) =>
  turnsEnded.filter((t) => t.sessionId === sessionId && t.speaker === 'player');

describe('a line cut by a connection drop', () => {
  it('is sent again whole on the resumed connection and answered once, as one line', async () => {
    const first = await open();
    const welcome = await welcomed(first);
    const session = () => harness.relay.sessions.getSession(welcome.sessionId);
    // Half the line, then the connection is gone.
    first.send({ type: 'utterance.start', utteranceId: 1 });
    for (let i = 0; i < 40; i++) first.sendRawAudio(lineFrame(1, i, 0));
    await expect.poll(() => session()?.counters().uplink.framesReceived, { timeout: 5_000 }).toBe(40);
    first.close();

    const second = await open(first.setCookie ?? undefined);
    try {
      const resumed = await welcomed(second, welcome);
      expect(resumed).toMatchObject({ resumed: true });
      expect(resumed.lineAck).toBeUndefined();
      resendLine(second, 1, 0);
      const start = await second.waitForMessage((m): m is PartnerStart => m.type === 'partner.start', 15_000);
      await second.waitForMessage((m) => m.type === 'partner.end' && m.turnId === start.turnId, 15_000);
      await second.waitForMessage((m) => m.type === 'line.ack' && m.utteranceId === 1, 5_000);
      // Live heard the line once, whole: 85 frames of 20 ms, not 40 + 85.
      await expect.poll(() => playerTurns(welcome.sessionId).length, { timeout: 5_000 }).toBe(1);
      const line = playerTurns(welcome.sessionId)[0];
      expect(line).toMatchObject({ turnId: 1, interrupted: false });
      expect(heardSeconds(line)).toBeCloseTo((speech.length * 20) / 1000, 1);
      expect(session()?.counters()).toMatchObject({ duplicateFrames: 40, framesOutsideUtterance: 0 });
      expect(partnerStarts(first).concat(partnerStarts(second))).toHaveLength(1);
      expect(second.messages.filter((m) => m.type === 'error')).toEqual([]);
    } finally {
      second.close();
    }
  }, 60_000);

  it('is never answered twice when its ack was lost: the resume acknowledges it and a resend is dropped', async () => {
    const first = await open();
    const welcome = await welcomed(first);
    const session = () => harness.relay.sessions.getSession(welcome.sessionId);
    liveLine(first, 1, 0);
    await first.waitForMessage((m) => m.type === 'partner.start' && m.speaker !== 'mc', 15_000);
    // The ack is on its way when the connection drops: this browser never read it.
    first.close();

    const second = await open(first.setCookie ?? undefined);
    try {
      const resumed = await welcomed(second, welcome);
      expect(resumed.lineAck).toBe(1);
      // A browser that resends anyway (say its welcome crossed the resend) gets the ack again, and no reply.
      resendLine(second, 1, 0);
      await second.waitForMessage((m) => m.type === 'line.ack' && m.utteranceId === 1, 5_000);
      // The next line is answered: its reply is the only one this connection gets.
      liveLine(second, 2, speech.length);
      const start = await second.waitForMessage((m): m is PartnerStart => m.type === 'partner.start', 15_000);
      await second.waitForMessage((m) => m.type === 'partner.end' && m.turnId === start.turnId, 15_000);
      await second.waitForMessage((m) => m.type === 'line.ack' && m.utteranceId === 2, 5_000);
      expect(partnerStarts(second)).toHaveLength(1);
      expect(session()?.counters()).toMatchObject({ duplicateLines: 1, duplicateFrames: speech.length });
      await expect.poll(() => playerTurns(welcome.sessionId).map((t) => t.turnId), { timeout: 5_000 }).toEqual([1, 2]);
      expect(heardSeconds(playerTurns(welcome.sessionId)[1])).toBeCloseTo((speech.length * 20) / 1000, 1);
    } finally {
      second.close();
    }
  }, 60_000);

  it('is cancelled when the browser moves on to its next line instead: one reply, to the new line', async () => {
    const first = await open();
    const welcome = await welcomed(first);
    const session = () => harness.relay.sessions.getSession(welcome.sessionId);
    first.send({ type: 'utterance.start', utteranceId: 1 });
    for (let i = 0; i < 20; i++) first.sendRawAudio(lineFrame(1, i, 0));
    await expect.poll(() => session()?.counters().uplink.framesReceived, { timeout: 5_000 }).toBe(20);
    first.close();

    const second = await open(first.setCookie ?? undefined);
    try {
      await welcomed(second, welcome);
      // Line 1 was too old to resend (the outbox's bound): the browser said so and the player spoke line 2.
      // Its Start frame overtakes its utterance.start (separate SCTP streams) and must open it over line 1.
      second.sendRawAudio(lineFrame(2, 0, 100));
      await expect.poll(() => session()?.counters().uplink.framesReceived, { timeout: 5_000 }).toBe(21);
      expect(session()?.counters().framesOutsideUtterance).toBe(0);
      second.send({ type: 'utterance.start', utteranceId: 2 });
      for (let i = 1; i < speech.length; i++) second.sendRawAudio(lineFrame(2, i, 100));
      second.send({ type: 'utterance.end', utteranceId: 2, frameCount: speech.length });

      const start = await second.waitForMessage((m): m is PartnerStart => m.type === 'partner.start', 15_000);
      await second.waitForMessage((m) => m.type === 'partner.end' && m.turnId === start.turnId);
      await second.waitForMessage((m) => m.type === 'transcript' && m.speaker === 'partner' && m.final, 5_000);
      expect(partnerStarts(second)).toHaveLength(1);
      // The stored turns: the cancelled half line, then the new line and its one reply.
      const ours = turnsEnded.filter(
        (t) => t.sessionId === welcome.sessionId && (t.speaker === 'player' || t.speaker === 'partner'),
      );
      expect(ours.map((t) => [t.speaker, t.turnId, t.interrupted, t.cancelled ?? false])).toEqual([
        ['player', 1, true, true],
        ['player', 2, false, false],
        ['partner', start.turnId, false, false],
      ]);
      expect(heardSeconds(ours[1])).toBeCloseTo((speech.length * 20) / 1000, 1);
      expect(second.messages.filter((m) => m.type === 'error')).toEqual([]);
    } finally {
      second.close();
    }
  }, 60_000);
});
