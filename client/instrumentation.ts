// A read-only window.__improv for end-to-end tests and curious humans. Every field is a getter
// over the stores, so it costs nothing until read.
import type { SceneController } from './session/scene-controller.js';
import type { AppStores } from './store/stores.js';

export interface ImprovInstrumentation {
  readonly connectionState: string;
  readonly scenePhase: string;
  readonly sessionId: string | null;
  readonly errorCode: string | null;
  readonly transcript: ReadonlyArray<{ speaker: string; streamId: number; text: string; final: boolean }>;
  readonly playerStats: ReturnType<SceneController['playerStats']>;
  readonly inbound: ReturnType<SceneController['inboundCounters']>;
  readonly lastVoiceToVoiceMs: number | null;
  readonly utterancesSent: number;
  readonly partnerTurnsHeard: number;
  readonly bargeIns: number;
  readonly partnerSpeaking: boolean;
  readonly rttMs: number | null;
  /** Hop timings of the current (or last) scene: see client/session/latency-timeline.ts. */
  readonly timeline: ReturnType<SceneController['latencyTimeline']>;
}

declare global {
  interface Window {
    readonly __improv?: ImprovInstrumentation;
  }
}

export function createInstrumentation(stores: AppStores, controller: SceneController): ImprovInstrumentation {
  const scene = () => stores.scene.getState();
  return Object.freeze({
    get connectionState() {
      return stores.connection.getState().state;
    },
    get scenePhase() {
      return scene().phase;
    },
    get sessionId() {
      return scene().sessionId;
    },
    get errorCode() {
      return scene().error?.code ?? null;
    },
    get transcript() {
      return stores.transcript
        .getState()
        .entries.map(({ speaker, streamId, text, final }) => Object.freeze({ speaker, streamId, text, final }));
    },
    get playerStats() {
      return controller.playerStats();
    },
    get inbound() {
      return controller.inboundCounters();
    },
    get lastVoiceToVoiceMs() {
      return scene().lastVoiceToVoiceMs;
    },
    get utterancesSent() {
      return scene().utterancesSent;
    },
    get partnerTurnsHeard() {
      return scene().partnerTurnsHeard;
    },
    get bargeIns() {
      return scene().bargeIns;
    },
    get partnerSpeaking() {
      return scene().partnerSpeakingTurnId !== null;
    },
    get rttMs() {
      return stores.connection.getState().rttMs;
    },
    get timeline() {
      return controller.latencyTimeline();
    },
  });
}

export function installInstrumentation(target: Window, instrumentation: ImprovInstrumentation): void {
  Object.defineProperty(target, '__improv', { value: instrumentation, writable: false, configurable: false });
}
