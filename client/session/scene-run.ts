// One scene's resources and the small helpers that keep its failures in plain words.
import type { RelayMessage } from '../../shared/protocol.js';
import type { Mic } from '../audio/mic.js';
import type { Player } from '../audio/player.js';
import type { Reconnector } from '../connection/reconnector.js';
import type { Transport } from '../transport/transport.js';
import type { InboundCounters } from './inbound.js';
import { LatencyTimeline } from './latency-timeline.js';
import type { LineSender } from './line-sender.js';
import { TurnGate } from './turn-gate.js';
import { messageForFailure, type UserMessage, type UserMessageCode, userMessage } from './user-messages.js';

/** A failure already translated into words for the player. */
export class SceneFailure extends Error {
  constructor(readonly userMessage: UserMessage) {
    super(userMessage.text);
  }
}

export type Welcome = Extract<RelayMessage, { type: 'welcome' }>;

/** What outages cost this scene: read by tests and the instrumentation. */
export interface OutageStats {
  reconnects: number;
  /** Utterances the player started while disconnected: kept in the outbox, sent once the connection is back. */
  queuedUtterances: number;
  framesQueuedWhileDisconnected: number;
  /** Lines that never reached the relay (older than the outbox's bound, or the scene gave up): named on screen. */
  lostLines: number;
  /** From noticing the drop to the resumed welcome, for the last outage. */
  lastOutageMs: number | null;
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
  /** Listeners on the current transport only; a reconnect replaces them with the new transport's. */
  transportUnsubscribers: Array<() => void>;
  heartbeat: ReturnType<typeof setInterval> | null;
  welcomed: boolean;
  resolveWelcome: ((welcome: Welcome) => void) | null;
  transportOpen: boolean;
  /** From the latest welcome; a reconnect presents both to re-attach the relay's session. */
  sessionId: string | null;
  resumeToken: string | null;
  /** Bumped for every transport: the outbox knows which connection carried a line. */
  generation: number;
  /** Every player line, kept until the relay acknowledges it and sent again after a drop. */
  lines: LineSender;
  /** The latest welcome's cumulative line ack (a resume forgets those lines before resending). */
  welcomeLineAck: number | undefined;
  outage: OutageStats;
  /** Set while `reconnecting`. */
  reconnector: Reconnector | null;
  lastInboundAtMs: number;
  /** When the player's last utterance ended, until the partner's answer becomes audible. */
  utteranceEndAtMs: number | null;
  timeline: LatencyTimeline;
  /**
   * Set once the player pressed End scene (the mic is off, the MC's closing line and the coach's report are
   * awaited): the timer that bounds that wait.
   */
  ending: ReturnType<typeof setTimeout> | null;
}

export function createSceneRun(
  transport: Transport,
  nowMs: number,
  createLines: (scene: SceneRun) => LineSender,
): SceneRun {
  const run: Omit<SceneRun, 'lines'> = {
    abort: new AbortController(),
    transport,
    player: null,
    mic: null,
    ending: null,
    gate: new TurnGate(),
    counters: { badFrames: 0, gatedFrames: 0 },
    unsubscribers: [],
    heartbeat: null,
    transportUnsubscribers: [],
    welcomed: false,
    resolveWelcome: null,
    transportOpen: false,
    sessionId: null,
    resumeToken: null,
    generation: 0,
    welcomeLineAck: undefined,
    reconnector: null,
    outage: { reconnects: 0, queuedUtterances: 0, framesQueuedWhileDisconnected: 0, lostLines: 0, lastOutageMs: null },
    lastInboundAtMs: nowMs,
    utteranceEndAtMs: null,
    timeline: new LatencyTimeline(),
  };
  // The sender reads the scene (its generation) lazily, so it is made once the rest exists.
  const scene = run as SceneRun;
  scene.lines = createLines(scene);
  return scene;
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

/** Resolves with the next welcome on the scene's transport; rejects on timeout, abort or a closed transport. */
export function waitForWelcome(scene: SceneRun, signal: AbortSignal, timeoutMs: number): Promise<Welcome> {
  const transport = scene.transport;
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      stopWatching();
      signal.removeEventListener('abort', onAbort);
      scene.resolveWelcome = null;
    };
    const timer = setTimeout(() => {
      done();
      reject(new SceneFailure(userMessage('transport.timeout')));
    }, timeoutMs);
    const onAbort = () => {
      done();
      reject(new SceneFailure(userMessage('transport.lost')));
    };
    const stopWatching = transport.onState((state) => {
      if (state === 'closed') onAbort();
    });
    scene.resolveWelcome = (welcome) => {
      done();
      resolve(welcome);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
  });
}
