// Cross-process: the player talks over the partner. The relay stops that partner turn at once (no more of its
// frames), says partner.end interrupted, and the next reply flows normally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameFlag } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { SessionObserver, TurnEndedEvent } from '../session/observer.js';
import { type Harness, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

const turnsEnded: TurnEndedEvent[] = [];
const observer: SessionObserver = { onTurnEnded: (event) => turnsEnded.push(event) };
let harness: Harness;
const question = encodeSpeech(fixtureSpeech16k('barge-in.wav', 0.9, 3.9));
const interruption = encodeSpeech(fixtureSpeech16k('barge-in.wav', 5.2, 8.9));

beforeAll(async () => {
  // Real-time pacing, as Gemini streams: the partner is still talking when the player cuts in.
  harness = await startHarness({ emulator: { realtime: true, thinkMs: 50 }, relay: { observer } });
});
afterAll(async () => {
  await harness?.close();
});

type PartnerStart = Extract<RelayMessage, { type: 'partner.start' }>;
type PartnerEnd = Extract<RelayMessage, { type: 'partner.end' }>;

describe('barge-in', () => {
  it('cuts the partner turn immediately and answers the interruption', async () => {
    const client = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
    try {
      const welcome = await client.hello();
      if (welcome.type !== 'welcome') throw new Error(`no welcome: ${JSON.stringify(welcome)}`);
      await client.speak(1, question, 0);
      const first = await client.waitForMessage((m): m is PartnerStart => m.type === 'partner.start');
      // Let some partner audio play, then talk over it.
      await client.waitForFrame((f) => f.streamId === first.turnId && countFrames(client, first.turnId) >= 10);
      client.send({ type: 'barge-in', turnId: first.turnId, playedMs: 200 });
      const cut = await client.waitForMessage(
        (m): m is PartnerEnd => m.type === 'partner.end' && m.turnId === first.turnId,
        2_000,
      );
      expect(cut.interrupted).toBe(true);
      const framesAtCut = countFrames(client, first.turnId);

      await client.speak(2, interruption, 0);
      const second = await client.waitForMessage(
        (m): m is PartnerStart => m.type === 'partner.start' && m.turnId !== first.turnId,
        15_000,
      );
      const secondEnd = await client.waitForMessage(
        (m): m is PartnerEnd => m.type === 'partner.end' && m.turnId === second.turnId,
        20_000,
      );
      expect(secondEnd.interrupted).toBe(false);
      await client.waitForFrame((f) => f.streamId === second.turnId && (f.flags & FrameFlag.End) !== 0);

      // Only frames already in flight at the cut may trail it; the rest of turn 1 was never sent.
      expect(countFrames(client, first.turnId) - framesAtCut).toBeLessThanOrEqual(3);
      const firstTurn = turnsEnded.find(
        (t) => t.sessionId === welcome.sessionId && t.turnId === first.turnId && t.speaker === 'partner',
      );
      expect(firstTurn?.interrupted).toBe(true);
      expect(firstTurn?.framesSent).toBeLessThanOrEqual(framesAtCut + 3);
      // Turn 1 never got an End frame: it was cut, not finished.
      expect(client.frames.some((f) => f.streamId === first.turnId && f.flags & FrameFlag.End)).toBe(false);
      const transcriptFinal = client.messages.find(
        (m) => m.type === 'transcript' && m.speaker === 'partner' && m.streamId === first.turnId && m.final,
      );
      expect(transcriptFinal).toBeDefined();
    } finally {
      client.close();
    }
  });
});

function countFrames(client: RtcTestClient, turnId: number): number {
  let count = 0;
  for (const frame of client.frames) if (frame.streamId === turnId) count++;
  return count;
}
