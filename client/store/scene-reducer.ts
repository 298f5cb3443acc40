// What the scene is doing, as a pure reducer over the controller's events.
import type { UserMessage } from '../session/user-messages.js';

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
  /** The partner turn the player can hear right now. */
  partnerSpeakingTurnId: number | null;
  /** End of the player's last utterance → first audible partner sound. */
  lastVoiceToVoiceMs: number | null;
  utterancesSent: number;
  partnerTurnsHeard: number;
  bargeIns: number;
}

export const INITIAL_SCENE: SceneState = {
  phase: 'idle',
  sessionId: null,
  upstream: null,
  error: null,
  notice: null,
  playerSpeaking: false,
  partnerSpeakingTurnId: null,
  lastVoiceToVoiceMs: null,
  utterancesSent: 0,
  partnerTurnsHeard: 0,
  bargeIns: 0,
};

export type SceneEvent =
  | { type: 'starting' }
  | { type: 'welcomed'; sessionId: string; upstream: 'gemini' | 'emulator' }
  | { type: 'running' }
  | { type: 'utterance.started' }
  | { type: 'utterance.ended' }
  | { type: 'barge-in' }
  | { type: 'partner.audible'; turnId: number; voiceToVoiceMs: number | null }
  | { type: 'partner.drained'; turnId: number }
  | { type: 'ending' }
  | { type: 'ended'; notice?: string }
  | { type: 'failed'; error: UserMessage }
  | { type: 'dismiss-error' };

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
      return { ...state, playerSpeaking: false };
    case 'barge-in':
      return { ...state, bargeIns: state.bargeIns + 1, partnerSpeakingTurnId: null };
    case 'partner.audible':
      return {
        ...state,
        partnerSpeakingTurnId: event.turnId,
        partnerTurnsHeard: state.partnerTurnsHeard + 1,
        lastVoiceToVoiceMs: event.voiceToVoiceMs ?? state.lastVoiceToVoiceMs,
      };
    case 'partner.drained':
      return state.partnerSpeakingTurnId === event.turnId ? { ...state, partnerSpeakingTurnId: null } : state;
    case 'ending':
      return state.phase === 'idle' ? state : { ...state, phase: 'ending' };
    case 'ended':
      return {
        ...state,
        phase: 'idle',
        playerSpeaking: false,
        partnerSpeakingTurnId: null,
        notice: event.notice ?? state.notice,
      };
    case 'failed':
      return { ...state, phase: 'idle', playerSpeaking: false, partnerSpeakingTurnId: null, error: event.error };
    case 'dismiss-error':
      return { ...state, error: null };
  }
}
