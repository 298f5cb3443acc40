import { describe, expect, it } from 'vitest';
import { GAMES, gameOrDefault } from '../../shared/games.js';
import { drawSuggestion, rerollSuggestion, SUGGESTION_FIELDS } from './suggestion.js';

describe('suggestion', () => {
  const game = gameOrDefault('party-quirks');

  it('is the same for the same game and seed, and drawn from that game’s lists', () => {
    for (const seed of [0, 1, 42, 0xffff_ffff]) {
      const first = drawSuggestion(game, seed);
      expect(drawSuggestion(game, seed)).toEqual(first);
      expect(game.suggestionPrompts.locations).toContain(first.location);
      expect(game.suggestionPrompts.relationships).toContain(first.relationship);
      expect(game.suggestionPrompts.objects).toContain(first.object);
    }
  });

  it('varies with the seed and covers each list', () => {
    const objects = new Set<string>();
    for (let seed = 0; seed < 200; seed++) objects.add(drawSuggestion(game, seed).object);
    expect(objects.size).toBe(game.suggestionPrompts.objects.length);
  });

  it('pins a known value, so a change to the generator is noticed', () => {
    // If this fails, saved scenes replayed by seed would get a different suggestion.
    expect(drawSuggestion(GAMES[0]!, 7)).toEqual({
      location: 'a haunted bakery',
      relationship: 'rival beekeepers',
      object: 'a rubber chicken',
      seed: 7,
    });
  });

  it('re-rolls deterministically to something different, also one field at a time', () => {
    for (const candidate of GAMES) {
      let current = drawSuggestion(candidate, 3);
      for (let roll = 0; roll < 20; roll++) {
        const next = rerollSuggestion(candidate, current);
        expect(next).toEqual(rerollSuggestion(candidate, current));
        expect(SUGGESTION_FIELDS.some((field) => next[field] !== current[field])).toBe(true);
        current = next;
      }
      for (const field of SUGGESTION_FIELDS) {
        const next = rerollSuggestion(candidate, current, field);
        expect(next[field]).not.toBe(current[field]);
        for (const other of SUGGESTION_FIELDS.filter((name) => name !== field))
          expect(next[other]).toBe(current[other]);
      }
    }
  });
});
