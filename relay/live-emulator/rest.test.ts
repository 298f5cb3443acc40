// The REST surface: the routes, auth and error shapes Google uses, the request the SDK really sends, and the
// fault switches. Raw fetch for the HTTP details, the real SDK for the round trip.
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE_PROMPT_MARKER, COACH_PROMPT_MARKER } from '../stage/prompt-contract.js';
import { IMPROV_LINES } from './script.js';
import { type LiveEmulator, startLiveEmulator } from './server.js';

interface GenerateContentJson {
  candidates: { content: { role: string; parts: { text: string }[] }; finishReason: string }[];
  usageMetadata: { promptTokenCount: number; candidatesTokenCount: number; totalTokenCount: number };
  modelVersion: string;
}
interface ErrorJson {
  error: { code: number; message: string; status: string };
}

function requestBody(system: string, prompt: string): string {
  return JSON.stringify({
    contents: [{ role: 'user', parts: [{ text: prompt }] }],
    systemInstruction: { parts: [{ text: system }] },
    generationConfig: { responseMimeType: 'application/json' },
  });
}

describe('live emulator REST', () => {
  let emulator: LiveEmulator;
  const post = (path: string, body: string, headers: Record<string, string> = { 'x-goog-api-key': 'emulator' }) =>
    fetch(`${emulator.url}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  beforeAll(async () => {
    emulator = await startLiveEmulator({ port: 0, warmVoices: [] });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('answers generateContent in the GenerateContentResponse shape, with usage', async () => {
    const body = requestBody(
      AUDIENCE_PROMPT_MARKER,
      'GAME: Yes, And\nPLAYER: Yes, and the cake is 9 feet tall!\nPARTNER: Nine!',
    );
    const response = await post('/v1beta/models/gemini-2.5-flash:generateContent', body);
    expect(response.status).toBe(200);
    const json = (await response.json()) as GenerateContentJson;
    expect(json.modelVersion).toBe('gemini-2.5-flash');
    expect(json.candidates[0]!.finishReason).toBe('STOP');
    const reply = JSON.parse(json.candidates[0]!.content.parts[0]!.text) as { sentiment: number; reaction: string };
    expect(reply.sentiment).toBeGreaterThan(0);
    expect(reply.reaction.length).toBeGreaterThan(0);
    expect(json.usageMetadata.promptTokenCount).toBeGreaterThan(10);
    expect(json.usageMetadata.totalTokenCount).toBe(
      json.usageMetadata.promptTokenCount + json.usageMetadata.candidatesTokenCount,
    );
  });

  it('accepts the key as ?key= and a doubled slash, and answers unmarked prompts with an improv line', async () => {
    const response = await post(
      '//v1beta/models/any-model:generateContent?key=emulator',
      requestBody('Be nice.', 'Hi'),
      {},
    );
    expect(response.status).toBe(200);
    const json = (await response.json()) as GenerateContentJson;
    expect(IMPROV_LINES).toContain(json.candidates[0]!.content.parts[0]!.text);
  });

  it('uses Google’s error shapes: 404 unknown route, 403 no key, 400 bad JSON or no contents', async () => {
    const notFound = await fetch(`${emulator.url}/v1beta/models/x:streamGenerateContent`, {
      method: 'POST',
      body: '{}',
    });
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as ErrorJson).error.status).toBe('NOT_FOUND');
    const get = await fetch(`${emulator.url}/v1beta/models/x:generateContent`);
    expect(get.status).toBe(404);
    await get.body?.cancel();

    const noKey = await post('/v1beta/models/x:generateContent', requestBody('', 'Hi'), {});
    expect(noKey.status).toBe(403);
    expect(((await noKey.json()) as ErrorJson).error.status).toBe('PERMISSION_DENIED');

    const badJson = await post('/v1beta/models/x:generateContent', '{"contents": [');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as ErrorJson).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    const noContents = await post('/v1beta/models/x:generateContent', '{"contents": []}');
    expect(noContents.status).toBe(400);
    await noContents.body?.cancel();
  });

  it('injects faults from the model name or the API key', async () => {
    const coachBody = requestBody(COACH_PROMPT_MARKER, 'GAME: Yes, And\nPLAYER: Yes, and hi.');
    const truncated = (await (
      await post('/v1beta/models/m;malformed=1:generateContent', coachBody)
    ).json()) as GenerateContentJson;
    expect(() => JSON.parse(truncated.candidates[0]!.content.parts[0]!.text)).toThrow(SyntaxError);

    const failing = await post('/v1beta/models/m:generateContent', coachBody, {
      'x-goog-api-key': 'emulator;status=429',
    });
    expect(failing.status).toBe(429);
    expect(((await failing.json()) as ErrorJson).error.status).toBe('RESOURCE_EXHAUSTED');

    const startedMs = performance.now();
    const slow = await post('/v1beta/models/m;delayMs=300:generateContent', coachBody);
    expect(slow.status).toBe(200);
    await slow.body?.cancel();
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(290);
  });

  it('serves the unchanged SDK: generateContent with a system instruction and a response schema', async () => {
    const ai = new GoogleGenAI({ apiKey: 'emulator', httpOptions: { baseUrl: emulator.url } });
    const transcript = [
      'GAME: Questions Only',
      'PARTNER: Who are you?',
      'PLAYER: Yes, and who is asking, because I am busy?',
    ];
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: transcript.join('\n'),
      config: { systemInstruction: COACH_PROMPT_MARKER, responseMimeType: 'application/json' },
    });
    const report = JSON.parse(response.text ?? '') as { strengths: { quote: string }[]; principles: unknown[] };
    expect(report.strengths[0]!.quote).toBe('Yes, and who is asking, because I am busy?');
    expect(report.principles).toHaveLength(5);
    expect(response.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
  });

  it('speaks for TTS models: base64 PCM16 24 kHz inlineData in the voice asked for, deterministic', async () => {
    const body = (voiceName: string) =>
      JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'And... scene!' }] }],
        generationConfig: {
          responseModalities: ['AUDIO'],
          speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName } } },
        },
      });
    const speak = async (voiceName: string, model = 'gemini-2.5-flash-preview-tts') => {
      const response = await post(`/v1beta/models/${model}:generateContent`, body(voiceName));
      expect(response.status).toBe(200);
      return (await response.json()) as {
        candidates: { content: { parts: { inlineData: { mimeType: string; data: string } }[] } }[];
        usageMetadata: { candidatesTokenCount: number; candidatesTokensDetails: { modality: string }[] };
      };
    };
    const charon = await speak('Charon');
    const inline = charon.candidates[0]!.content.parts[0]!.inlineData;
    expect(inline.mimeType).toBe('audio/L16;codec=pcm;rate=24000');
    const pcm = Buffer.from(inline.data, 'base64');
    // About a second of speech, billed as audio tokens at the documented 32 a second.
    expect(pcm.byteLength / 2 / 24_000).toBeGreaterThan(0.4);
    expect(charon.usageMetadata.candidatesTokenCount).toBe(Math.ceil((pcm.byteLength / 2 / 24_000) * 32));
    expect(charon.usageMetadata.candidatesTokensDetails[0]!.modality).toBe('AUDIO');
    expect((await speak('Charon')).candidates[0]!.content.parts[0]!.inlineData.data).toBe(inline.data);
    // Another Live voice is another espeak variant; a non-TTS model name asking for AUDIO is TTS too.
    const kore = (await speak('Kore', 'any-model')).candidates[0]!.content.parts[0]!.inlineData.data;
    expect(kore).not.toBe(inline.data);
  });

  it('serves TTS through the unchanged SDK: response.data is the speech', async () => {
    const ai = new GoogleGenAI({ apiKey: 'emulator', httpOptions: { baseUrl: emulator.url } });
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash-preview-tts',
      contents: 'Welcome to Improv Olympics Live!',
      config: {
        responseModalities: ['AUDIO'],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Charon' } } },
      },
    });
    const part = response.candidates?.[0]?.content?.parts?.[0];
    expect(part?.inlineData?.mimeType).toBe('audio/L16;codec=pcm;rate=24000');
    expect(response.data).toBe(part?.inlineData?.data);
    expect(Buffer.from(response.data ?? '', 'base64').byteLength).toBeGreaterThan(24_000);
  });
});
