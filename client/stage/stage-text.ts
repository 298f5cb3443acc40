// Words the stage shows for its numbers and states; pure, so the tests pin them without a browser.
import type { LiveVoiceName, Principle, Skill } from '../../shared/games.js';
import type { ScenePhase } from '../../shared/stage.js';
import type { ConnectionState } from '../connection/connection-machine.js';
import type { ScenePhase as SceneRunPhase } from '../store/scene-reducer.js';

/** How the transcript marks a line the outbox could not deliver. */
export const LOST_LINE_MARK = '(didn’t reach the stage — say it again)';

/** While the connection is down: the outbox keeps what the player says, so the stage says so. */
export const RECONNECTING_TEXT = 'Reconnecting to the stage… keep going: what you say now will be sent when it’s back.';

/**
 * The stage's status line. While the connection is down it never invites a line as if all were well: it says
 * it is reconnecting and that what the player says now is kept and sent when the connection is back.
 */
export function stageStatusText(phase: SceneRunPhase, connection: ConnectionState, notice: string | null): string {
  if (phase === 'starting') return 'Setting the stage…';
  if (phase === 'running' && connection === 'reconnecting') return RECONNECTING_TEXT;
  if (phase === 'running') return 'You’re on. Say a line — your partner will answer.';
  if (phase === 'ending') return 'Taking a bow…';
  return notice ?? 'Step into the light when you’re ready.';
}

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

/**
 * The scene's running cost on the stage: a scene costs cents, so a tenth of a cent is shown ("$0.004 so far"),
 * and a cost under that reads "< $0.001", never a misleading "$0.000".
 */
export function runningCostText(costUsd: number): string {
  if (!Number.isFinite(costUsd) || costUsd <= 0) return '$0.000 so far';
  if (costUsd < 0.001) return '< $0.001 so far';
  return `$${costUsd < 1 ? costUsd.toFixed(3) : costUsd.toFixed(2)} so far`;
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
