// Which crowd sound an audience reaction gets, how strong and how loud, and how far the crowd ducks
// under the partner. Pure, so the choices are unit-tested without an AudioContext.

export type CrowdSoundKind = 'laughter' | 'chuckle' | 'applause' | 'murmur' | 'groan' | 'crickets';

export interface CrowdSoundSpec {
  kind: CrowdSoundKind;
  /** 0..1: how many voices/clappers and how long; 0 is a single clapper or a lone chuckle. */
  intensity: number;
  /** Linear peak of the rendered sound, before ducking; never above MAX_CROWD_GAIN. */
  gain: number;
}

/** -14 dBFS peak at most: the room sits well under the partner's voice, which peaks near full scale. */
export const MAX_CROWD_GAIN = 0.2;
/** While the partner or the MC talks the crowd drops a further ~10 dB, so every word stays clear. */
export const DUCKED_LEVEL = 0.3;
/** Turning the setting off fades to silence within this; sources are stopped right after. */
export const CROWD_FADE_OUT_MS = 100;

// Dense sounds (many clappers, a chirp in the ear's most sensitive band) read louder at the same peak.
const KIND_LEVEL: Record<CrowdSoundKind, number> = {
  laughter: 1,
  chuckle: 0.85,
  applause: 0.7,
  murmur: 0.8,
  groan: 0.9,
  crickets: 0.35,
};

/** The reaction text wins when it names a sound ("*groans*", "*scattered applause*"); checked in order. */
const TEXT_CUES: readonly (readonly [RegExp, CrowdSoundKind])[] = [
  [/cricket|silence/i, 'crickets'],
  [/applau|clap|cheer|bravo|\bwo{2,}/i, 'applause'],
  [/groan|\baw+\b|\bboo+\b|sigh|\bugh\b|\boof\b/i, 'groan'],
  [/chuckl|giggl|titter|snicker|snort/i, 'chuckle'],
  [/laugh|\bha(ha)*\b|\bhah\b|howl/i, 'laughter'],
  [/\bo+h+\b|\bah+\b|\bhm+\b|murmur|mutter|whisper|gasp|\bwow\b|cough/i, 'murmur'],
];

/** A lone clapper is a joke about silence, not applause: keep it to one pair of hands. */
const LONE_CLAPPER = /\b(one|a single|lone)\b[^*]*\bclap/i;

function clamp01(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.max(0, Math.min(1, value));
}

/** The sound for a sentiment alone: strong positive laughs, mild positive chuckles, near zero murmurs, negative groans. */
export function kindForSentiment(sentiment: number): CrowdSoundKind {
  const value = Number.isFinite(sentiment) ? sentiment : 0;
  if (value >= 0.25) return 'laughter';
  if (value >= 0.05) return 'chuckle';
  if (value > -0.25) return 'murmur';
  return 'groan';
}

/** Strength grows with |sentiment|; even a neutral reaction is faintly audible. */
export function intensityForSentiment(sentiment: number): number {
  return clamp01(0.15 + 0.85 * Math.abs(Number.isFinite(sentiment) ? sentiment : 0));
}

export function gainFor(kind: CrowdSoundKind, intensity: number): number {
  return MAX_CROWD_GAIN * KIND_LEVEL[kind] * (0.35 + 0.65 * clamp01(intensity));
}

export function chooseCrowdSound(reaction: { sentiment: number; reaction?: string }): CrowdSoundSpec {
  const text = reaction.reaction ?? '';
  const cue = TEXT_CUES.find(([pattern]) => pattern.test(text))?.[1];
  const kind = cue ?? kindForSentiment(reaction.sentiment);
  let intensity = intensityForSentiment(reaction.sentiment);
  if (kind === 'applause' && LONE_CLAPPER.test(text)) intensity = 0;
  // A positive sound for a negative score (or the reverse) is the text's call, but played small.
  else if (cue && Math.sign(reaction.sentiment) !== 0 && isPositive(kind) !== reaction.sentiment > 0) {
    intensity = Math.min(intensity, 0.3);
  }
  return { kind, intensity, gain: gainFor(kind, intensity) };
}

function isPositive(kind: CrowdSoundKind): boolean {
  return kind === 'laughter' || kind === 'chuckle' || kind === 'applause';
}

/** The crowd bus level (0..1): silent when off, ducked while the partner or the MC is speaking. */
export function crowdBusLevel(state: { enabled: boolean; partnerSpeaking: boolean }): number {
  if (!state.enabled) return 0;
  return state.partnerSpeaking ? DUCKED_LEVEL : 1;
}

/**
 * Time constant (s) for setTargetAtTime towards a new bus level. Off must be silent within
 * CROWD_FADE_OUT_MS (5 time constants is -43 dB); ducking down is quick so the partner's first word is
 * clear; coming back up is slow so the room swells rather than jumps.
 */
export function crowdRampTimeConstantS(fromLevel: number, toLevel: number): number {
  if (toLevel === 0) return CROWD_FADE_OUT_MS / 1000 / 5;
  return toLevel < fromLevel ? 0.04 : 0.25;
}
