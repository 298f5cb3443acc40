// A scene's arc as a pure state machine over completed player turns:
//   support (generous yes-and) → fallible (the partner makes honest mistakes to justify) → closing → ended.
// Plus the partner's system instruction for (game, suggestion, phase), and the mid-session stage direction
// the relay sends as Live client content (turnComplete: false) when the phase changes.
import type { LiveSendClientContentParameters } from '@google/genai';
import { z } from 'zod';
import type { PartnerPersona } from '../../shared/cast.js';
import { AppError } from '../../shared/errors.js';
import type { Game } from '../../shared/games.js';
import type { ScenePhase, Suggestion } from '../../shared/stage.js';

export type { ScenePhase };

/** Every transition the machine may make; anything else is a bug. */
export const ALLOWED_PHASE_TRANSITIONS: Readonly<Record<ScenePhase, readonly ScenePhase[]>> = {
  // support → closing directly when a short budget leaves no room for the fallible phase.
  support: ['fallible', 'closing', 'ended'],
  fallible: ['closing', 'ended'],
  closing: ['ended'],
  ended: [],
};

export const TurnBudget = z
  .object({
    /** After this many player turns the partner starts making honest mistakes. */
    fallibleAfterPlayerTurns: z.number().int().min(0).default(5),
    /** The scene ends after this many player turns. */
    maxPlayerTurns: z.number().int().min(1).max(200).default(15),
    /** The last this-many player turns are the closing phase. */
    closingPlayerTurns: z.number().int().min(0).default(2),
  })
  .refine((budget) => budget.closingPlayerTurns < budget.maxPlayerTurns, {
    message: 'closingPlayerTurns must be smaller than maxPlayerTurns',
  });
export type TurnBudget = z.infer<typeof TurnBudget>;

export interface SceneState {
  readonly phase: ScenePhase;
  /** Completed player turns (utterances the partner answered or will answer). */
  readonly playerTurns: number;
  readonly budget: TurnBudget;
}

export interface PhaseChange {
  from: ScenePhase;
  to: ScenePhase;
  /** Player turns completed when the change happened. */
  atPlayerTurn: number;
}

export interface SceneStep {
  state: SceneState;
  /** Set when this step changed the phase: the relay then sends `stageDirection(...)` upstream. */
  change: PhaseChange | null;
}

/** Defaults: fallible after 5 player turns, 15 player turns in all, the last 2 of them closing. */
export function resolveTurnBudget(overrides: Partial<TurnBudget> = {}): TurnBudget {
  const result = TurnBudget.safeParse(overrides);
  if (!result.success) {
    throw new AppError(
      'internal',
      `Invalid scene turn budget: ${result.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return result.data;
}

export function startScene(overrides: Partial<TurnBudget> = {}): SceneState {
  const budget = resolveTurnBudget(overrides);
  return { phase: phaseAt(0, budget), playerTurns: 0, budget };
}

/** The phase after `playerTurns` completed player turns. */
export function phaseAt(playerTurns: number, budget: TurnBudget): ScenePhase {
  if (playerTurns >= budget.maxPlayerTurns) return 'ended';
  if (playerTurns >= budget.maxPlayerTurns - budget.closingPlayerTurns) return 'closing';
  if (playerTurns >= budget.fallibleAfterPlayerTurns) return 'fallible';
  return 'support';
}

/**
 * One definition of a line, used by the turn count the stage, the MC, the coach and History show: an utterance
 * with room for a word in it. The client sends ~0.4 s of pre-roll and ~0.6 s of hangover around any speech, so
 * an utterance under this much audio is a fragment (a cough, a start cut off), answered but not counted.
 */
export const MIN_LINE_AUDIO_MS = 1_300;
const FRAME_MS = 20;

export function isSceneLine(frameCount: number): boolean {
  return frameCount * FRAME_MS >= MIN_LINE_AUDIO_MS;
}

/** A player turn completed. After the scene ended, turns are not counted (the relay should not forward them). */
export function recordPlayerTurn(state: SceneState): SceneStep {
  if (state.phase === 'ended') return { state, change: null };
  const playerTurns = state.playerTurns + 1;
  return moveTo({ ...state, playerTurns }, phaseAt(playerTurns, state.budget));
}

/** The player (or the relay) ended the scene early. */
export function endScene(state: SceneState): SceneStep {
  return moveTo(state, 'ended');
}

export function playerTurnsLeft(state: SceneState): number {
  return Math.max(0, state.budget.maxPlayerTurns - state.playerTurns);
}

function moveTo(state: SceneState, phase: ScenePhase): SceneStep {
  if (phase === state.phase) return { state, change: null };
  if (!ALLOWED_PHASE_TRANSITIONS[state.phase].includes(phase)) {
    throw new AppError('internal', `Scene phase cannot go from ${state.phase} to ${phase}.`, 500);
  }
  return {
    state: { ...state, phase },
    change: { from: state.phase, to: phase, atPlayerTurn: state.playerTurns },
  };
}

// ---- what the partner is told -------------------------------------------------------------------

/** Lines in the session that start with this come from the director, never from the player. */
export const STAGE_DIRECTION_PREFIX = '[Stage direction]';

const GENERIC_MISTAKES =
  'misremember a detail the scene already established, mix up a name, or make a small wrong assumption about the situation';

function phaseGuidance(game: Game, phase: ScenePhase): string {
  switch (phase) {
    case 'support':
      return (
        'Be a generous partner: accept and build on every offer the player makes ("yes, and"), make the player look good, ' +
        'and add one specific detail each turn.'
      );
    case 'fallible':
      return (
        'Keep supporting, but about one turn in three make an honest, human mistake in character: ' +
        `${game.partnerMistakes ?? GENERIC_MISTAKES}. Commit to it and never correct it yourself; let the player justify ` +
        'and heighten it, and accept their justification fully.'
      );
    case 'closing':
      return (
        'The scene is near its end: introduce no new plot, heighten what the scene is about to its peak, and steer toward ' +
        'a satisfying final line (a button) within the next one or two turns.'
      );
    case 'ended':
      return 'The scene is over. If you speak again, give one short closing line in character and then stop.';
  }
}

/** The partner's system instruction for a game, its suggestion, and the phase the scene is in. */
export function partnerSystemInstruction(
  game: Game,
  suggestion: Suggestion,
  phase: ScenePhase,
  persona?: PartnerPersona,
): string {
  return [
    `You are the player's scene partner in a live, spoken improv show. The game is "${game.name}": ${game.pitch}`,
    ...(persona ? [`Your stage persona: ${persona.instruction}`] : []),
    `Game rules you play by and gently enforce: ${game.partnerRules}`,
    `The audience's suggestion: you two are ${suggestion.relationship}, at ${suggestion.location}, and somewhere in ` +
      `this scene there is ${suggestion.object}.`,
    'Speak like a performer on stage: one or two short spoken sentences per turn, in character, no narration, no ' +
      'lists, never read rules or directions aloud, and never mention being an AI.',
    `Right now: ${phaseGuidance(game, phase)}`,
    `Messages that start with "${STAGE_DIRECTION_PREFIX}" come from the director, not the player: follow them from ` +
      'your next line on, silently.',
  ].join('\n');
}

/** The director's note for a phase change, or null when there is nothing to tell the partner. */
export function stageDirection(game: Game, change: PhaseChange, budget: TurnBudget): string | null {
  if (change.to === change.from || change.to === 'support') return null;
  const turnsLeft = Math.max(0, budget.maxPlayerTurns - change.atPlayerTurn);
  const context = change.to === 'closing' ? ` About ${turnsLeft} player turn${turnsLeft === 1 ? '' : 's'} left.` : '';
  return `${STAGE_DIRECTION_PREFIX}${context} ${phaseGuidance(game, change.to)}`;
}

/** The Live client-content message carrying a stage direction: added to context, no reply forced. */
export function stageDirectionContent(text: string): LiveSendClientContentParameters {
  return { turns: [{ role: 'user', parts: [{ text }] }], turnComplete: false };
}
