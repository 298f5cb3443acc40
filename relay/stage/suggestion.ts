// The audience's suggestion (location, relationship, object), drawn from the game's own lists.
// Deterministic per seed so a scene can be replayed and tests can pin it; re-rollable as a whole or per field.
import type { Game } from '../../shared/games.js';

export type SuggestionField = 'location' | 'relationship' | 'object';
export const SUGGESTION_FIELDS: readonly SuggestionField[] = ['location', 'relationship', 'object'];

export interface Suggestion {
  location: string;
  relationship: string;
  object: string;
  /** The seed this suggestion was drawn with; a re-roll continues from it. */
  seed: number;
}

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

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
