import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GAME_ID,
  DEFAULT_MC_VOICE,
  DEFAULT_PARTNER_VOICE,
  GAME_DATA,
  GAMES,
  GameCatalog,
  gameOrDefault,
  LIVE_VOICE_NAMES,
  Principle,
} from './games.js';

describe('game catalog', () => {
  it('validates, with at least 8 games and unique ids', () => {
    const result = GameCatalog.safeParse(GAME_DATA);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    expect(GAMES.length).toBeGreaterThanOrEqual(8);
    expect(new Set(GAMES.map((game) => game.id)).size).toBe(GAMES.length);
  });

  it('holds the short-form games the stage promises', () => {
    const names = GAMES.map((game) => game.name);
    for (const name of [
      'World’s Worst Advice',
      'Questions Only',
      'Alphabet Game',
      'Party Quirks',
      'Expert Interview',
      'Emotional Rollercoaster',
      'Genre Switch',
      '185',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('gives every game rules, skills, a length and enough suggestions to re-roll', () => {
    for (const game of GAMES) {
      expect(game.partnerRules.length, game.id).toBeGreaterThan(60);
      expect(game.mcRules.length, game.id).toBeGreaterThan(20);
      expect(game.skills.length, game.id).toBeGreaterThan(0);
      expect(game.typicalLength.playerTurns, game.id).toBeGreaterThanOrEqual(3);
      for (const list of Object.values(game.suggestionPrompts)) expect(list.length, game.id).toBeGreaterThanOrEqual(4);
    }
    // Across the catalog, every principle the coach scores is trained by some game.
    const trained = new Set(GAMES.flatMap((game) => game.skills));
    for (const principle of Principle.options) expect(trained).toContain(principle);
  });

  it('rejects a catalog with a duplicate id or a game without rules', () => {
    const first = GAME_DATA[0]!;
    expect(GameCatalog.safeParse([...GAME_DATA, first]).success).toBe(false);
    const noRules = GAME_DATA.map((game, index) => (index === 0 ? { ...game, partnerRules: '' } : game));
    expect(GameCatalog.safeParse(noRules).success).toBe(false);
    const noSkills = GAME_DATA.map((game, index) => (index === 0 ? { ...game, skills: [] } : game));
    expect(GameCatalog.safeParse(noSkills).success).toBe(false);
  });

  it('falls back to the default game for an unknown or missing id', () => {
    expect(gameOrDefault(undefined).id).toBe(DEFAULT_GAME_ID);
    expect(gameOrDefault('no-such-game').id).toBe(DEFAULT_GAME_ID);
    expect(gameOrDefault('party-quirks').id).toBe('party-quirks');
  });

  it('lists the Live voices, with distinct partner and MC defaults', () => {
    expect(LIVE_VOICE_NAMES).toHaveLength(8);
    expect(LIVE_VOICE_NAMES).toContain(DEFAULT_PARTNER_VOICE);
    expect(LIVE_VOICE_NAMES).toContain(DEFAULT_MC_VOICE);
    expect(DEFAULT_MC_VOICE).not.toBe(DEFAULT_PARTNER_VOICE);
  });
});
