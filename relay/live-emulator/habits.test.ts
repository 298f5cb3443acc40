// The real-habits mode delivers the same words as tidy mode, timed as the real service is reported to time them.
import type { LiveServerMessage } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TAIL_DELAY_MS, splitInPieces } from './habits.js';
import { pickSceneLine } from './script.js';
import { type LiveEmulator, startLiveEmulator } from './server.js';
import { connectTestClient, isTurnComplete, sendPlayerTurn, TEST_CONFIG } from './test-client.js';

let emulator: LiveEmulator;

beforeAll(async () => {
  emulator = await startLiveEmulator({ realtime: false, thinkMs: 20, warmVoices: [], seed: 3 });
});

afterAll(async () => {
  await emulator.close();
});

const input = (m: LiveServerMessage) => m.serverContent?.inputTranscription;
const output = (m: LiveServerMessage) => m.serverContent?.outputTranscription;
const hasAudio = (m: LiveServerMessage) => m.serverContent?.modelTurn !== undefined;

async function oneTurn(habits: 'tidy' | 'real', habitsSeed: number) {
  const client = await connectTestClient(emulator.url, {
    model: `gemini-live-emulator;habits=${habits};habitsSeed=${habitsSeed}`,
  });
  sendPlayerTurn(client.session, 1_200);
  await client.waitFor(isTurnComplete);
  // The tail, if any, comes within MAX_TAIL_DELAY_MS of turnComplete; the line is whole by then.
  const line = pickSceneLine(3, 0, String(TEST_CONFIG.systemInstruction));
  await expect
    .poll(() => client.messages.map((m) => output(m)?.text ?? '').join(''), { timeout: 5 * MAX_TAIL_DELAY_MS })
    .toBe(line);
  client.session.close();
  return client.messages;
}

describe('real habits', () => {
  it('splits text at word boundaries without losing a character', () => {
    expect(splitInPieces('(player speech, 1.2 s)', 3).join('')).toBe('(player speech, 1.2 s)');
    expect(splitInPieces('(player speech, 1.2 s)', 3).length).toBeGreaterThan(1);
    expect(splitInPieces('one', 3)).toEqual(['one']);
  });

  it('tidy: input whole and finished before the audio, output with the audio, all before turnComplete', async () => {
    const messages = await oneTurn('tidy', 1);
    const inputs = messages.filter((m) => input(m));
    expect(inputs).toHaveLength(1);
    expect(input(inputs[0]!)?.finished).toBe(true);
    expect(messages.indexOf(inputs[0]!)).toBeLessThan(messages.findIndex(hasAudio));
    const lastOutput = messages.findLastIndex((m) => output(m));
    expect(lastOutput).toBeLessThan(messages.findIndex(isTurnComplete));
  });

  it.each([1, 2, 3, 4, 5])(
    'real (seed %i): input in pieces after the first audio, never finished; a tail after turnComplete',
    async (seed) => {
      const tidy = await oneTurn('tidy', seed);
      const real = await oneTurn('real', seed);
      const text = (messages: LiveServerMessage[], pick: typeof input) =>
        messages.map((m) => pick(m)?.text ?? '').join('');
      // The same words in both modes.
      expect(text(real, input)).toBe(text(tidy, input));
      expect(text(real, output)).toBe(text(tidy, output));
      const inputs = real.filter((m) => input(m));
      expect(inputs.length).toBeGreaterThan(1);
      expect(inputs.every((m) => input(m)?.finished === undefined)).toBe(true);
      expect(real.indexOf(inputs[0]!)).toBeGreaterThan(real.findIndex(hasAudio));
      expect(real.findLastIndex((m) => output(m))).toBeGreaterThan(real.findIndex(isTurnComplete));
    },
  );
});
