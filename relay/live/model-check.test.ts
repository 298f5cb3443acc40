import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuredModels, loadConfig } from '../config.js';
import { type LiveEmulator, startLiveEmulator } from '../live-emulator/server.js';
import { createGenAi } from './genai-client.js';
import { checkModels } from './model-check.js';
import { DEFAULT_LIVE_MODEL, DEFAULT_TEXT_MODEL, DEFAULT_TTS_MODEL } from './models.js';

let emulator: LiveEmulator;

beforeAll(async () => {
  emulator = await startLiveEmulator({ warmVoices: [] });
});

afterAll(async () => {
  await emulator.close();
});

const check = (env: Record<string, string>) => {
  const config = loadConfig(env);
  return checkModels(createGenAi({ apiKey: 'key', baseUrl: emulator.url }), configuredModels(config, env));
};

describe('startup model check (models.get against the emulator’s models endpoint)', () => {
  it('passes the defaults: each exists and supports what the relay calls on it', async () => {
    expect(configuredModels(loadConfig({}), {}).map((model) => model.name)).toEqual([
      DEFAULT_LIVE_MODEL,
      DEFAULT_TTS_MODEL,
      DEFAULT_TEXT_MODEL,
    ]);
    expect(await check({})).toEqual([]);
  });

  it('refuses a retired Live model, naming the variable to fix', async () => {
    const problems = await check({ GEMINI_LIVE_MODEL: 'gemini-2.5-flash-native-audio-preview-09-2025' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^GEMINI_LIVE_MODEL=gemini-2\.5-flash-native-audio-preview-09-2025: .*no such model/);
  });

  it('refuses a model that exists but cannot do the call (a text model as the Live model)', async () => {
    const problems = await check({ GEMINI_LIVE_MODEL: 'gemini-3.8-flash' });
    expect(problems).toEqual([expect.stringMatching(/^GEMINI_LIVE_MODEL=gemini-3\.8-flash: .*bidiGenerateContent/)]);
  });

  it('names each wrong variable: TTS and text models too', async () => {
    const problems = await check({
      GEMINI_TTS_MODEL: 'gemini-2.5-flash-preview-tts',
      GEMINI_TEXT_MODEL: 'gemini-2.5-flash',
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^GEMINI_TTS_MODEL=gemini-2\.5-flash-preview-tts: /);
    expect(problems[1]).toMatch(/^GEMINI_TEXT_MODEL=gemini-2\.5-flash: /);
    // A Live model as the TTS model: it exists, but not for generateContent.
    const wrongKind = await check({ GEMINI_TTS_MODEL: DEFAULT_LIVE_MODEL });
    expect(wrongKind).toEqual([expect.stringMatching(/^GEMINI_TTS_MODEL=gemini-3\.8-live: .*generateContent/)]);
  });

  it('skips the TTS model when the MC is text only', async () => {
    expect(configuredModels(loadConfig({}), { GEMINI_TTS_MODEL: 'off' }).map((model) => model.envVar)).toEqual([
      'GEMINI_LIVE_MODEL',
      'GEMINI_TEXT_MODEL',
    ]);
  });
});
