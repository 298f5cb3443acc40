// Cross-process: one scene through the relay against the emulator's tidy mode and again against its real-habits
// mode (input transcription in pieces after the reply's first audio and never finished, output tails after
// turnComplete, binary frames). What the player is shown and what is stored must be the same, turn for turn.
import { afterEach, describe, expect, it } from 'vitest';
import { findGame } from '../../shared/games.js';
import type { RelayMessage } from '../../shared/protocol.js';
import { drawSuggestion } from '../../shared/stage.js';
import { GAME_LINES } from '../live-emulator/game-lines.js';
import { IMPROV_LINES } from '../live-emulator/script.js';
import type { SessionObserver, TurnEndedEvent } from '../session/observer.js';
import { type Harness, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

const SEED = 5;
const SUGGESTION = drawSuggestion(findGame('yes-and')!, 4242);
const LINES = 3;
const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));

let harness: Harness | undefined;
async function closeHarness(): Promise<void> {
  const running = harness;
  harness = undefined;
  await running?.close();
}
afterEach(closeHarness);

interface SceneRecord {
  /** Final transcript entries as the browser was shown them, in order. */
  shown: string[];
  /** Turns as stored, in order (player and partner lines). */
  stored: string[];
  /** Every transcript message, for the no-phantom check. */
  transcripts: Extract<RelayMessage, { type: 'transcript' }>[];
}

async function playScene(habits: 'tidy' | 'real', habitsSeed = 1): Promise<SceneRecord> {
  const ended: TurnEndedEvent[] = [];
  const observer: SessionObserver = { onTurnEnded: (event) => ended.push(event) };
  harness = await startHarness({
    emulator: { realtime: true, thinkMs: 50, seed: SEED, habits, habitsSeed },
    relay: { observer },
  });
  const client = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
  try {
    // One suggestion for every scene: the partner's instructions, and so the emulator's lines, are the same in each.
    const welcome = await client.hello({ game: 'yes-and', suggestion: SUGGESTION });
    if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
    const partnerEnds = () => client.messages.filter((m) => m.type === 'partner.end' && !isMcTurn(client, m.turnId));
    for (let line = 1; line <= LINES; line++) {
      const before = partnerEnds().length;
      await client.speak(line, speech, 5);
      await expect.poll(() => partnerEnds().length, { timeout: 20_000 }).toBe(before + 1);
    }
    client.send({ type: 'scene.end' });
    await client.waitForMessage((m) => m.type === 'session.ended', 30_000);
    const transcripts = client.messages.filter(
      (m): m is Extract<RelayMessage, { type: 'transcript' }> => m.type === 'transcript',
    );
    const lines = (speaker: string, text: string) => `${speaker}: ${text}`;
    return {
      shown: transcripts.filter((m) => m.final && m.speaker !== 'mc').map((m) => lines(m.speaker, m.text)),
      stored: ended
        .filter((e) => e.speaker === 'player' || e.speaker === 'partner')
        .map((e) => `${lines(e.speaker, e.text)}${e.interrupted ? ' (cut)' : ''}`),
      transcripts,
    };
  } finally {
    client.close();
  }
}

function isMcTurn(client: RtcTestClient, turnId: number): boolean {
  return client.messages.some((m) => m.type === 'partner.start' && m.turnId === turnId && m.speaker === 'mc');
}

describe('transcripts attributed by turn, whatever the upstream’s order', () => {
  it('a scene through real habits is shown and stored exactly as through tidy mode', async () => {
    const tidy = await playScene('tidy');
    await closeHarness();
    // The tidy scene is the reference: each line whole, on its own turn, each partner line one of the script's
    // (the emulator picks per game and scene, never repeating within a scene).
    const scripted = new Set([...IMPROV_LINES, ...Object.values(GAME_LINES).flat()].map((line) => `partner: ${line}`));
    const partnerLines = tidy.stored.filter((line) => line.startsWith('partner: '));
    expect(partnerLines).toHaveLength(LINES);
    expect(new Set(partnerLines).size).toBe(LINES);
    for (const line of partnerLines) expect(scripted.has(line), line).toBe(true);
    expect(tidy.stored.filter((line) => /^player: \(player speech, \d+\.\d s\)$/.test(line))).toHaveLength(LINES);
    expect(tidy.stored).toHaveLength(2 * LINES);
    expect(tidy.shown).toEqual(tidy.stored);

    for (const habitsSeed of [1, 2]) {
      const real = await playScene('real', habitsSeed);
      await closeHarness();
      expect(real.stored).toEqual(tidy.stored);
      expect(real.shown).toEqual(tidy.shown);
      // No phantom entry: every transcript stream the browser saw is one of the scene's turns.
      const streams = new Set(
        real.transcripts.filter((m) => m.speaker !== 'mc').map((m) => `${m.speaker}:${m.streamId}`),
      );
      expect(streams.size).toBe(2 * LINES);
    }
  }, 180_000);
});
