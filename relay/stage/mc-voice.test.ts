// The MC's voice against the real SDK and the live emulator's REST TTS (no mocks): real speech in the MC's voice,
// the same every time, different from another voice; every failure mode comes back as { ok: false } in bounded time.
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOWNLINK_SAMPLE_RATE_HZ } from '../../shared/constants.js';
import { type LiveEmulator, startLiveEmulator } from '../live-emulator/server.js';
import {
  DEFAULT_TTS_MODEL,
  parsePcmMimeType,
  splitForSpeech,
  synthesizeMcSpeech,
  synthesizeMcSpeechCached,
  ttsModelFromEnv,
} from './mc-voice.js';

const LINE = 'Welcome to Improv Olympics Live! Three, two, one... scene!';

function rms(pcm: Uint8Array): number {
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1);
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

describe('ttsModelFromEnv', () => {
  it('defaults, takes GEMINI_TTS_MODEL, and turns the voice off', () => {
    expect(ttsModelFromEnv({})).toBe(DEFAULT_TTS_MODEL);
    expect(ttsModelFromEnv({ GEMINI_TTS_MODEL: ' gemini-2.5-pro-preview-tts ' })).toBe('gemini-2.5-pro-preview-tts');
    expect(ttsModelFromEnv({ GEMINI_TTS_MODEL: 'off' })).toBeNull();
    expect(ttsModelFromEnv({ GEMINI_TTS_MODEL: 'None' })).toBeNull();
  });
});

describe('splitForSpeech', () => {
  it('cuts at sentence ends (not inside "one... scene!"), at most four pieces, the tail sharing the last', () => {
    const intro =
      'Welcome to Improv Olympics Live! Tonight our player plays Yes, And. The rules: say "yes, and". ' +
      'Your suggestion: a lighthouse. Three, two, one... scene!';
    expect(splitForSpeech(intro)).toEqual([
      'Welcome to Improv Olympics Live!',
      'Tonight our player plays Yes, And.',
      'The rules: say "yes, and".',
      'Your suggestion: a lighthouse. Three, two, one... scene!',
    ]);
    expect(splitForSpeech('And... scene! 3 lines of Alphabet.')).toEqual(['And... scene!', '3 lines of Alphabet.']);
    expect(splitForSpeech('  One line  ')).toEqual(['One line']);
    expect(splitForSpeech('A. B. C.', 2)).toEqual(['A.', 'B. C.']);
  });
});

describe('parsePcmMimeType', () => {
  it('reads the rate of raw PCM16 and refuses other encodings', () => {
    expect(parsePcmMimeType('audio/L16;codec=pcm;rate=24000')).toEqual({ sampleRateHz: 24_000 });
    expect(parsePcmMimeType('audio/pcm; rate=16000')).toEqual({ sampleRateHz: 16_000 });
    expect(parsePcmMimeType('audio/L16')).toEqual({ sampleRateHz: 24_000 });
    expect(parsePcmMimeType('audio/wav')).toBeNull();
    expect(parsePcmMimeType('audio/L16;rate=banana')).toBeNull();
    expect(parsePcmMimeType(undefined)).toBeNull();
  });
});

describe('synthesizeMcSpeech against the emulator', () => {
  let emulator: LiveEmulator;
  let ai: GoogleGenAI;
  const aiWithKey = (apiKey: string) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: emulator.url } });

  beforeAll(async () => {
    emulator = await startLiveEmulator({ port: 0, warmVoices: [] });
    ai = aiWithKey('emulator');
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('returns speech as PCM16 24 kHz: audible, as long as the line, the same every time', async () => {
    const first = await synthesizeMcSpeech(ai, LINE, { model: DEFAULT_TTS_MODEL, voiceName: 'Charon' });
    if (!first.ok) throw new Error(first.reason);
    expect(first.pcm.byteLength % 2).toBe(0);
    expect(first.durationMs).toBeCloseTo((first.pcm.byteLength / 2 / DOWNLINK_SAMPLE_RATE_HZ) * 1000, 5);
    // About three seconds of speech for ten words; espeak at the MC's 150 wpm.
    expect(first.durationMs).toBeGreaterThan(2_000);
    expect(first.durationMs).toBeLessThan(8_000);
    expect(rms(first.pcm)).toBeGreaterThan(500);
    const again = await synthesizeMcSpeech(ai, LINE, { model: DEFAULT_TTS_MODEL, voiceName: 'Charon' });
    if (!again.ok) throw new Error(again.reason);
    expect(Buffer.from(again.pcm).equals(Buffer.from(first.pcm))).toBe(true);
  });

  it('speaks in the voice asked for: the MC does not sound like the partner', async () => {
    const mc = await synthesizeMcSpeech(ai, LINE, { model: DEFAULT_TTS_MODEL, voiceName: 'Charon' });
    const partner = await synthesizeMcSpeech(ai, LINE, { model: DEFAULT_TTS_MODEL, voiceName: 'Puck' });
    if (!mc.ok || !partner.ok) throw new Error('synthesis failed');
    expect(Buffer.from(mc.pcm).equals(Buffer.from(partner.pcm))).toBe(false);
    // Charon is espeak's slower, deeper variant here: the same words take longer.
    expect(mc.durationMs).toBeGreaterThan(partner.durationMs);
  });

  it('falls back on an HTTP error, a reply without audio, a timeout, a cancel, and empty text', async () => {
    const failing = await synthesizeMcSpeech(aiWithKey('emulator;status=503'), LINE, {
      model: DEFAULT_TTS_MODEL,
      voiceName: 'Charon',
    });
    expect(failing).toEqual({ ok: false, reason: 'the TTS model failed (HTTP 503)' });

    const textOnly = await synthesizeMcSpeech(ai, LINE, {
      model: `${DEFAULT_TTS_MODEL};malformed=1`,
      voiceName: 'Charon',
    });
    expect(textOnly).toEqual({ ok: false, reason: 'the TTS model returned no audio' });

    const startedMs = performance.now();
    const slow = await synthesizeMcSpeech(ai, LINE, {
      model: `${DEFAULT_TTS_MODEL};delayMs=5000`,
      voiceName: 'Charon',
      timeoutMs: 200,
    });
    expect(slow).toEqual({ ok: false, reason: 'the TTS model did not answer within 200 ms' });
    expect(performance.now() - startedMs).toBeLessThan(2_000);

    const controller = new AbortController();
    const cancelled = synthesizeMcSpeech(ai, LINE, {
      model: `${DEFAULT_TTS_MODEL};delayMs=5000`,
      voiceName: 'Charon',
      signal: controller.signal,
    });
    controller.abort();
    expect(await cancelled).toEqual({ ok: false, reason: 'the call was cancelled' });

    expect(await synthesizeMcSpeech(ai, '  ', { model: DEFAULT_TTS_MODEL, voiceName: 'Charon' })).toEqual({
      ok: false,
      reason: 'nothing to say',
    });
  });

  it('caches a piece per client, model and voice: the second ask costs no request', async () => {
    const cachedAi = aiWithKey('emulator;delayMs=300');
    const options = { model: DEFAULT_TTS_MODEL, voiceName: 'Charon' };
    const first = await synthesizeMcSpeechCached(cachedAi, 'Stay with us.', options);
    if (!first.ok) throw new Error(first.reason);
    const startedMs = performance.now();
    const again = await synthesizeMcSpeechCached(cachedAi, 'Stay with us.', options);
    // The emulator would take ≥ 300 ms (delayMs): a cache hit answers at once, with the same speech.
    expect(performance.now() - startedMs).toBeLessThan(100);
    expect(again).toBe(first);
    const otherVoice = synthesizeMcSpeechCached(cachedAi, 'Stay with us.', { ...options, voiceName: 'Puck' });
    const otherStartedMs = performance.now();
    expect((await otherVoice).ok).toBe(true);
    expect(performance.now() - otherStartedMs).toBeGreaterThanOrEqual(250);
    // Failures are not kept.
    const failingAi = aiWithKey('emulator;status=503');
    expect((await synthesizeMcSpeechCached(failingAi, 'Stay with us.', options)).ok).toBe(false);
  });
});
