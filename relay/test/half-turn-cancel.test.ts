// Cross-process: the browser's connection drops in the middle of a player utterance. The relay cancels the
// half-turn upstream (activityEnd, so Live is not left mid-activity), drops the model's reply to it, and records the
// player turn as cancelled; after a resume the scene goes on with exactly one reply, to the new utterance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameFlag } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { SessionObserver, TurnEndedEvent } from '../session/observer.js';
import { type Harness, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

const turnsEnded: TurnEndedEvent[] = [];
const observer: SessionObserver = { onTurnEnded: (event) => turnsEnded.push(event) };
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

const partnerStarts = (client: RtcTestClient) =>
  client.messages.filter((m): m is Extract<RelayMessage, { type: 'partner.start' }> => m.type === 'partner.start');

describe('a connection drop mid-utterance', () => {
  it('cancels the half-turn: no reply to it, one reply to the next utterance after the resume', async () => {
    const first = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
    const cookie = first.setCookie ?? undefined;
    const welcome = await first.hello();
    if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
    const session = () => harness.relay.sessions.getSession(welcome.sessionId);

    // Half an utterance: start + 20 frames of speech, then the connection is gone.
    first.send({ type: 'utterance.start', utteranceId: 1 });
    for (let i = 0; i < 20; i++) first.sendOpus(1, speech[i]!, i === 0 ? FrameFlag.Start : 0);
    await expect.poll(() => session()?.counters().uplink.framesReceived, { timeout: 5_000 }).toBe(20);
    first.close();
    await expect
      .poll(() => turnsEnded.find((t) => t.sessionId === welcome.sessionId && t.speaker === 'player'), {
        timeout: 5_000,
      })
      .toMatchObject({ turnId: 1, interrupted: true, cancelled: true });
    expect(session()?.state).toBe('live');

    const second = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1', cookie });
    try {
      const resumed = await second.hello({ sessionId: welcome.sessionId, resumeToken: welcome.resumeToken });
      expect(resumed).toMatchObject({ type: 'welcome', resumed: true });

      // The new utterance's Start frame overtakes its utterance.start (separate SCTP streams): it must open the
      // utterance, which it cannot while the half-turn is still open.
      second.sendOpus(2, speech[0]!, FrameFlag.Start);
      await expect.poll(() => session()?.counters().uplink.framesReceived, { timeout: 5_000 }).toBe(21);
      expect(session()?.counters().framesOutsideUtterance).toBe(0);
      second.send({ type: 'utterance.start', utteranceId: 2 });
      for (let i = 1; i < speech.length; i++) {
        second.sendOpus(2, speech[i]!, i === speech.length - 1 ? FrameFlag.End : 0);
      }
      second.send({ type: 'utterance.end', utteranceId: 2, frameCount: speech.length });

      const start = await second.waitForMessage((m) => m.type === 'partner.start', 15_000);
      await second.waitForMessage((m) => m.type === 'partner.end' && m.turnId === (start as { turnId: number }).turnId);
      // The reply's final transcript arrived, and no other partner turn was started before or after it.
      await second.waitForMessage((m) => m.type === 'transcript' && m.speaker === 'partner' && m.final, 5_000);
      expect(partnerStarts(second)).toHaveLength(1);
      expect(second.messages.filter((m) => m.type === 'partner.end')).toEqual([
        { type: 'partner.end', turnId: (start as { turnId: number }).turnId, interrupted: false },
      ]);
      expect(session()?.counters().framesOutsideUtterance).toBe(0);

      // The stored turns: the cancelled half-turn, then the new line and its one reply (answering utterance 2).
      const ours = turnsEnded.filter(
        (t) => t.sessionId === welcome.sessionId && (t.speaker === 'player' || t.speaker === 'partner'),
      );
      expect(ours.map((t) => [t.speaker, t.turnId, t.interrupted])).toEqual([
        ['player', 1, true],
        ['player', 2, false],
        ['partner', (start as { turnId: number }).turnId, false],
      ]);
      expect(ours[1]!.text).toMatch(/player speech/);
      expect(second.messages.filter((m) => m.type === 'error')).toEqual([]);
    } finally {
      second.close();
    }
  }, 60_000);
});
