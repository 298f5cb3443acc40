// The stage around the scene as the relay reports it: game, suggestion, phase and turn count (scene.state),
// the room's reactions and running mood (audience.reaction), the coach's report (coach.report), and what the scene
// has cost so far (scene.cost).
// A pure reducer plus a vanilla store, so the session code and tests use it without React.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RelayMessage } from '../../shared/protocol.js';
import type { CoachFeedback } from '../../shared/stage.js';

export type SceneStateMessage = Extract<RelayMessage, { type: 'scene.state' }>;
export type StageSceneInfo = Omit<SceneStateMessage, 'type'>;

export interface StageReaction {
  /** The player turn the reaction answers; unique in the list (a resent reaction replaces the old one). */
  turnSeq: number;
  sentiment: number;
  reaction: string;
}

export interface StageState {
  /** Null until the relay sent scene.state for this scene. */
  scene: StageSceneInfo | null;
  /** The newest reactions, oldest first, at most MAX_STAGE_REACTIONS. */
  reactions: readonly StageReaction[];
  /** The room's running mood in [-1, 1]; null before the first reaction. */
  mood: number | null;
  /** Mood after each reaction, oldest first, at most MAX_MOOD_POINTS, for a sparkline. */
  moodHistory: readonly number[];
  coach: CoachFeedback | null;
  /** Turn ids the MC voices (partner.start speaker 'mc'), so the stage can say who is talking. */
  mcTurnIds: readonly number[];
  /** What the scene has cost so far at list price, in US dollars; null before Live's first usage report. */
  costUsd: number | null;
}

export const MAX_STAGE_REACTIONS = 6;
export const MAX_MOOD_POINTS = 40;
const MAX_MC_TURN_IDS = 16;

export const INITIAL_STAGE: StageState = {
  scene: null,
  reactions: [],
  mood: null,
  moodHistory: [],
  coach: null,
  mcTurnIds: [],
  costUsd: null,
};

/** Into [-1, 1]; anything not a finite number is a neutral 0 (the wire schema already refuses it). */
export function clampMood(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.max(-1, Math.min(1, value));
}

/** The next stage state; messages that are not about the stage leave it untouched (same object). */
export function applyStageMessage(state: StageState, message: RelayMessage): StageState {
  switch (message.type) {
    case 'welcome':
      // A new session starts a fresh stage; a resumed one keeps what the player was looking at.
      return message.resumed ? state : INITIAL_STAGE;
    case 'partner.start':
      if (message.speaker !== 'mc' || state.mcTurnIds.includes(message.turnId)) return state;
      return { ...state, mcTurnIds: [...state.mcTurnIds, message.turnId].slice(-MAX_MC_TURN_IDS) };
    case 'scene.state': {
      const { type: _type, ...scene } = message;
      return { ...state, scene };
    }
    case 'audience.reaction': {
      const mood = clampMood(message.mood);
      const reaction: StageReaction = {
        turnSeq: message.turnSeq,
        sentiment: clampMood(message.sentiment),
        reaction: message.reaction,
      };
      const others = state.reactions.filter((item) => item.turnSeq !== message.turnSeq);
      return {
        ...state,
        reactions: [...others, reaction].slice(-MAX_STAGE_REACTIONS),
        mood,
        moodHistory: [...state.moodHistory, mood].slice(-MAX_MOOD_POINTS),
      };
    }
    case 'coach.report':
      return { ...state, coach: message.report };
    case 'scene.cost':
      return { ...state, costUsd: message.usd };
    default:
      return state;
  }
}

export type StageStore = StoreApi<StageState>;

export function createStageStore(initial: StageState = INITIAL_STAGE): StageStore {
  return createStore<StageState>(() => initial);
}

const STAGE_MESSAGE_TYPES: ReadonlySet<RelayMessage['type']> = new Set([
  'scene.state',
  'audience.reaction',
  'coach.report',
  'scene.cost',
]);

/**
 * Routes one relay message into the stage store. True when the message is the stage's alone (the caller
 * stops there); false for everything else, including welcome and partner.start, which the stage only
 * observes (a fresh welcome clears the stage; an MC partner.start is remembered) and the caller still handles.
 */
export function handleStageMessage(store: StageStore, message: RelayMessage): boolean {
  const current = store.getState();
  const next = applyStageMessage(current, message);
  if (next !== current) store.setState(next, true);
  return STAGE_MESSAGE_TYPES.has(message.type);
}

/** Clears the stage, e.g. when the player starts a new scene before the relay said anything. */
export function resetStage(store: StageStore): void {
  store.setState(INITIAL_STAGE, true);
}
