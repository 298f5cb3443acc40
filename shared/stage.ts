// The improv stage's wire-relevant shapes: the audience's suggestion (and how to draw it), the scene's phase,
// the room's reaction and the coach's report. Shared because the relay produces them and the client draws
// suggestions locally (so "re-roll" needs no round trip) and renders the rest.
import { z } from 'zod';
import { type Game, Principle } from './games.js';

// ---- suggestion -----------------------------------------------------------------------------------

export const SuggestionField = z.enum(['location', 'relationship', 'object']);
export type SuggestionField = z.infer<typeof SuggestionField>;
export const SUGGESTION_FIELDS: readonly SuggestionField[] = SuggestionField.options;

const suggestionText = z.string().trim().min(1).max(80);

export const Suggestion = z.object({
  location: suggestionText,
  relationship: suggestionText,
  object: suggestionText,
  /** The seed this suggestion was drawn with; a re-roll continues from it. */
  seed: z.number().int().min(0).max(0xffff_ffff),
});
export type Suggestion = z.infer<typeof Suggestion>;

const LIST_OF: Record<SuggestionField, keyof Game['suggestionPrompts']> = {
  location: 'locations',
  relationship: 'relationships',
  object: 'objects',
};

/** Same (game, seed) → same suggestion, on every machine. */
export function drawSuggestion(game: Game, seed: number): Suggestion {
  const seed32 = seed >>> 0;
  const draw = (field: SuggestionField) => pick(game.suggestionPrompts[LIST_OF[field]], game.id, seed32, field);
  return {
    location: draw('location'),
    relationship: draw('relationship'),
    object: draw('object'),
    seed: seed32,
  };
}

/**
 * The next suggestion after `previous`: deterministic, and never identical to it. With `field`, only that
 * field changes (to a different value; the catalog guarantees ≥ 4 options per list) and the others stay.
 */
export function rerollSuggestion(game: Game, previous: Suggestion, field?: SuggestionField): Suggestion {
  // Bounded: each step is a fresh draw, so a repeat 64 times in a row cannot happen with ≥ 4 options.
  for (let step = 1; step <= 64; step++) {
    const next = drawSuggestion(game, previous.seed + step);
    if (field) {
      if (next[field] !== previous[field]) return { ...previous, [field]: next[field], seed: next.seed };
    } else if (SUGGESTION_FIELDS.some((name) => next[name] !== previous[name])) {
      return next;
    }
  }
  return drawSuggestion(game, previous.seed + 65);
}

/**
 * True when every field comes from the game's own lists. The relay should check this before a client's
 * suggestion goes into the partner's instructions: free text from a client there would be a prompt injection.
 */
export function isCatalogSuggestion(game: Game, suggestion: Suggestion): boolean {
  return SUGGESTION_FIELDS.every((field) => game.suggestionPrompts[LIST_OF[field]].includes(suggestion[field]));
}

/** A fresh seed for a new scene (not cryptographic: it only varies the suggestion). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x1_0000_0000);
}

function pick(options: readonly string[], gameId: string, seed: number, field: SuggestionField): string {
  // Each field gets its own stream so re-rolling one field's seed does not correlate the others.
  const random = mulberry32(hash32(`${gameId}:${field}:${seed}`));
  return options[Math.floor(random() * options.length)]!;
}

/** FNV-1a, 32 bit. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A small, fast, seedable PRNG returning [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

// ---- phase, audience ------------------------------------------------------------------------------

export const ScenePhase = z.enum(['support', 'fallible', 'closing', 'ended']);
export type ScenePhase = z.infer<typeof ScenePhase>;

/** -1 (groans, silence) … 1 (a roar). */
export const Sentiment = z.number().min(-1).max(1);

export const AudienceReaction = z.object({
  sentiment: Sentiment,
  /** What the crowd does, short: "*laughter*", "Ooooh!". */
  reaction: z.string().trim().min(1).max(60),
});
export type AudienceReaction = z.infer<typeof AudienceReaction>;

// ---- coach ----------------------------------------------------------------------------------------

const PrincipleScore = z.object({
  principle: Principle,
  // Models sometimes answer 3.5; a half point is not worth losing the whole review over.
  score: z.number().min(1).max(5).transform(Math.round),
  note: z.string().trim().max(400),
});

function principleScores(min: number) {
  return z
    .array(PrincipleScore)
    .min(min)
    .max(5)
    .refine((items) => new Set(items.map((item) => item.principle)).size === items.length, 'principles repeat');
}

const coachFields = {
  summary: z.string().trim().min(1).max(1500),
  strengths: z.array(z.object({ point: z.string().trim().min(1).max(400), quote: z.string().trim().max(600) })).max(4),
  tryNext: z.array(z.string().trim().min(1).max(400)).min(1).max(2),
};

/** What the coach model must return: at least one principle scored. */
export const CoachReport = z.object({ ...coachFields, principles: principleScores(1) });
export type CoachReport = z.infer<typeof CoachReport>;

/**
 * The report as the player gets it (coach.report, history). A fallback says why there is no real review in
 * `message` and carries no invented scores or quotes, so its lists may be empty.
 */
export const CoachFeedback = z.discriminatedUnion('source', [
  z.object({
    ...coachFields,
    principles: principleScores(1),
    source: z.literal('model'),
    message: z.string().max(400).optional(),
  }),
  z.object({
    ...coachFields,
    principles: principleScores(0),
    source: z.literal('fallback'),
    message: z.string().min(1).max(1000),
  }),
]);
export type CoachFeedback = z.infer<typeof CoachFeedback>;
