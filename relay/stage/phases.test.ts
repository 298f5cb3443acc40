import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { gameOrDefault } from '../../shared/games.js';
import {
  ALLOWED_PHASE_TRANSITIONS,
  endScene,
  isSceneLine,
  MIN_LINE_AUDIO_MS,
  type PhaseChange,
  partnerSystemInstruction,
  phaseAt,
  playerTurnsLeft,
  recordPlayerTurn,
  resolveTurnBudget,
  type SceneState,
  STAGE_DIRECTION_PREFIX,
  stageDirection,
  stageDirectionContent,
  startScene,
} from './phases.js';
import { drawSuggestion } from './suggestion.js';

function playTurns(state: SceneState, count: number): { state: SceneState; changes: PhaseChange[] } {
  const changes: PhaseChange[] = [];
  let current = state;
  for (let turn = 0; turn < count; turn++) {
    const step = recordPlayerTurn(current);
    if (step.change) changes.push(step.change);
    current = step.state;
  }
  return { state: current, changes };
}

describe('scene phases', () => {
  it('defaults: support for 5 player turns, fallible until 13, closing until 15, then ended', () => {
    const scene = startScene();
    expect(scene).toMatchObject({ phase: 'support', playerTurns: 0 });
    expect(scene.budget).toEqual({ fallibleAfterPlayerTurns: 5, maxPlayerTurns: 15, closingPlayerTurns: 2 });
    const phases = Array.from({ length: 17 }, (_, turns) => phaseAt(turns, scene.budget));
    expect(phases).toEqual([
      ...Array(5).fill('support'),
      ...Array(8).fill('fallible'),
      'closing',
      'closing',
      'ended',
      'ended',
    ]);
    const { state, changes } = playTurns(scene, 15);
    expect(state.phase).toBe('ended');
    expect(changes).toEqual([
      { from: 'support', to: 'fallible', atPlayerTurn: 5 },
      { from: 'fallible', to: 'closing', atPlayerTurn: 13 },
      { from: 'closing', to: 'ended', atPlayerTurn: 15 },
    ]);
  });

  it('honours a configured budget, and skips fallible when the budget leaves no room', () => {
    const { changes } = playTurns(
      startScene({ fallibleAfterPlayerTurns: 2, maxPlayerTurns: 6, closingPlayerTurns: 1 }),
      6,
    );
    expect(changes.map((change) => [change.to, change.atPlayerTurn])).toEqual([
      ['fallible', 2],
      ['closing', 5],
      ['ended', 6],
    ]);
    const short = playTurns(startScene({ fallibleAfterPlayerTurns: 5, maxPlayerTurns: 4, closingPlayerTurns: 2 }), 4);
    expect(short.changes.map((change) => `${change.from}>${change.to}`)).toEqual(['support>closing', 'closing>ended']);
  });

  it('counts no turns after the end, and can end early from any live phase', () => {
    const ended = playTurns(startScene({ maxPlayerTurns: 3, closingPlayerTurns: 1 }), 3).state;
    const after = recordPlayerTurn(ended);
    expect(after.change).toBeNull();
    expect(after.state.playerTurns).toBe(3);
    expect(playerTurnsLeft(ended)).toBe(0);

    const early = endScene(playTurns(startScene(), 6).state);
    expect(early.change).toEqual({ from: 'fallible', to: 'ended', atPlayerTurn: 6 });
    expect(endScene(early.state).change).toBeNull();
  });

  it('only makes transitions from the allowed table', () => {
    for (const budget of [{}, { fallibleAfterPlayerTurns: 0 }, { maxPlayerTurns: 2, closingPlayerTurns: 1 }]) {
      for (const { from, to } of playTurns(startScene(budget), 30).changes) {
        expect(ALLOWED_PHASE_TRANSITIONS[from]).toContain(to);
      }
    }
    expect(ALLOWED_PHASE_TRANSITIONS.ended).toEqual([]);
  });

  it('rejects an impossible budget with a typed error', () => {
    expect(() => resolveTurnBudget({ maxPlayerTurns: 3, closingPlayerTurns: 3 })).toThrow(AppError);
    expect(() => resolveTurnBudget({ maxPlayerTurns: 0 })).toThrow(AppError);
  });
});

describe('partner instructions', () => {
  const game = gameOrDefault('questions-only');
  const suggestion = drawSuggestion(game, 11);

  it('carries the game rules, the suggestion and the phase', () => {
    const support = partnerSystemInstruction(game, suggestion, 'support');
    expect(support).toContain(game.partnerRules);
    for (const part of [suggestion.location, suggestion.relationship, suggestion.object])
      expect(support).toContain(part);
    expect(support).toContain('accept and build on every offer');
    const fallible = partnerSystemInstruction(game, suggestion, 'fallible');
    expect(fallible).toContain('honest, human mistake');
    // The game's own kind of mistake replaces the generic one.
    expect(fallible).toContain(game.partnerMistakes!);
    expect(partnerSystemInstruction(game, suggestion, 'closing')).toContain('near its end');
  });

  it('gives a stage direction for each phase change, sent as client content without turnComplete', () => {
    const budget = resolveTurnBudget();
    const toFallible = stageDirection(game, { from: 'support', to: 'fallible', atPlayerTurn: 5 }, budget)!;
    expect(toFallible.startsWith(STAGE_DIRECTION_PREFIX)).toBe(true);
    expect(toFallible).toContain('mistake');
    const toClosing = stageDirection(game, { from: 'fallible', to: 'closing', atPlayerTurn: 13 }, budget)!;
    expect(toClosing).toContain('About 2 player turns left.');
    expect(stageDirection(game, { from: 'closing', to: 'ended', atPlayerTurn: 15 }, budget)).toContain('over');
    expect(stageDirectionContent(toClosing)).toEqual({
      turns: [{ role: 'user', parts: [{ text: toClosing }] }],
      turnComplete: false,
    });
  });

  it('counts an utterance as a line only when it has room for a word beyond pre-roll and hangover', () => {
    expect(isSceneLine(30)).toBe(false);
    expect(isSceneLine(Math.ceil(MIN_LINE_AUDIO_MS / 20))).toBe(true);
    expect(isSceneLine(150)).toBe(true);
  });
});
