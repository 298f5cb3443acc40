// What the MC says aloud: the intro (welcome, the game's rules in one breath, the suggestion) and the outro.
// Plain text, so the relay can voice it with any TTS path (a Live session with the MC voice, or the emulator).
import type { Game } from '../../shared/games.js';
import type { Suggestion } from './suggestion.js';

export interface McIntroOptions {
  /** How the MC addresses the player; "our player" when unknown. */
  playerName?: string;
}

export interface McOutroOptions {
  playerTurns: number;
  /** The player ended the scene before the turn budget ran out. */
  endedEarly?: boolean;
  /** Mean audience sentiment over the scene, in [-1, 1]; omitted when there were no reactions. */
  audienceMood?: number;
}

export function mcIntro(game: Game, suggestion: Suggestion, options: McIntroOptions = {}): string {
  const player = options.playerName?.trim() || 'our player';
  // Spoken, this runs ~15 s (welcome, the rules in one breath, the suggestion): every word costs the player a
  // wait before their first line (they can talk over it; the MC then stops).
  return [
    `Welcome to Improv Olympics Live! Tonight ${player} plays ${game.name}: ${lowerFirst(stripFinalPeriod(game.mcRules))}.`,
    `You two are ${suggestion.relationship} at ${suggestion.location}, with ${suggestion.object}.`,
    'Three, two, one... scene!',
  ].join(' ');
}

export function mcOutro(game: Game, options: McOutroOptions): string {
  const turns = `${options.playerTurns} line${options.playerTurns === 1 ? '' : 's'}`;
  // Ending early is the player's call, not a failure: the MC says what was played, never "cut short".
  const ending =
    options.playerTurns === 0
      ? `And... scene! ${game.name}, ended before the first line`
      : options.endedEarly
        ? `And... scene! ${turns} of ${game.name}, ended on your call`
        : `And... scene! ${turns} of ${game.name}, the full scene`;
  return `${ending}. ${crowdLine(options.audienceMood)} Stay with us: your coach has notes.`;
}

function crowdLine(mood: number | undefined): string {
  if (mood === undefined) return 'Give it up for our performers!';
  if (mood > 0.4) return 'Listen to that crowd, they loved it!';
  if (mood > 0) return 'A warm hand for our performers!';
  if (mood > -0.4) return 'A brave scene, let’s hear it for them!';
  return 'Tough room tonight, but that took guts!';
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function stripFinalPeriod(text: string): string {
  return text.trim().replace(/[.!]+$/, '');
}
