// The MC's voice: one text-to-speech call through the same @google/genai client as the audience and the coach
// (Gemini's TTS models answer generateContent with base64 PCM16 in inlineData; the emulator serves the same shape
// offline). Never throws and never hangs: a failed, slow or odd reply comes back as { ok: false, reason } and the
// MC's line stays a text-only transcript entry.
import { ApiError, type GoogleGenAI } from '@google/genai';
import { DOWNLINK_SAMPLE_RATE_HZ } from '../../shared/constants.js';
import { DEFAULT_TTS_MODEL } from '../live/models.js';
import { callDeadline } from './call-deadline.js';

export { DEFAULT_TTS_MODEL } from '../live/models.js';
/** The intro is synthesized while the upstream connects; past this the scene starts with the MC's text alone. */
export const DEFAULT_MC_VOICE_TIMEOUT_MS = 8_000;
/** Gemini TTS answers PCM16 24 kHz mono; a rate the mimeType does not name is taken as this. */
const DEFAULT_TTS_RATE_HZ = 24_000;

/** GEMINI_TTS_MODEL, or the default; `off` (or `none`) keeps the MC text only. */
export function ttsModelFromEnv(env: Record<string, string | undefined> = process.env): string | null {
  const value = env.GEMINI_TTS_MODEL?.trim();
  if (!value) return DEFAULT_TTS_MODEL;
  return ['off', 'none'].includes(value.toLowerCase()) ? null : value;
}

export interface McVoiceOptions {
  model: string;
  /** A Live prebuilt voice name (the MC's, not the partner's). */
  voiceName: string;
  timeoutMs?: number;
  /** Aborts the call (the session closed); reported as a failure like any other. */
  signal?: AbortSignal;
}

/** PCM16 LE mono at DOWNLINK_SAMPLE_RATE_HZ, ready for the downlink's 20 ms framer. */
export type McSpeech = { ok: true; pcm: Uint8Array; durationMs: number } | { ok: false; reason: string };

export async function synthesizeMcSpeech(ai: GoogleGenAI, text: string, options: McVoiceOptions): Promise<McSpeech> {
  if (!text.trim()) return { ok: false, reason: 'nothing to say' };
  const timeoutMs = options.timeoutMs ?? DEFAULT_MC_VOICE_TIMEOUT_MS;
  const deadline = callDeadline(timeoutMs, options.signal);
  let inline: { data?: string; mimeType?: string } | undefined;
  try {
    const response = await ai.models.generateContent({
      model: options.model,
      contents: text,
      config: {
        responseModalities: ['AUDIO'],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: options.voiceName } } },
        abortSignal: deadline.signal,
      },
    });
    inline = response.candidates?.[0]?.content?.parts?.find((part) => part.inlineData?.data)?.inlineData;
  } catch (error) {
    if (deadline.timedOut) return { ok: false, reason: `the TTS model did not answer within ${timeoutMs} ms` };
    if (deadline.cancelled) return { ok: false, reason: 'the call was cancelled' };
    if (error instanceof ApiError) return { ok: false, reason: `the TTS model failed (HTTP ${error.status})` };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `the TTS model could not be reached (${message.slice(0, 200)})` };
  } finally {
    deadline.dispose();
  }
  if (!inline?.data) return { ok: false, reason: 'the TTS model returned no audio' };
  const format = parsePcmMimeType(inline.mimeType);
  if (!format)
    return { ok: false, reason: `the TTS model returned ${inline.mimeType ?? 'audio of no type'}, not PCM16` };
  const raw = Buffer.from(inline.data, 'base64');
  // A copy: a pooled Buffer may start at an odd offset, which an Int16Array view cannot.
  const bytes = new Uint8Array(raw.byteLength & ~1);
  bytes.set(raw.subarray(0, bytes.byteLength));
  const samples = new Int16Array(bytes.buffer);
  const pcm = toBytes(resampleLinear(samples, format.sampleRateHz, DOWNLINK_SAMPLE_RATE_HZ));
  if (pcm.byteLength === 0) return { ok: false, reason: 'the TTS model returned empty audio' };
  return { ok: true, pcm, durationMs: (pcm.byteLength / 2 / DOWNLINK_SAMPLE_RATE_HZ) * 1000 };
}

/** Speech kept per client for lines every scene shares ("Welcome to Improv Olympics Live!", the outro's tail). */
const SPEECH_CACHE_MAX_BYTES = 16 * 1024 * 1024;
/** Only short pieces are worth keeping: a scene's own suggestion and rules are rarely said twice. */
const SPEECH_CACHE_MAX_PIECE_BYTES = 512 * 1024;

interface SpeechCache {
  entries: Map<string, Extract<McSpeech, { ok: true }>>;
  bytes: number;
}
const speechCaches = new WeakMap<GoogleGenAI, SpeechCache>();

/**
 * synthesizeMcSpeech with a per-client cache (LRU, bounded in bytes): the first piece of every intro is the same
 * sentence in the same voice, so after the first scene on this relay it costs no request and no wait.
 */
export async function synthesizeMcSpeechCached(
  ai: GoogleGenAI,
  text: string,
  options: McVoiceOptions,
): Promise<McSpeech> {
  let cache = speechCaches.get(ai);
  if (!cache) {
    cache = { entries: new Map(), bytes: 0 };
    speechCaches.set(ai, cache);
  }
  const key = `${options.model}|${options.voiceName}|${text}`;
  const hit = cache.entries.get(key);
  if (hit) {
    cache.entries.delete(key);
    cache.entries.set(key, hit);
    return hit;
  }
  const speech = await synthesizeMcSpeech(ai, text, options);
  if (speech.ok && speech.pcm.byteLength <= SPEECH_CACHE_MAX_PIECE_BYTES && !cache.entries.has(key)) {
    cache.entries.set(key, speech);
    cache.bytes += speech.pcm.byteLength;
    for (const [oldKey, old] of cache.entries) {
      if (cache.bytes <= SPEECH_CACHE_MAX_BYTES) break;
      cache.entries.delete(oldKey);
      cache.bytes -= old.pcm.byteLength;
    }
  }
  return speech;
}

/** A line is synthesized in at most this many requests (Gemini TTS is not streamed: one request, one clip). */
export const MAX_SPEECH_CHUNKS = 4;

/**
 * The line cut at sentence ends for synthesis: the first sentence comes back fast and starts playing while the
 * rest are synthesized (concurrently). At most `maxChunks` pieces; the tail sentences share the last one.
 */
export function splitForSpeech(text: string, maxChunks = MAX_SPEECH_CHUNKS): string[] {
  const sentences = text
    .trim()
    .split(/(?<=[.!?]["”’)]?)\s+(?=["“]?[A-Z0-9])/)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
  if (sentences.length <= maxChunks) return sentences;
  return [...sentences.slice(0, maxChunks - 1), sentences.slice(maxChunks - 1).join(' ')];
}

/**
 * `audio/L16;codec=pcm;rate=24000` (what Gemini TTS sends) or `audio/pcm;rate=…` → its rate; anything else
 * (wav, mp3, a missing type) → null, since the downlink encodes raw PCM16 only.
 */
export function parsePcmMimeType(mimeType: string | undefined): { sampleRateHz: number } | null {
  if (!mimeType) return null;
  const [type, ...params] = mimeType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'audio/l16' && type !== 'audio/pcm') return null;
  const rate = params.find((param) => param.startsWith('rate='))?.slice('rate='.length);
  const sampleRateHz = rate === undefined ? DEFAULT_TTS_RATE_HZ : Number(rate);
  return Number.isInteger(sampleRateHz) && sampleRateHz >= 8_000 && sampleRateHz <= 48_000 ? { sampleRateHz } : null;
}

/** Speech is band-limited well below either Nyquist rate, so linear interpolation is enough here. */
function resampleLinear(samples: Int16Array, fromHz: number, toHz: number): Int16Array {
  if (fromHz === toHz) return samples;
  const out = new Int16Array(Math.floor((samples.length * toHz) / fromHz));
  const step = fromHz / toHz;
  for (let index = 0; index < out.length; index++) {
    const position = index * step;
    const base = Math.floor(position);
    const a = samples[base] ?? 0;
    const b = samples[base + 1] ?? a;
    out[index] = Math.round(a + (b - a) * (position - base));
  }
  return out;
}

function toBytes(samples: Int16Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}
