// Gemini Live's prebuilt voice names mapped onto espeak-ng variants, so a partner configured with a
// different voice also sounds different offline.

export interface EspeakVoice {
  /** espeak-ng `-v` argument: language plus variant. */
  voice: string;
  /** espeak-ng `-p`, 0–99. */
  pitchPercent: number;
  /** espeak-ng `-s`. */
  wordsPerMinute: number;
}

/** Live's default when speechConfig names no voice. */
export const DEFAULT_VOICE_NAME = 'Puck';

const VOICES: Readonly<Record<string, EspeakVoice>> = {
  Puck: { voice: 'en-us+m3', pitchPercent: 60, wordsPerMinute: 175 },
  Charon: { voice: 'en-us+m1', pitchPercent: 30, wordsPerMinute: 150 },
  Kore: { voice: 'en-us+f2', pitchPercent: 55, wordsPerMinute: 165 },
  Fenrir: { voice: 'en-us+m7', pitchPercent: 40, wordsPerMinute: 180 },
  Aoede: { voice: 'en-gb+f4', pitchPercent: 65, wordsPerMinute: 160 },
  Leda: { voice: 'en-us+f5', pitchPercent: 70, wordsPerMinute: 170 },
  Orus: { voice: 'en-gb+m2', pitchPercent: 45, wordsPerMinute: 155 },
  Zephyr: { voice: 'en-us+f3', pitchPercent: 60, wordsPerMinute: 175 },
};

const FALLBACKS: readonly EspeakVoice[] = Object.values(VOICES);

/** Known names map to a fixed variant; any other name maps onto one of them by a stable hash. */
export function espeakVoiceFor(voiceName: string | undefined): EspeakVoice {
  const name = voiceName ?? DEFAULT_VOICE_NAME;
  const known = VOICES[name];
  if (known) return known;
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return FALLBACKS[hash % FALLBACKS.length]!;
}

export const KNOWN_VOICE_NAMES: readonly string[] = Object.keys(VOICES);
