// One scene's resources and the small helpers that keep its failures in plain words.
import type { Mic } from '../audio/mic.js';
import type { Player } from '../audio/player.js';
import type { Transport } from '../transport/transport.js';
import type { InboundCounters } from './inbound.js';
import { LatencyTimeline } from './latency-timeline.js';
import { TurnGate } from './turn-gate.js';
import { messageForFailure, type UserMessage, type UserMessageCode } from './user-messages.js';

/** A failure already translated into words for the player. */
export class SceneFailure extends Error {
  constructor(readonly userMessage: UserMessage) {
    super(userMessage.text);
  }
}

/** Resources of one scene; a later scene never sees an earlier one's callbacks. */
export interface SceneRun {
  abort: AbortController;
  transport: Transport;
  player: Player | null;
  mic: Mic | null;
  gate: TurnGate;
  counters: InboundCounters;
  unsubscribers: Array<() => void>;
  heartbeat: ReturnType<typeof setInterval> | null;
  welcomed: boolean;
  resolveWelcome: (() => void) | null;
  transportOpen: boolean;
  lastInboundAtMs: number;
  /** When the player's last utterance ended, until the partner's answer becomes audible. */
  utteranceEndAtMs: number | null;
  timeline: LatencyTimeline;
}

export function createSceneRun(transport: Transport, nowMs: number): SceneRun {
  return {
    abort: new AbortController(),
    transport,
    player: null,
    mic: null,
    gate: new TurnGate(),
    counters: { badFrames: 0, gatedFrames: 0 },
    unsubscribers: [],
    heartbeat: null,
    welcomed: false,
    resolveWelcome: null,
    transportOpen: false,
    lastInboundAtMs: nowMs,
    utteranceEndAtMs: null,
    timeline: new LatencyTimeline(),
  };
}

/** Releases a resource; a failure to release is logged, never thrown (the scene is over either way). */
export async function release(close: () => Promise<void>, warning: string): Promise<void> {
  try {
    await close();
  } catch (error) {
    console.warn(warning, error);
  }
}

/** Runs `start`, turning a synchronous throw or a rejection into a SceneFailure with plain words. */
export function attempt<T>(start: () => Promise<T>, fallback: UserMessageCode): Promise<T> {
  const fail = (error: unknown): never => {
    const message = messageForFailure(error, fallback);
    // The player reads the plain words; the console keeps the real cause for whoever debugs it.
    const aborted = (error as { code?: unknown } | null)?.code === 'transport.aborted';
    if (!aborted) console.warn(`scene step failed (${message.code})`, error);
    throw new SceneFailure(message);
  };
  try {
    return start().catch(fail);
  } catch (error) {
    return Promise.reject(error).catch(fail);
  }
}
