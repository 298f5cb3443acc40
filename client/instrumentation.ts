// A read-only window.__improv for end-to-end tests and curious humans. Every field is a getter
// over the stores, so it costs nothing until read.
import { ambientSoundsPlayed } from './audio/ambient.js';
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
  /** Partner turns heard (MC turns are not partner turns). */
  readonly partnerTurnsHeard: number;
  /** MC turns whose audio actually started playing. */
  readonly mcTurnsHeard: number;
  /** Crowd sounds started (the optional ambient audience, off by default). */
  readonly ambientSoundsPlayed: number;
  /** Times the player talked over the partner (talking over the MC is mcBargeIns). */
  readonly bargeIns: number;
  readonly mcBargeIns: number;
  /** The partner (not the MC) is audible right now. */
  readonly partnerSpeaking: boolean;
  readonly mcSpeaking: boolean;
  readonly rttMs: number | null;
  /** Hop timings of the current (or last) scene: see client/session/latency-timeline.ts. */
  readonly timeline: ReturnType<SceneController['latencyTimeline']>;
  /** What drops cost the current scene: reconnects, lines queued, resent and lost (client/session/line-sender.ts). */
  readonly outage: ReturnType<SceneController['connectionStats']>;
  /** Mic frames held back while muted or paused (never sent). */
  readonly framesWithheld: number;
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
    /** The player's figures; playedTurns holds the partner's turns only, mcPlayedTurns the MC's. */
    get playerStats() {
      return splitPlayedTurns(controller.playerStats(), stores.stage.getState().mcTurnIds);
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
    get ambientSoundsPlayed() {
      return ambientSoundsPlayed();
    },
    get mcTurnsHeard() {
      return scene().mcTurnsHeard;
    },
    get bargeIns() {
      return scene().bargeIns;
    },
    get mcBargeIns() {
      return scene().mcBargeIns;
    },
    get partnerSpeaking() {
      return scene().partnerSpeakingTurnId !== null && scene().speakingSpeaker !== 'mc';
    },
    get mcSpeaking() {
      return scene().partnerSpeakingTurnId !== null && scene().speakingSpeaker === 'mc';
    },
    get rttMs() {
      return stores.connection.getState().rttMs;
    },
    get framesWithheld() {
      return controller.framesWithheld();
    },
    get timeline() {
      return controller.latencyTimeline();
    },
    get outage() {
      return controller.connectionStats();
    },
  });
}

type PlayerStatsOrNull = ReturnType<SceneController['playerStats']>;

/** The player plays the MC's turns on the same stream as the partner's; the split keeps partner figures pure. */
export function splitPlayedTurns(
  stats: PlayerStatsOrNull,
  mcTurnIds: readonly number[],
): (NonNullable<PlayerStatsOrNull> & { mcPlayedTurns: NonNullable<PlayerStatsOrNull>['playedTurns'] }) | null {
  if (!stats) return null;
  const isMc = (turn: { turnId: number }) => mcTurnIds.includes(turn.turnId);
  return {
    ...stats,
    playedTurns: stats.playedTurns.filter((turn) => !isMc(turn)),
    mcPlayedTurns: stats.playedTurns.filter(isMc),
  };
}

export function installInstrumentation(target: Window, instrumentation: ImprovInstrumentation): void {
  Object.defineProperty(target, '__improv', { value: instrumentation, writable: false, configurable: false });
}
