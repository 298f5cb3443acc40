// Whose moment it is on the stage, from the real state only (the scene store, the connection, the relay's scene
// phase): never a timer, never a guess. The player's cue ("Your turn") appears only once the MC or the partner
// has finished, or the player skipped the intro.
import type { ConnectionState } from '../connection/connection-machine.js';
import type { SceneState } from '../store/scene-reducer.js';
import { RECONNECTING_TEXT } from './stage-text.js';

export type StageMoment =
  | 'idle'
  | 'starting'
  | 'mc-soon'
  | 'mc'
  | 'partner'
  | 'partner-thinking'
  | 'you'
  | 'you-speaking'
  | 'muted'
  | 'paused'
  | 'reconnecting'
  | 'ending';

export interface MomentInputs {
  scene: Pick<
    SceneState,
    'phase' | 'speakingSpeaker' | 'playerSpeaking' | 'nextUp' | 'muted' | 'paused' | 'partnerSpeakingTurnId'
  >;
  connection: ConnectionState;
  /** The relay's scene phase ('ended' once the turn budget ran out); null before scene.state. */
  stagePhase: string | null;
}

export function stageMoment({ scene, connection, stagePhase }: MomentInputs): StageMoment {
  if (scene.phase === 'idle') return 'idle';
  if (scene.phase === 'ending' || stagePhase === 'ended') return 'ending';
  if (connection === 'reconnecting') return 'reconnecting';
  if (scene.paused) return 'paused';
  if (scene.partnerSpeakingTurnId !== null) return scene.speakingSpeaker === 'mc' ? 'mc' : 'partner';
  if (scene.playerSpeaking) return 'you-speaking';
  if (scene.phase === 'starting') return 'starting';
  if (scene.nextUp === 'mc') return 'mc-soon';
  if (scene.nextUp === 'partner') return 'partner-thinking';
  return scene.muted ? 'muted' : 'you';
}

/** What the stage says for each moment: short, and never an instruction the player must not follow yet. */
export const MOMENT_TEXT: Record<StageMoment, string> = {
  idle: '',
  starting: 'Setting the stage…',
  'mc-soon': 'The MC is about to set the scene. Listen in.',
  mc: 'The MC is setting the scene. Listen in.',
  partner: 'Your partner is speaking.',
  'partner-thinking': 'Your partner is answering…',
  you: 'Your turn. Say a line.',
  'you-speaking': 'You’re on. Keep going.',
  muted: 'Your turn, but your mic is muted.',
  paused: 'Paused. Nothing is sent until you resume.',
  reconnecting: RECONNECTING_TEXT,
  ending: 'Taking a bow…',
};

/** Skip intro is offered while the MC is (about to be) introducing the scene and nothing else has happened. */
export function canSkipIntro(
  moment: StageMoment,
  scene: Pick<SceneState, 'introSkipped' | 'partnerTurnsHeard' | 'utterancesSent'>,
): boolean {
  if (scene.introSkipped || scene.partnerTurnsHeard > 0 || scene.utterancesSent > 0) return false;
  return moment === 'mc' || moment === 'mc-soon' || moment === 'starting';
}
