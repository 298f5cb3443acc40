// Limits a client cannot talk its way past, read from the environment (relay/config.ts calls limitsFromEnv).
// Every name and default is listed in the README's "Limits and sign-in" section.

import { OPUS_FRAME_MS } from '../../shared/constants.js';
import { AppError } from '../../shared/errors.js';

type Env = Record<string, string | undefined>;

export interface RelayLimits {
  /** Uplink frames a second a session may send for long (real time is 50 at 20 ms a frame). */
  uplinkFramesPerS: number;
  /** Frames a session may send above that rate at once (a reconnect, a scheduling hiccup). */
  uplinkBurstFrames: number;
  /** One utterance (one streamId) stops being forwarded past this many ms of audio. */
  maxUtteranceMs: number;
  /** A scene with neither audio nor a message other than ping for this long is ended. */
  sceneIdleMs: number;
  /** A scene is ended this long after it started, whatever is going on. */
  maxSceneMs: number;
  /** Control messages a second (pings included) and the burst above it. */
  controlPerS: number;
  controlBurst: number;
  /** Connections not yet in a scene (WebSockets before hello, offers whose channels are not open), relay-wide. */
  maxPending: number;
  /** The same, from one client address. */
  maxPendingPerIp: number;
  /** Scenes one identity may run on this relay at once. */
  maxScenesPerIdentity: number;
  /** Bytes of control messages queued for a client that is not reading; past it the connection is closed. */
  maxControlBufferBytes: number;
  /** Origins besides the relay's own that may open scenes (ALLOWED_ORIGINS, comma-separated). */
  allowedOrigins: string[];
  /** A bearer token for /metrics (METRICS_TOKEN); without it /metrics answers loopback callers only. */
  metricsToken: string | undefined;
}

export const DEFAULT_LIMITS: RelayLimits = {
  // 1.5× real time with 30 s saved up: measured at arrival, so a relay (or browser) whose event loop stalled for
  // seconds sees an honest client's queued frames as one burst (the e2e scenes on a loaded 2-core machine did).
  // A flood is still closed after ~30 s of audio instead of the thousands of seconds it used to be sent.
  uplinkFramesPerS: Math.ceil((1000 / OPUS_FRAME_MS) * 1.5),
  uplinkBurstFrames: 1_500,
  maxUtteranceMs: 60_000,
  sceneIdleMs: 5 * 60_000,
  maxSceneMs: 30 * 60_000,
  controlPerS: 20,
  controlBurst: 60,
  maxPending: 64,
  maxPendingPerIp: 8,
  maxScenesPerIdentity: 3,
  maxControlBufferBytes: 1024 * 1024,
  allowedOrigins: [],
  metricsToken: undefined,
};

/** A number >= 0 where 0 turns the limit off (the per-day limits, relay/limits/daily-limits.ts). */
export function nonNegativeNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new AppError('internal', `${name}=${raw} must be a number >= 0 (0 = no limit)`);
  }
  return value;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new AppError('internal', `${name}=${raw} must be an integer >= 1`);
  return value;
}

export function limitsFromEnv(env: Env = process.env): RelayLimits {
  const d = DEFAULT_LIMITS;
  return {
    uplinkFramesPerS: positiveInt(env, 'UPLINK_FRAMES_PER_S', d.uplinkFramesPerS),
    uplinkBurstFrames: positiveInt(env, 'UPLINK_BURST_FRAMES', d.uplinkBurstFrames),
    maxUtteranceMs: positiveInt(env, 'MAX_UTTERANCE_MS', d.maxUtteranceMs),
    sceneIdleMs: positiveInt(env, 'SCENE_IDLE_MS', d.sceneIdleMs),
    maxSceneMs: positiveInt(env, 'MAX_SCENE_MS', d.maxSceneMs),
    controlPerS: positiveInt(env, 'CONTROL_PER_S', d.controlPerS),
    controlBurst: positiveInt(env, 'CONTROL_BURST', d.controlBurst),
    maxPending: positiveInt(env, 'MAX_PENDING', d.maxPending),
    maxPendingPerIp: positiveInt(env, 'MAX_PENDING_PER_IP', d.maxPendingPerIp),
    maxScenesPerIdentity: positiveInt(env, 'MAX_SCENES_PER_IDENTITY', d.maxScenesPerIdentity),
    maxControlBufferBytes: positiveInt(env, 'MAX_CONTROL_BUFFER_BYTES', d.maxControlBufferBytes),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim().replace(/\/$/, ''))
      .filter(Boolean),
    metricsToken: env.METRICS_TOKEN?.trim() || undefined,
  };
}
