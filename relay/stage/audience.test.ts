// The audience against the real SDK and the live emulator's REST endpoint (no mocks): cues move the
// sentiment the right way, and every failure mode comes back as a neutral reaction instead of a throw.
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameOrDefault } from '../../shared/games.js';
import { type LiveEmulator, startLiveEmulator } from '../live-emulator/server.js';
import {
  AudienceReply,
  audiencePrompt,
  measuredReaction,
  NEUTRAL_REACTION,
  rateExchange,
  unheardSpeechSeconds,
} from './audience.js';
import { parsePromptLines } from './prompt-contract.js';

const MODEL = 'gemini-2.5-flash';
const game = gameOrDefault('yes-and');

describe('audience reply parsing', () => {
  it('accepts a well-formed reply and clamps a slightly out-of-range sentiment', () => {
    expect(AudienceReply.parse({ sentiment: 0.5, reaction: '*laughter*' })).toEqual({
      sentiment: 0.5,
      reaction: '*laughter*',
    });
    expect(AudienceReply.parse({ sentiment: 1.4, reaction: 'WOOO!' }).sentiment).toBe(1);
    expect(AudienceReply.parse({ sentiment: -3, reaction: '*crickets*' }).sentiment).toBe(-1);
  });

  it('rejects replies of the wrong shape', () => {
    for (const reply of [
      { sentiment: 'funny', reaction: '*laughter*' },
      { sentiment: 0.2 },
      { sentiment: 0.2, reaction: '' },
      { sentiment: Number.NaN, reaction: 'Ha!' },
      { sentiment: 0.2, reaction: 'x'.repeat(61) },
      null,
    ]) {
      expect(AudienceReply.safeParse(reply).success, JSON.stringify(reply)).toBe(false);
    }
  });

  it('puts the exchange in the prompt one line per speaker, even with newlines inside', () => {
    const prompt = audiencePrompt({ game, playerLine: 'Yes, and\nthe boat leaks', partnerLine: 'Then we swim.' });
    expect(parsePromptLines(prompt)).toEqual([
      { speaker: 'PLAYER', text: 'Yes, and the boat leaks' },
      { speaker: 'PARTNER', text: 'Then we swim.' },
    ]);
  });
});

describe('audience against the emulator', () => {
  let emulator: LiveEmulator;
  let ai: GoogleGenAI;
  beforeAll(async () => {
    emulator = await startLiveEmulator({ port: 0, warmVoices: [] });
    ai = new GoogleGenAI({ apiKey: 'emulator', httpOptions: { baseUrl: emulator.url } });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('rates a yes-and exchange above a blocking one, the same way every time', async () => {
    const accepting = {
      game,
      playerLine: 'Yes, and the lighthouse keeper Margaret has 300 cats!',
      partnerLine: 'Margaret feeds them sardines at dawn.',
    };
    const blocking = { game, playerLine: 'No.', partnerLine: 'Oh. Okay then.' };
    const good = await rateExchange(ai, accepting, { model: MODEL });
    const bad = await rateExchange(ai, blocking, { model: MODEL });
    expect(good.source).toBe('model');
    expect(bad.source).toBe('model');
    expect(good.sentiment).toBeGreaterThan(0.2);
    expect(bad.sentiment).toBeLessThan(-0.2);
    expect(good.sentiment).toBeLessThanOrEqual(1);
    expect(bad.sentiment).toBeGreaterThanOrEqual(-1);
    expect(good.reaction).not.toBe(bad.reaction);
    expect(await rateExchange(ai, accepting, { model: MODEL })).toEqual(good);
  });

  it('falls back to a neutral reaction on truncated JSON, a wrong shape, an HTTP error or a timeout', async () => {
    const exchange = { game, playerLine: 'Yes, and we sail at noon!', partnerLine: 'Noon it is.' };
    const cases = [
      [{ model: `${MODEL};malformed=1` }, 'malformed JSON'],
      [{ model: `${MODEL};malformed=schema` }, 'did not match the schema'],
      [{ model: `${MODEL};status=503` }, 'HTTP 503'],
      [{ model: `${MODEL};status=429` }, 'HTTP 429'],
      [{ model: `${MODEL};delayMs=2000`, timeoutMs: 150 }, 'within 150 ms'],
    ] as const;
    for (const [options, reason] of cases) {
      const reaction = await rateExchange(ai, exchange, options);
      expect(reaction, options.model).toMatchObject({ sentiment: 0, reaction: NEUTRAL_REACTION, source: 'fallback' });
      expect(reaction.fallbackReason).toContain(reason);
    }
  });

  it('falls back when the text model cannot be reached at all', async () => {
    const closed = await startLiveEmulator({ port: 0, warmVoices: [] });
    const url = closed.url;
    await closed.close();
    const unreachable = new GoogleGenAI({ apiKey: 'emulator', httpOptions: { baseUrl: url } });
    const reaction = await rateExchange(
      unreachable,
      { game, playerLine: 'Hello!', partnerLine: 'Hi!' },
      { model: MODEL },
    );
    expect(reaction.source).toBe('fallback');
    expect(reaction.fallbackReason).toContain('could not be reached');
  });

  it('is cancelled by the caller’s signal without throwing', async () => {
    const controller = new AbortController();
    const pending = rateExchange(
      ai,
      { game, playerLine: 'Yes, and...', partnerLine: 'And?' },
      { model: `${MODEL};delayMs=2000`, signal: controller.signal },
    );
    controller.abort();
    await expect(pending).resolves.toMatchObject({ source: 'fallback', fallbackReason: 'the call was cancelled' });
  });
});

describe('audience offline: what the relay can measure', () => {
  it('cools on clipped lines and monologues, warms on committed ones, without a model call', () => {
    expect(unheardSpeechSeconds('(player speech, 5.5 s)')).toBe(5.5);
    expect(unheardSpeechSeconds('Hello there')).toBeNull();
    const no = measuredReaction(0.8);
    const line = measuredReaction(5);
    const monologue = measuredReaction(20);
    expect(no.sentiment).toBeLessThan(0);
    expect(line.sentiment).toBeGreaterThan(0.3);
    expect(monologue.sentiment).toBeLessThan(0);
    // Ten "No."s in a row keep the mean below zero: the room cools as well as warms.
    const mean = Array.from({ length: 10 }, () => measuredReaction(0.9).sentiment).reduce((a, b) => a + b) / 10;
    expect(mean).toBeLessThan(-0.2);
  });
});
