// The client's zustand stores. Vanilla stores, so the scene controller and tests use them
// without React; the UI reads them through `useStore`.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConnectionState } from '../connection/connection-machine.js';
import { INITIAL_SCENE, type SceneEvent, type SceneState, sceneReducer } from './scene-reducer.js';
import { createStageStore, type StageStore } from './stage-store.js';
import {
  applyTranscriptUpdate,
  EMPTY_TRANSCRIPT,
  finalizeAll,
  markInterrupted,
  markLineLost,
  type TranscriptState,
  type TranscriptUpdate,
} from './transcript-reducer.js';

export interface ConnectionStoreState {
  state: ConnectionState;
  reason: string | undefined;
  /** Last heartbeat round trip. */
  rttMs: number | null;
  /** What carries the scene once connected: WebRTC data channels, or the WebSocket fallback. */
  transport?: 'webrtc' | 'websocket' | null;
}

export interface LevelsState {
  /** Mic input level, 0..1. Kept apart because it changes many times a second. */
  micLevel: number;
}

export interface AppStores {
  scene: StoreApi<SceneState>;
  connection: StoreApi<ConnectionStoreState>;
  transcript: StoreApi<TranscriptState>;
  levels: StoreApi<LevelsState>;
  /** The improv stage: scene info, audience mood, coach report (client/store/stage-store.ts). */
  stage: StageStore;
}

export function createAppStores(): AppStores {
  return {
    scene: createStore<SceneState>(() => INITIAL_SCENE),
    connection: createStore<ConnectionStoreState>(() => ({ state: 'idle', reason: undefined, rttMs: null })),
    transcript: createStore<TranscriptState>(() => EMPTY_TRANSCRIPT),
    levels: createStore<LevelsState>(() => ({ micLevel: 0 })),
    stage: createStageStore(),
  };
}

export function dispatchScene(stores: AppStores, event: SceneEvent): void {
  const resolved = withDownlinkSpeaker(stores, event);
  stores.scene.setState((state) => sceneReducer(state, resolved), true);
}

/**
 * The player reports every downlink turn it starts playing as `partner.audible`; the relay said which of those
 * turns the MC speaks (partner.start speaker 'mc', kept in the stage store), so the scene counts them apart.
 */
function withDownlinkSpeaker(stores: AppStores, event: SceneEvent): SceneEvent {
  if (event.type !== 'partner.audible' || event.speaker) return event;
  const mc = stores.stage.getState().mcTurnIds.includes(event.turnId);
  return { ...event, speaker: mc ? 'mc' : 'partner' };
}

export function pushTranscript(stores: AppStores, update: TranscriptUpdate): void {
  stores.transcript.setState((state) => applyTranscriptUpdate(state, update), true);
}

export function markTranscriptInterrupted(stores: AppStores, turnId: number): void {
  stores.transcript.setState((state) => markInterrupted(state, turnId), true);
}

export function markTranscriptLineLost(stores: AppStores, utteranceId: number): void {
  stores.transcript.setState((state) => markLineLost(state, utteranceId), true);
}

export function closeTranscript(stores: AppStores): void {
  stores.transcript.setState((state) => finalizeAll(state), true);
}

export function clearTranscript(stores: AppStores): void {
  stores.transcript.setState(EMPTY_TRANSCRIPT, true);
}
