import { describe, expect, it } from 'vitest';
import { GAMES } from '../../shared/games.js';
import { mcIntro, mcOutro } from './mc.js';
import { drawSuggestion } from './suggestion.js';

describe('MC', () => {
  it('opens every game with a welcome, its rules and the suggestion', () => {
    for (const game of GAMES) {
      const suggestion = drawSuggestion(game, 5);
      const intro = mcIntro(game, suggestion, { playerName: 'Sam' });
      expect(intro).toMatch(/^Welcome/);
      expect(intro).toContain(`Sam plays ${game.name}`);
      const rules = game.mcRules.replace(/[.!]+$/, '');
      expect(intro).toContain(rules.charAt(0).toLowerCase() + rules.slice(1));
      for (const part of [suggestion.location, suggestion.relationship, suggestion.object])
        expect(intro).toContain(part);
    }
  });

  it('closes with the turn count and a line that follows the room', () => {
    const game = GAMES[0]!;
    expect(mcOutro(game, { playerTurns: 12, audienceMood: 0.8 })).toContain('12 lines of');
    const early = mcOutro(game, { playerTurns: 1, endedEarly: true });
    expect(early).toContain(`1 line of ${game.name}, ended on your call.`);
    expect(early).not.toMatch(/cut short/i);
    expect(mcOutro(game, { playerTurns: 0, endedEarly: true })).toContain('ended before the first line');
    expect(mcOutro(game, { playerTurns: 3, audienceMood: 0.8 })).not.toBe(
      mcOutro(game, { playerTurns: 3, audienceMood: -0.8 }),
    );
  });
});
