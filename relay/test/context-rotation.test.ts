// Context economy (issue #17): once Live's context holds LIVE_ROTATE_AFTER_AUDIO_TOKENS of audio, the relay swaps
// to a fresh Live session told the scene as text, between turns. The scene remembers across rotations: a detail
// the partner planted in its first line is still in what the third and later fresh sessions are told, and every
// reply after a rotation comes whole, with no error and no cut turn. The stage hears the scene's running cost.
import { afterEach, describe, expect, it } from 'vitest';
import type { RelayMessage } from '../../shared/protocol.js';
import { type Harness, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));
let harness: Harness | null = null;

afterEach(async () => {
  await harness?.close();
  harness = null;
});

type PartnerEnd = Extract<RelayMessage, { type: 'partner.end' }>;

/** Speaks line `utteranceId` and waits for its reply to end whole: the reply's final transcript. */
async function speakLine(client: RtcTestClient, utteranceId: number): Promise<string> {
  const seen = client.messages.length;
  const isNew = (m: RelayMessage) => client.messages.indexOf(m) >= seen;
  {
    await client.speak(utteranceId, speech, 0);
    const end = (await client.waitForMessage(
      (m) =>
        isNew(m) &&
        m.type === 'partner.end' &&
        client.messages.some((s) => s.type === 'partner.start' && s.turnId === m.turnId && s.speaker !== 'mc'),
      15_000,
    )) as PartnerEnd;
    expect(end.interrupted).toBe(false);
    const final = (await client.waitForMessage(
      (m) => m.type === 'transcript' && m.speaker === 'partner' && m.final && m.streamId === end.turnId,
      5_000,
    )) as Extract<RelayMessage, { type: 'transcript' }>;
    return final.text;
  }
}

describe('context rotation', () => {
  it('swaps to fresh sessions told the scene as text, and the scene remembers its first line', async () => {
    // ~60 audio tokens a line (1.7 s of speech) plus the reply's: every reply's context is over 100.
    harness = await startHarness({
      emulator: { realtime: false, thinkMs: 20 },
      env: { LIVE_ROTATE_AFTER_AUDIO_TOKENS: '100' },
    });
    const { relay, emulator } = harness;
    const client = await RtcTestClient.connect(relay.url, { bindAddress: '127.0.0.1' });
    try {
      const welcome = await client.hello();
      if (welcome.type !== 'welcome') throw new Error(`no welcome: ${JSON.stringify(welcome)}`);
      const counters = () => relay.sessions.getSession(welcome.sessionId)?.counters().upstream;
      const replies: string[] = [];
      for (let round = 0; round < 4; round++) {
        const before = counters()?.rotations ?? 0;
        replies.push(await speakLine(client, round + 1));
        // The rotation runs once the reply's transcript is final, before the next line.
        await expect.poll(() => counters()?.rotations ?? 0, { timeout: 5_000 }).toBeGreaterThan(before);
      }
      expect(counters()?.rotations).toBeGreaterThanOrEqual(3);
      // Each fresh session continues the scene it was told: no partner line comes again.
      expect(new Set(replies).size).toBe(replies.length);
      expect(counters()?.resumes).toBe(0);
      // Each rotation is a new Live session (no handle), told the scene so far as text.
      const fresh = emulator.setups.filter((setup) => !setup.resumedFromHandle);
      expect(fresh.length).toBeGreaterThanOrEqual(4);
      const told = emulator.clientContents.filter((content) => content.text.includes('The scene goes on.'));
      expect(told.length).toBeGreaterThanOrEqual(3);
      // The planted detail: the partner's first line, still told to the latest fresh session.
      const latest = told.at(-1)!.text;
      expect(latest).toContain(replies[0]!);
      // The last exchange too, though its transcript was not final yet when the rotation ran.
      expect(latest).toContain(replies.at(-1)!);
      // The scene goes on after the last rotation: one more line, answered whole.
      expect(await speakLine(client, 5)).toBeTruthy();
      // The stage's running cost: after every reply, never going down across rotations.
      const costs = client.messages.flatMap((m) => (m.type === 'scene.cost' ? [m.usd] : []));
      expect(costs.length).toBeGreaterThanOrEqual(5);
      expect(costs[0]).toBeGreaterThan(0);
      expect(costs.every((usd, index) => index === 0 || usd > costs[index - 1]!)).toBe(true);
      expect(client.messages.filter((m) => m.type === 'error')).toEqual([]);
      expect(relay.sessions.getSession(welcome.sessionId)?.state).toBe('live');
    } finally {
      client.close();
    }
  });
});
