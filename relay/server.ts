// Assembles a relay: HTTP routes, WebRTC signaling, sessions, the Live upstream and metrics.
// main.ts runs it as a process; tests and the benchmark start it in-process on 127.0.0.1, port 0.
import type { AddressInfo } from 'node:net';
import { GoogleGenAI } from '@google/genai';
import { AppError } from '../shared/errors.js';
import type { Authenticator } from './auth/authenticator.js';
import { GoogleAuthenticator } from './auth/google-authenticator.js';
import { type RelayConfig, upstreamKind } from './config.js';
import { mountAuthRoutes } from './http/auth-routes.js';
import { BUDGET_PUSH_PATH, createBudgetPushHandler } from './http/budget-route.js';
import { createHealthRoutes } from './http/health-routes.js';
import { createHttpServer } from './http/http-server.js';
import { createIceServersHandler, ICE_SERVERS_PATH } from './http/ice-servers-route.js';
import { createMetricsResetHandler, METRICS_RESET_PATH } from './http/metrics-reset-route.js';
import { Router } from './http/router.js';
import { createRtcOfferHandler } from './http/rtc-offer-route.js';
import { createSceneHoldHandler, SCENE_HOLD_PATH } from './http/scene-hold-route.js';
import { createStaticHandler } from './http/static-files.js';
import { attachWebSocketTransport } from './http/websocket-connection.js';
import { trustedProxyHops } from './limits/client-address.js';
import { PendingBudget } from './limits/pending-budget.js';
import type { StageSwitch } from './limits/stage-switch.js';
import { createGeminiUpstreamFactory } from './live/gemini-upstream.js';
import type { UpstreamFactory, UpstreamOptions } from './live/upstream.js';
import { createLogger, type Logger } from './log.js';
import { RelayMetrics } from './metrics/relay-metrics.js';
import { installNdcLogger } from './rtc/ndc-logger.js';
import type { RelayPeer } from './rtc/peer.js';
import type { SessionObserver } from './session/observer.js';
import { SessionManager, type SessionManagerOptions } from './session/session-manager.js';
import type { TakeoverStore } from './session/takeover.js';
import type { TurnBudget } from './stage/phases.js';
import { textModelFromEnv } from './stage/text-model.js';
import { estimateCostUsd, priceFor } from './store/pricing.js';

export interface StartRelayOptions {
  logger?: Logger;
  /** Persistence/analytics seam (a SessionStore adapter). */
  observer?: SessionObserver;
  /** Mount more routes (e.g. /api/sessions) before the server starts listening. */
  routes?: (router: Router) => void;
  /** Per-scene upstream options from the hello's `game`; defaults to the configured system instruction. */
  upstreamOptionsFor?: (game: string | undefined) => UpstreamOptions;
  /** Overrides the Gemini/emulator factory (only for wrapping it, e.g. to count connects). */
  upstreamFactory?: UpstreamFactory;
  /** Identifies the caller of /api/rtc/offer and /api/ws; the session gets that owner. None = no owners. */
  authenticator?: Authenticator;
  /** The improv stage around each scene: turn budget, text model (GEMINI_TEXT_MODEL) and its waits. */
  stage?: {
    turnBudget?: Partial<TurnBudget>;
    textModel?: string;
    coachTimeoutMs?: number;
    audienceTimeoutMs?: number;
    /** The MC's TTS model; null = the MC is text only (GEMINI_TTS_MODEL, or the default TTS model, when omitted). */
    ttsModel?: string | null;
  };
  /** More /readyz reasons (e.g. the Firestore backlog at its bound); live scenes are not affected. */
  readinessReasons?: () => string[];
  /** The session store's reads: resumes take over scenes another instance ran; shutdown hands scenes off. */
  takeoverStore?: TakeoverStore;
  /** The kill switch: closed, new scenes are refused (live ones finish); the budget push flips it. */
  stageSwitch?: StageSwitch;
  /** The per-day limits: admits and counts each new scene (relay/limits/daily-limits.ts). */
  admitNewScene?: SessionManagerOptions['admitNewScene'];
}

export interface RunningRelay {
  port: number;
  url: string;
  metrics: RelayMetrics;
  sessions: SessionManager;
  /** Stop taking scenes and tell every browser; /readyz turns unready. */
  drain(): void;
  /** Drains, closes every peer and the HTTP server. */
  close(): Promise<void>;
}

export async function startRelay(config: RelayConfig, options: StartRelayOptions = {}): Promise<RunningRelay> {
  const logger = options.logger ?? createLogger(config.logLevel, { component: 'relay' });
  installNdcLogger(logger);
  const kind = upstreamKind(config);
  if (kind === 'emulator' && !config.liveEmulatorUrl) {
    throw new AppError('upstream.unavailable', 'no GEMINI_API_KEY and no LIVE_EMULATOR_URL: nothing to talk to');
  }
  const upstreamFactory =
    options.upstreamFactory ??
    createGeminiUpstreamFactory({
      apiKey: config.geminiApiKey ?? 'emulator',
      baseUrl: kind === 'emulator' ? config.liveEmulatorUrl : undefined,
      model: config.geminiLiveModel,
      systemInstruction: config.systemInstruction,
      voiceName: config.voiceName,
    });
  // The audience and the coach use the same client config as the Live upstream (the emulator's REST offline).
  const textAi = new GoogleGenAI({
    apiKey: config.geminiApiKey ?? 'emulator',
    ...(kind === 'emulator' ? { httpOptions: { baseUrl: config.liveEmulatorUrl } } : {}),
  });
  const metrics = new RelayMetrics();
  const peers = new Set<RelayPeer>();
  const sessions = new SessionManager({
    upstreamKind: kind,
    upstreamFactory,
    upstreamOptionsFor: options.upstreamOptionsFor,
    turnBudget:
      options.stage?.turnBudget ??
      (config.sceneMaxPlayerTurns ? { maxPlayerTurns: config.sceneMaxPlayerTurns } : undefined),
    stageServices: {
      ai: textAi,
      textModel: options.stage?.textModel ?? textModelFromEnv(),
      coachTimeoutMs: options.stage?.coachTimeoutMs,
      audienceTimeoutMs: options.stage?.audienceTimeoutMs,
      ...(options.stage?.ttsModel !== undefined ? { ttsModel: options.stage.ttsModel } : {}),
    },
    maxSessions: config.maxSessions,
    relaySecret: config.relaySecret,
    resumeTokenTtlMs: config.resumeTokenTtlMs,
    sessionGraceMs: config.sessionGraceMs,
    rotateAfterAudioTokens: config.liveRotateAfterAudioTokens,
    costOf: (usage) => estimateCostUsd(usage, priceFor(config.geminiLiveModel)),
    helloTimeoutMs: config.helloTimeoutMs,
    metrics,
    logger,
    observer: options.observer,
    takeoverStore: options.takeoverStore,
    limits: config.limits,
    stageOpen: () => options.stageSwitch?.isOpen ?? true,
    admitNewScene: options.admitNewScene,
  });
  const { limits } = config;
  const pending = new PendingBudget(limits.maxPending, limits.maxPendingPerIp);
  const proxyHops = trustedProxyHops();

  const router = new Router();
  const health = createHealthRoutes({
    config,
    kind,
    sessions,
    snapshot: () =>
      metrics.snapshot({
        activeSessions: sessions.activeSessions,
        activePeers: peers.size,
        draining: sessions.isDraining,
      }),
    extraReasons: options.readinessReasons,
    pending: () => ({ count: pending.size, max: pending.capacity }),
    metricsAccess: { token: limits.metricsToken, debugRoutes: config.debugRoutes },
  });
  router.add('GET', '/healthz', health.healthz);
  router.add('GET', '/readyz', health.readyz);
  router.add('GET', '/metrics', health.metrics);
  router.add(
    'POST',
    METRICS_RESET_PATH,
    createMetricsResetHandler({ resetLatency: () => metrics.resetLatency(), debugRoutes: config.debugRoutes }),
  );
  router.add(
    'POST',
    '/api/rtc/offer',
    createRtcOfferHandler({
      sessions,
      peers,
      bindAddress: config.rtcBindAddress,
      iceServers: config.iceServers,
      turn: config.turn,
      portRangeBegin: config.rtcPortRangeBegin,
      portRangeEnd: config.rtcPortRangeEnd,
      audioHighWatermarkBytes: config.audioHighWatermarkBytes,
      maxSessions: config.maxSessions,
      logger,
      authenticator: options.authenticator,
      pending,
      trustedProxyHops: proxyHops,
      maxControlBufferBytes: limits.maxControlBufferBytes,
    }),
  );
  router.add(
    'GET',
    ICE_SERVERS_PATH,
    createIceServersHandler({
      staticServers: config.iceServers,
      turn: config.turn,
      logger,
      authenticator: options.authenticator,
      hasLiveScene: (userId) => userId !== undefined && sessions.scenesOf(userId) > 0,
    }),
  );
  router.add(
    'GET',
    SCENE_HOLD_PATH,
    createSceneHoldHandler({ isHeld: (id) => (sessions.getSession(id)?.state ?? 'closed') !== 'closed' }),
  );
  if (config.budgetPush && options.stageSwitch) {
    router.add(
      'POST',
      BUDGET_PUSH_PATH,
      createBudgetPushHandler({ config: config.budgetPush, stage: options.stageSwitch, logger }),
    );
  }
  mountAuthRoutes(router, options.authenticator, logger);
  options.routes?.(router);

  const server = createHttpServer(router, createStaticHandler(config.staticDir), logger, {
    allowedOrigins: limits.allowedOrigins,
    googleSignIn: options.authenticator instanceof GoogleAuthenticator,
  });
  const detachWebSocket = attachWebSocketTransport(server, {
    sessions,
    audioHighWatermarkBytes: config.audioHighWatermarkBytes,
    logger,
    authenticator: options.authenticator,
    keepaliveMs: config.wsKeepaliveMs,
    pending,
    allowedOrigins: limits.allowedOrigins,
    trustedProxyHops: proxyHops,
    maxControlBufferBytes: limits.maxControlBufferBytes,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const displayHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${displayHost}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    port,
    url,
    metrics,
    sessions,
    drain: () => sessions.drain(),
    close: () => {
      closing ??= (async () => {
        sessions.drain();
        for (const peer of [...peers]) peer.close('relay closing');
        detachWebSocket();
        server.closeIdleConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}
