// generateContent for text-to-speech, as Gemini's TTS models answer it: the request's text spoken in the voice
// its speechConfig names (each Live voice name maps to its own espeak-ng variant, see voices.ts), returned as
// base64 PCM16 24 kHz mono in `inlineData` with mimeType `audio/L16;codec=pcm;rate=24000`. Deterministic: the
// same text and voice give the same samples.
import { DOWNLINK_SAMPLE_RATE_HZ } from '../../shared/constants.js';
import { type SpeechSynthesizer, SpeechSynthesizer as Synthesizer } from './tts.js';
import { AUDIO_TOKENS_PER_SECOND, textTokensFor } from './usage.js';
import { DEFAULT_VOICE_NAME } from './voices.js';

export const TTS_MIME_TYPE = `audio/L16;codec=pcm;rate=${DOWNLINK_SAMPLE_RATE_HZ}`;
/** Gemini bills TTS output at 25 audio tokens per second. */
/** Longer than any MC line; a bigger request is refused like the real model's input limit would. */
const MAX_TTS_TEXT_CHARS = 4_000;

export interface TtsRequestBody {
  contents?: { parts?: { text?: unknown }[] }[];
  generationConfig?: {
    responseModalities?: unknown;
    speechConfig?: { voiceConfig?: { prebuiltVoiceConfig?: { voiceName?: unknown } } };
  };
}

/** A TTS call: a model named like one (`…-tts`), or a request that asks for AUDIO out. */
export function isTtsRequest(model: string, body: TtsRequestBody): boolean {
  if (/tts/i.test(model.split(';')[0] ?? '')) return true;
  const modalities = body.generationConfig?.responseModalities;
  return Array.isArray(modalities) && modalities.some((value) => String(value).toUpperCase() === 'AUDIO');
}

export function ttsVoiceName(body: TtsRequestBody): string {
  const name = body.generationConfig?.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName;
  return typeof name === 'string' && name ? name : DEFAULT_VOICE_NAME;
}

export type TtsAnswer = { ok: true; json: unknown } | { ok: false; status: number; message: string };

/** Synthesizes `text` and builds the GenerateContentResponse; `malformed` answers text where audio belongs. */
export async function ttsAnswer(
  synthesizer: SpeechSynthesizer,
  model: string,
  text: string,
  voiceName: string,
  malformed: boolean,
): Promise<TtsAnswer> {
  if (!text.trim()) return { ok: false, status: 400, message: 'The TTS model needs some text to speak.' };
  if (text.length > MAX_TTS_TEXT_CHARS) {
    return { ok: false, status: 400, message: `The text to speak is over ${MAX_TTS_TEXT_CHARS} characters.` };
  }
  const promptTokenCount = textTokensFor(text);
  if (malformed)
    return { ok: true, json: response(model, [{ text: 'I would rather not say that.' }], promptTokenCount, 0) };
  let pcm: Buffer;
  try {
    pcm = await synthesizer.speak(text, voiceName);
  } catch (error) {
    return {
      ok: false,
      status: 500,
      message: `Speech synthesis failed: ${error instanceof Error ? error.message : error}`,
    };
  }
  const seconds = pcm.byteLength / 2 / DOWNLINK_SAMPLE_RATE_HZ;
  const audioTokens = Math.ceil(seconds * AUDIO_TOKENS_PER_SECOND);
  const parts = [{ inlineData: { mimeType: TTS_MIME_TYPE, data: pcm.toString('base64') } }];
  return { ok: true, json: response(model, parts, promptTokenCount, audioTokens) };
}

function response(model: string, parts: unknown[], promptTokenCount: number, audioTokens: number) {
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: {
      promptTokenCount,
      candidatesTokenCount: audioTokens,
      totalTokenCount: promptTokenCount + audioTokens,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokenCount }],
      candidatesTokensDetails: [{ modality: 'AUDIO', tokenCount: audioTokens }],
    },
    modelVersion: model.split(';')[0],
    responseId: `emu-tts-${audioTokens.toString(36)}-${promptTokenCount.toString(36)}`,
  };
}

let shared: SpeechSynthesizer | undefined;

/**
 * The synthesizer for callers that were given none (its worker is unref'd while idle, so it never holds the
 * process open). The emulator server passes its own, so the Live replies and TTS share one espeak-ng worker.
 */
export function sharedSynthesizer(): SpeechSynthesizer {
  shared ??= new Synthesizer();
  return shared;
}
