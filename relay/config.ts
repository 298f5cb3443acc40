// Relay configuration, read once from the environment. `loadConfig` is pure so tests can build one from a literal.
import { randomBytes } from 'node:crypto';
import { AppError } from '../shared/errors.js';
import { authProblems, googleIssuerOverridesFromEnv } from './auth/auth-mode.js';
import type { BudgetPushConfig } from './http/budget-route.js';
import { limitsFromEnv, type RelayLimits } from './limits/config.js';
import { type DailyLimitSettings, dailyLimitsFromEnv } from './limits/daily-limits.js';
import { DEFAULT_STAGE_SWITCH_POLL_MS } from './limits/stage-switch.js';
import type { ConfiguredModel } from './live/model-check.js';
import { DEFAULT_LIVE_MODEL, LIVE_MODEL, TEXT_MODEL, TTS_MODEL } from './live/models.js';
import { DEFAULT_TURN_TTL_S, type TurnSettings } from './rtc/turn-credentials.js';
import { ttsModelFromEnv } from './stage/mc-voice.js';
import { textModelFromEnv } from './stage/text-model.js';

/** 15 s of audio in Live's context (32 tokens a second): chosen from the bench's long scene (docs/cost.md). */
export const DEFAULT_ROTATE_AFTER_AUDIO_TOKENS = 480;

export interface IceServerConfig {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface RelayConfig {
  port: number;
  host: string;
  /** Set → real Gemini Live; unset → the local Live emulator. */
  geminiApiKey: string | undefined;
  geminiLiveModel: string;
  /** An already-running emulator (http://127.0.0.1:N); unset with no API key → main.ts spawns one. */
  liveEmulatorUrl: string | undefined;
  /** Local address ICE binds to; '127.0.0.1' keeps tests and local runs on loopback. */
  rtcBindAddress: string | undefined;
  /** ICE servers for both sides; none by default (no STUN on loopback). */
  iceServers: IceServerConfig[];
  /** TURN_URLS + TURN_SECRET: a TURN server with credentials minted per caller is added to iceServers. */
  turn: TurnSettings | undefined;
  /** WS_KEEPALIVE_MS: WebSocket ping interval (idle streams stay open through Cloud Run; a silent peer is closed). 0 = off. */
  wsKeepaliveMs: number;
  rtcPortRangeBegin: number | undefined;
  rtcPortRangeEnd: number | undefined;
  staticDir: string;
  maxSessions: number;
  /** HMAC secret for resume tokens; random per process when RELAY_SECRET is unset. */
  relaySecret: string;
  resumeTokenTtlMs: number;
  /** How long a session whose browser dropped keeps its upstream, waiting for a resume. */
  sessionGraceMs: number;
  /**
   * LIVE_ROTATE_AFTER_AUDIO_TOKENS: context economy. Once Live's context holds this much audio, the session swaps
   * to a fresh Live session told the scene as text, between turns; 0 = never (docs/cost.md).
   */
  liveRotateAfterAudioTokens: number;
  /** SCENE_MAX_PLAYER_TURNS (3–200): a scene's length in player turns; unset = the stage's default (15). */
  sceneMaxPlayerTurns: number | undefined;
  /** A peer that has not said hello by then is closed. */
  helloTimeoutMs: number;
  /** Time SIGTERM gives sessions to wind down before the process exits. */
  shutdownGraceMs: number;
  /** Above this many bytes queued on `audio`, downlink frames are dropped (and counted), never queued. */
  audioHighWatermarkBytes: number;
  voiceName: string | undefined;
  systemInstruction: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** RELAY_DEBUG_ROUTES=1: debug routes (POST /metrics/reset) answer any caller, not only loopback. */
  debugRoutes: boolean;
  /** Set → production Firestore in this project; unset → a local emulator (unless firestoreEmulatorHost). */
  googleCloudProject: string | undefined;
  /** FIRESTORE_EMULATOR_HOST: an already-running emulator ('host:port'). */
  firestoreEmulatorHost: string | undefined;
  /** Where the local Firestore emulator keeps its data (survives restarts). */
  firestoreDataDir: string;
  /** Rate, length, pending and per-identity limits, origins and the metrics token (relay/limits/config.ts). */
  limits: RelayLimits;
  /** STAGE_SWITCH_POLL_MS: how often the kill switch (Firestore `ops/stage`) is read; 0 = never (tests). */
  stageSwitchPollMs: number;
  /**
   * BUDGET_PUSH_AUDIENCE + BUDGET_PUSH_SERVICE_ACCOUNT: the budget's Pub/Sub push to /api/ops/budget, which
   * closes the stage over budget. Unset = no such route (the switch still closes by hand).
   */
  budgetPush: BudgetPushConfig | undefined;
  /** SCENES_PER_DAY, AUDIO_MINUTES_PER_DAY, DAILY_BUDGET_USD: per UTC day, in Firestore (relay/limits/daily-limits.ts). */
  dailyLimits: DailyLimitSettings;
}

export { DEFAULT_LIVE_MODEL } from './live/models.js';
export const DEFAULT_SYSTEM_INSTRUCTION =
  'You are an improv scene partner. Accept every offer ("yes, and"), answer in one or two short spoken sentences, ' +
  'stay in character, and add one new detail each turn.';

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new AppError('internal', `${name}=${raw} must be an integer >= ${min}`);
  }
  return value;
}

/** A scene needs room for its closing turns (2) and the stage caps it at 200 (relay/stage/phases.ts). */
function sceneMaxPlayerTurns(env: Env): number | undefined {
  const value = optionalInt(env, 'SCENE_MAX_PLAYER_TURNS');
  if (value !== undefined && (value < 3 || value > 200)) {
    throw new AppError('internal', `SCENE_MAX_PLAYER_TURNS=${value} must be between 3 and 200`);
  }
  return value;
}

function optionalInt(env: Env, name: string): number | undefined {
  return env[name] ? int(env, name, 0, 1) : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** ICE_SERVERS is either JSON (`[{"urls":"turn:…","username":…}]`) or a comma-separated list of URLs. */
function parseIceServers(raw: string | undefined): IceServerConfig[] {
  const value = nonEmpty(raw);
  if (!value) return [];
  if (value.startsWith('[')) {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) throw new AppError('internal', 'ICE_SERVERS must be a JSON array');
    return parsed as IceServerConfig[];
  }
  return value.split(',').map((url) => ({ urls: url.trim() }));
}

/** Below a minute a credential could expire between the fetch and the allocation. */
const MIN_TURN_TTL_S = 60;
/** Under Cloud Run's load balancer's idle cut with room to spare; browsers answer pings by themselves. */
export const DEFAULT_WS_KEEPALIVE_MS = 25_000;

/** TURN_URLS (comma-separated `turn:`/`turns:` URLs) needs TURN_SECRET, and the other way round. */
function parseTurn(env: Env): TurnSettings | undefined {
  const rawUrls = nonEmpty(env.TURN_URLS);
  const secret = nonEmpty(env.TURN_SECRET);
  if (!rawUrls && !secret) return undefined;
  if (!secret) {
    throw new AppError(
      'internal',
      "TURN_URLS is set but TURN_SECRET is not: set it to the TURN server's static-auth-secret",
    );
  }
  if (!rawUrls) {
    throw new AppError(
      'internal',
      'TURN_SECRET is set but TURN_URLS is not: list the TURN server, e.g. turn:turn.example.com:3478',
    );
  }
  const urls = rawUrls
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  for (const url of urls) {
    if (!/^turns?:[^\s/]/.test(url)) {
      throw new AppError('internal', `TURN_URLS entry "${url}" must look like turn:host:port or turns:host:port`);
    }
  }
  return { urls, secret, ttlS: int(env, 'TURN_TTL_S', DEFAULT_TURN_TTL_S, MIN_TURN_TTL_S) };
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

export function loadConfig(env: Env = process.env): RelayConfig {
  const logLevel = (env.LOG_LEVEL ?? 'info') as RelayConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel))
    throw new AppError('internal', `LOG_LEVEL=${logLevel} is not one of ${LOG_LEVELS}`);
  return {
    port: int(env, 'PORT', 8080),
    host: nonEmpty(env.HOST) ?? '0.0.0.0',
    geminiApiKey: nonEmpty(env.GEMINI_API_KEY),
    geminiLiveModel: nonEmpty(env.GEMINI_LIVE_MODEL) ?? DEFAULT_LIVE_MODEL,
    liveEmulatorUrl: nonEmpty(env.LIVE_EMULATOR_URL),
    rtcBindAddress: nonEmpty(env.RTC_BIND_ADDRESS),
    iceServers: parseIceServers(env.ICE_SERVERS),
    turn: parseTurn(env),
    wsKeepaliveMs: int(env, 'WS_KEEPALIVE_MS', DEFAULT_WS_KEEPALIVE_MS),
    rtcPortRangeBegin: optionalInt(env, 'RTC_PORT_RANGE_BEGIN'),
    rtcPortRangeEnd: optionalInt(env, 'RTC_PORT_RANGE_END'),
    staticDir: nonEmpty(env.STATIC_DIR) ?? 'dist',
    maxSessions: int(env, 'MAX_SESSIONS', 200, 1),
    relaySecret: nonEmpty(env.RELAY_SECRET) ?? randomBytes(32).toString('hex'),
    resumeTokenTtlMs: int(env, 'RESUME_TOKEN_TTL_MS', 60 * 60 * 1000, 1),
    sessionGraceMs: int(env, 'SESSION_GRACE_MS', 30_000),
    liveRotateAfterAudioTokens: int(env, 'LIVE_ROTATE_AFTER_AUDIO_TOKENS', DEFAULT_ROTATE_AFTER_AUDIO_TOKENS),
    sceneMaxPlayerTurns: sceneMaxPlayerTurns(env),
    helloTimeoutMs: int(env, 'HELLO_TIMEOUT_MS', 5_000, 1),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 5_000),
    audioHighWatermarkBytes: int(env, 'AUDIO_HIGH_WATERMARK_BYTES', 32 * 1024, 1),
    voiceName: nonEmpty(env.GEMINI_VOICE),
    systemInstruction: nonEmpty(env.PARTNER_SYSTEM_INSTRUCTION) ?? DEFAULT_SYSTEM_INSTRUCTION,
    logLevel,
    debugRoutes: env.RELAY_DEBUG_ROUTES === '1',
    googleCloudProject: nonEmpty(env.GOOGLE_CLOUD_PROJECT),
    firestoreEmulatorHost: nonEmpty(env.FIRESTORE_EMULATOR_HOST),
    firestoreDataDir: nonEmpty(env.FIRESTORE_DATA_DIR) ?? '.data/firestore',
    limits: limitsFromEnv(env),
    stageSwitchPollMs: int(env, 'STAGE_SWITCH_POLL_MS', DEFAULT_STAGE_SWITCH_POLL_MS),
    budgetPush: parseBudgetPush(env),
    dailyLimits: dailyLimitsFromEnv(env),
  };
}

function parseBudgetPush(env: Env): BudgetPushConfig | undefined {
  const audience = nonEmpty(env.BUDGET_PUSH_AUDIENCE);
  const serviceAccount = nonEmpty(env.BUDGET_PUSH_SERVICE_ACCOUNT);
  if (!audience && !serviceAccount) return undefined;
  if (!audience || !serviceAccount) {
    throw new AppError(
      'internal',
      'BUDGET_PUSH_AUDIENCE and BUDGET_PUSH_SERVICE_ACCOUNT go together: set both or neither',
    );
  }
  // The same test-only overrides as Google sign-in (a local issuer); production leaves them unset.
  return { audience, serviceAccount, ...googleIssuerOverridesFromEnv(env) };
}

/** Which upstream a session gets: real Gemini with a key, else the emulator. */
export function upstreamKind(config: Pick<RelayConfig, 'geminiApiKey'>): 'gemini' | 'emulator' {
  return config.geminiApiKey ? 'gemini' : 'emulator';
}

/** Every model this relay will call, with the variable that sets it and the method it calls (startup check). */
export function configuredModels(
  config: Pick<RelayConfig, 'geminiLiveModel'>,
  env: Env = process.env,
): ConfiguredModel[] {
  const models: ConfiguredModel[] = [
    { name: config.geminiLiveModel, envVar: LIVE_MODEL.envVar, method: LIVE_MODEL.method },
  ];
  const tts = ttsModelFromEnv(env);
  if (tts) models.push({ name: tts, envVar: TTS_MODEL.envVar, method: TTS_MODEL.method });
  models.push({ name: textModelFromEnv(env), envVar: TEXT_MODEL.envVar, method: TEXT_MODEL.method });
  return models;
}

/**
 * In production (NODE_ENV=production, as the container sets) the offline stand-ins must never start by accident,
 * and every instance must share RELAY_SECRET (resume tokens and identity cookies verify across instances).
 * Returns what is missing, in words an operator can act on; empty when the relay may start.
 */
export function productionProblems(config: RelayConfig, env: Env = process.env): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (!config.geminiApiKey && !config.liveEmulatorUrl) {
    problems.push('GEMINI_API_KEY is unset: production would talk to the offline Live emulator');
  }
  if (!config.googleCloudProject && !config.firestoreEmulatorHost) {
    problems.push('GOOGLE_CLOUD_PROJECT is unset: production would keep scenes in a local Firestore emulator');
  }
  problems.push(...authProblems(env));
  if (!nonEmpty(env.RELAY_SECRET)) {
    problems.push('RELAY_SECRET is unset: instances could not verify each other’s resume tokens and cookies');
  }
  return problems;
}
