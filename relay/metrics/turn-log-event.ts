// One structured log line per partner turn ("turn completed") and per scene ("scene completed"), for Cloud
// Logging: infra/ops.tf turns them into log-based metrics (voice-to-voice, tokens by modality, cost) and the
// dashboard, SLOs and cost alerts read those. Fields are flat numbers so a log-based metric can extract them.

import type { Logger } from '../log.js';
import type { SessionObserver } from '../session/observer.js';
import { addUsage, estimateCostUsd, noUsage, priceFor } from '../store/pricing.js';
import type { UsageTotals } from '../store/session-store.js';

export const TURN_EVENT = 'turn completed';
export const SCENE_EVENT = 'scene completed';

interface SceneTally {
  startedAtMs: number;
  reconnects: number;
  /** Usage since the last logged turn (Live reports it per model turn). */
  pending: UsageTotals;
  total: UsageTotals;
  /** Client-measured voice-to-voice by partner turn id, from playback.started (may precede the turn's end). */
  voiceToVoiceMs: Map<number, number>;
  partnerTurns: number;
}

/** An observer that logs the events; `model` prices the tokens (relay/store/pricing.ts). */
export function createTurnLogObserver(logger: Logger, model: string, nowMs = () => performance.now()): SessionObserver {
  const price = priceFor(model);
  const scenes = new Map<string, SceneTally>();
  const tally = (sessionId: string): SceneTally => {
    let scene = scenes.get(sessionId);
    if (!scene) {
      scene = {
        startedAtMs: nowMs(),
        reconnects: 0,
        pending: noUsage(),
        total: noUsage(),
        voiceToVoiceMs: new Map(),
        partnerTurns: 0,
      };
      scenes.set(sessionId, scene);
    }
    return scene;
  };
  return {
    onSessionStarted: (event) => void tally(event.sessionId),
    onSessionTakenOver: (event) => {
      tally(event.sessionId).reconnects = event.reconnects;
    },
    onSessionResumed: (sessionId) => {
      tally(sessionId).reconnects++;
    },
    onUsage: ({ sessionId, usage }) => {
      const scene = tally(sessionId);
      scene.pending = addUsage(scene.pending, usage);
      scene.total = addUsage(scene.total, usage);
    },
    onPlaybackStarted: ({ sessionId, turnId, latencyMs }) => {
      if (latencyMs !== undefined) tally(sessionId).voiceToVoiceMs.set(turnId, latencyMs);
    },
    onTurnEnded: (event) => {
      if (event.speaker !== 'partner') return;
      const scene = tally(event.sessionId);
      scene.partnerTurns++;
      const usage = scene.pending;
      scene.pending = noUsage();
      logger.info(TURN_EVENT, {
        sessionId: event.sessionId,
        turnId: event.turnId,
        interrupted: event.interrupted,
        voiceToVoiceMs: scene.voiceToVoiceMs.get(event.turnId),
        relayResponseMs: event.responseLatencyMs,
        ...usage,
        costUsd: estimateCostUsd(usage, price),
        reconnects: scene.reconnects,
      });
      scene.voiceToVoiceMs.delete(event.turnId);
    },
    onSessionEnded: (event) => {
      const scene = tally(event.sessionId);
      scenes.delete(event.sessionId);
      logger.info(SCENE_EVENT, {
        sessionId: event.sessionId,
        reason: event.reason,
        durationS: Math.round((nowMs() - scene.startedAtMs) / 100) / 10,
        turns: event.turns,
        partnerTurns: scene.partnerTurns,
        ...scene.total,
        costUsd: estimateCostUsd(scene.total, price),
        reconnects: scene.reconnects,
        uplinkFramesLost: event.uplink.framesLost,
        downlinkFramesDropped: event.downlink.framesDropped,
      });
    },
    // Handed to another instance: that one logs the rest of the scene.
    onSessionHandedOff: (sessionId) => void scenes.delete(sessionId),
  };
}

/** Both observers see every event; one failing does not stop the other. */
export function bothObservers(first: SessionObserver | undefined, second: SessionObserver): SessionObserver {
  if (!first) return second;
  return new Proxy(first, {
    get(target, name: keyof SessionObserver) {
      const a = target[name] as ((...args: unknown[]) => void) | undefined;
      const b = second[name] as ((...args: unknown[]) => void) | undefined;
      if (!a && !b) return undefined;
      return (...args: unknown[]) => {
        try {
          b?.apply(second, args);
        } finally {
          a?.apply(target, args);
        }
      };
    },
  });
}
