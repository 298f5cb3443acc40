// Words the stage shows for its numbers and states; pure, so the tests pin them without a browser.
import type { LiveVoiceName, Principle, Skill } from '../../shared/games.js';
import type { ScenePhase } from '../../shared/stage.js';

export const PHASE_LABELS: Record<ScenePhase, { label: string; hint: string }> = {
  support: { label: 'Support', hint: 'Your partner backs every offer.' },
  fallible: { label: 'Fallible', hint: 'Your partner will slip up: justify it.' },
  closing: { label: 'Closing', hint: 'Heighten and find the final line.' },
  ended: { label: 'Ended', hint: 'Scene over.' },
};

/** "Turn 3 of 15": the turn the player is on, never past the budget. */
export function turnCounterText(playerTurns: number, turnBudget: number): string {
  const current = Math.min(turnBudget, Math.max(1, playerTurns + 1));
  return `Turn ${current} of ${turnBudget}`;
}

/** The room in a word, for people who cannot see the meter. */
export function moodWord(mood: number): string {
  if (mood > 0.6) return 'roaring';
  if (mood > 0.2) return 'warm';
  if (mood > -0.2) return 'polite';
  if (mood > -0.6) return 'restless';
  return 'cold';
}

/** Mood in [-1, 1] → bar position in [0, 100] percent. */
export function moodPercent(mood: number): number {
  return Math.round(((Math.max(-1, Math.min(1, mood)) + 1) / 2) * 100);
}

/** The character of each Live prebuilt voice, as Google describes them. */
export const VOICE_DESCRIPTIONS: Record<LiveVoiceName, string> = {
  Puck: 'upbeat',
  Charon: 'informative',
  Kore: 'firm',
  Fenrir: 'excitable',
  Aoede: 'breezy',
  Leda: 'youthful',
  Orus: 'firm, low',
  Zephyr: 'bright',
};

export const SKILL_LABELS: Record<Skill, string> = {
  'yes-and': 'Yes, and',
  specificity: 'Specificity',
  heightening: 'Heightening',
  listening: 'Listening',
  justification: 'Justification',
  character: 'Character',
  'emotional-range': 'Emotional range',
  'quick-thinking': 'Quick thinking',
  status: 'Status',
};

export const PRINCIPLE_LABELS: Record<Principle, string> = {
  'yes-and': 'Yes, and',
  specificity: 'Specificity',
  heightening: 'Heightening',
  listening: 'Listening',
  justification: 'Justification',
};
