// What the scene is doing, as a pure reducer over the controller's events.
import { type UserMessage, userMessage } from '../session/user-messages.js';

export type ScenePhase = 'idle' | 'starting' | 'running' | 'ending';

export interface SceneState {
  phase: ScenePhase;
  sessionId: string | null;
  upstream: 'gemini' | 'emulator' | null;
  /** The failure the player should read, in plain words; null when all is well. */
  error: UserMessage | null;
  /** A calm note that is not an error, e.g. why the scene ended. */
  notice: string | null;
  playerSpeaking: boolean;
  /** The downlink turn the player can hear right now (the partner's, or the MC's: see speakingSpeaker). */
  partnerSpeakingTurnId: number | null;
  /** Who that turn belongs to; null when silent. */
  speakingSpeaker: DownlinkSpeaker | null;
  /** End of the player's last utterance → first audible partner sound. */
  lastVoiceToVoiceMs: number | null;
  utterancesSent: number;
  /** Partner turns whose audio started playing (the MC's turns are counted apart). */
  partnerTurnsHeard: number;
  /** MC turns whose audio started playing. */
  mcTurnsHeard: number;
  /** Times the player talked over the partner. */
  bargeIns: number;
  /** Times the player talked over the MC (not counted in bargeIns). */
  mcBargeIns: number;
  /**
   * Whose move it is once nobody is audible: the MC's before anyone spoke, the player's once the MC or the
   * partner finished (or the intro was skipped), the partner's once the player's line ended. The stage's turn cue
   * reads this, never a timer.
   */
  nextUp: NextUp;
  /** The player skipped the MC's intro. */
  introSkipped: boolean;
  /** Mic closed by the player: no frames leave, the scene goes on. */
  muted: boolean;
  /** Scene on hold: mic closed and the partner silenced; the Live session is kept. */
  paused: boolean;
}

export type NextUp = 'mc' | 'player' | 'partner';

/** Who speaks on a downlink turn (the relay's partner.start speaker). */
export type DownlinkSpeaker = 'partner' | 'mc';

export const INITIAL_SCENE: SceneState = {
  phase: 'idle',
  sessionId: null,
  upstream: null,
  error: null,
  notice: null,
  playerSpeaking: false,
  partnerSpeakingTurnId: null,
  speakingSpeaker: null,
  lastVoiceToVoiceMs: null,
  utterancesSent: 0,
  partnerTurnsHeard: 0,
  mcTurnsHeard: 0,
  bargeIns: 0,
  mcBargeIns: 0,
  nextUp: 'mc',
  introSkipped: false,
  muted: false,
  paused: false,
};

export type SceneEvent =
  | { type: 'starting' }
  | { type: 'welcomed'; sessionId: string; upstream: 'gemini' | 'emulator' }
  | { type: 'running' }
  | { type: 'utterance.started' }
  | { type: 'utterance.ended' }
  | { type: 'barge-in' }
  /** `speaker` 'mc' for an MC turn (stores.ts fills it in from the stage store); the partner's when omitted. */
  | { type: 'partner.audible'; turnId: number; voiceToVoiceMs: number | null; speaker?: DownlinkSpeaker }
  | { type: 'partner.drained'; turnId: number }
  | { type: 'ending' }
  | { type: 'ended'; notice?: string }
  | { type: 'failed'; error: UserMessage }
  /** A line the player spoke never reached the relay (the outbox's bound, see client/session/line-outbox.ts). */
  | { type: 'line.lost' }
  | { type: 'dismiss-error' }
  | { type: 'intro.skipped' }
  | { type: 'hold'; muted?: boolean; paused?: boolean };

export function sceneReducer(state: SceneState, event: SceneEvent): SceneState {
  switch (event.type) {
    case 'starting':
      // A new scene starts with fresh counters and no stale error.
      return { ...INITIAL_SCENE, phase: 'starting' };
    case 'welcomed':
      return { ...state, sessionId: event.sessionId, upstream: event.upstream };
    case 'running':
      return state.phase === 'starting' ? { ...state, phase: 'running' } : state;
    case 'utterance.started':
      return { ...state, playerSpeaking: true, utterancesSent: state.utterancesSent + 1 };
    case 'utterance.ended':
      // A line that ended is the partner's to answer (a muted or paused mic ends lines that were never sent).
      return { ...state, playerSpeaking: false, nextUp: state.muted || state.paused ? state.nextUp : 'partner' };
    case 'barge-in':
      return state.speakingSpeaker === 'mc'
        ? {
            ...state,
            mcBargeIns: state.mcBargeIns + 1,
            partnerSpeakingTurnId: null,
            speakingSpeaker: null,
            nextUp: 'player',
          }
        : {
            ...state,
            bargeIns: state.bargeIns + 1,
            partnerSpeakingTurnId: null,
            speakingSpeaker: null,
            nextUp: 'player',
          };
    case 'partner.audible':
      if (event.speaker === 'mc') {
        // The MC's voice answers nobody: no voice-to-voice figure, and not a partner turn.
        return {
          ...state,
          partnerSpeakingTurnId: event.turnId,
          speakingSpeaker: 'mc',
          mcTurnsHeard: state.mcTurnsHeard + 1,
        };
      }
      return {
        ...state,
        partnerSpeakingTurnId: event.turnId,
        speakingSpeaker: 'partner',
        partnerTurnsHeard: state.partnerTurnsHeard + 1,
        lastVoiceToVoiceMs: event.voiceToVoiceMs ?? state.lastVoiceToVoiceMs,
      };
    case 'partner.drained':
      // The MC or the partner finished (or was cut): the floor is the player's.
      return state.partnerSpeakingTurnId === event.turnId
        ? { ...state, partnerSpeakingTurnId: null, speakingSpeaker: null, nextUp: 'player' }
        : state;
    case 'intro.skipped':
      return {
        ...state,
        introSkipped: true,
        nextUp: 'player',
        ...(state.speakingSpeaker === 'mc' ? { partnerSpeakingTurnId: null, speakingSpeaker: null } : {}),
      };
    case 'hold': {
      const muted = event.muted ?? state.muted;
      const paused = event.paused ?? state.paused;
      // Pausing silences whoever was talking; on resume the floor is the player's.
      const silenced = paused && !state.paused && state.partnerSpeakingTurnId !== null;
      return {
        ...state,
        muted,
        paused,
        ...(silenced ? { partnerSpeakingTurnId: null, speakingSpeaker: null, nextUp: 'player' as const } : {}),
        ...(muted || paused ? { playerSpeaking: false } : {}),
      };
    }
    case 'ending':
      return state.phase === 'idle' ? state : { ...state, phase: 'ending' };
    case 'ended':
      return {
        ...state,
        phase: 'idle',
        playerSpeaking: false,
        partnerSpeakingTurnId: null,
        speakingSpeaker: null,
        muted: false,
        paused: false,
        notice: event.notice ?? state.notice,
      };
    case 'failed':
      return {
        ...state,
        phase: 'idle',
        playerSpeaking: false,
        partnerSpeakingTurnId: null,
        speakingSpeaker: null,
        muted: false,
        paused: false,
        error: event.error,
      };
    case 'line.lost':
      return { ...state, error: userMessage('line.lost') };
    case 'dismiss-error':
      return { ...state, error: null };
  }
}
