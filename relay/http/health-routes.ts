// Liveness, readiness and metrics. /healthz: the process answers. /readyz: this relay should get new scenes
// (upstream reachable, not draining, under MAX_SESSIONS), with the reasons when it should not.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsSnapshot } from '../metrics/relay-metrics.js';
import { isLoopbackAddress } from './metrics-reset-route.js';
import { sendError, sendJson } from './respond.js';

export interface UpstreamProbeResult {
  reachable: boolean;
  detail: string;
}

export interface ReadinessSource {
  draining(): boolean;
  activeSessions(): number;
  maxSessions: number;
  probeUpstream(): Promise<UpstreamProbeResult>;
  /** More reasons not to take new scenes (e.g. the Firestore write backlog); empty when all is well. */
  extraReasons?(): string[];
  /** Connections still setting up, and their relay-wide budget (when one is kept). */
  pending?(): { count: number; max: number };
}

export function healthzHandler(_request: IncomingMessage, response: ServerResponse): void {
  sendJson(response, 200, { status: 'ok' });
}

export function createReadyzHandler(source: ReadinessSource) {
  return async (_request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const reasons: string[] = [];
    if (source.draining()) reasons.push('draining: the relay is shutting down');
    const sessions = source.activeSessions();
    if (sessions >= source.maxSessions) reasons.push(`at capacity: ${sessions}/${source.maxSessions} sessions`);
    const upstream = await source.probeUpstream();
    if (!upstream.reachable) reasons.push(`upstream unreachable: ${upstream.detail}`);
    // A full pending budget turns every new player away as surely as full scenes do.
    const pending = source.pending?.();
    if (pending && pending.count >= pending.max) {
      reasons.push(`at capacity: ${pending.count}/${pending.max} connections setting up`);
    }
    reasons.push(...(source.extraReasons?.() ?? []));
    sendJson(response, reasons.length ? 503 : 200, {
      ready: reasons.length === 0,
      reasons,
      sessions,
      maxSessions: source.maxSessions,
      ...(pending ? { pending: pending.count, maxPending: pending.max } : {}),
      upstream,
    });
  };
}

/**
 * /metrics tells how busy the relay is and how it performs: with METRICS_TOKEN it answers `Authorization: Bearer
 * <token>`; without one only loopback callers (a sidecar, the benchmark) or RELAY_DEBUG_ROUTES=1.
 */
export function createMetricsHandler(
  snapshot: () => MetricsSnapshot,
  access: { token?: string; debugRoutes?: boolean } = {},
) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (!metricsAllowed(request, access)) {
      sendError(response, 404, 'message.invalid', 'no route for GET /metrics');
      return;
    }
    sendJson(response, 200, snapshot());
  };
}

function metricsAllowed(request: IncomingMessage, access: { token?: string; debugRoutes?: boolean }): boolean {
  if (access.token) {
    const given = Buffer.from(request.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${access.token}`);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  return access.debugRoutes === true || isLoopbackAddress(request.socket.remoteAddress);
}

/** Emulator probe: any HTTP answer from it means it is up. Cached briefly so /readyz polling stays cheap. */
export function createHttpProbe(url: string, cacheMs = 2_000, timeoutMs = 1_000): () => Promise<UpstreamProbeResult> {
  let cached: { atMs: number; result: UpstreamProbeResult } | null = null;
  return async () => {
    const nowMs = performance.now();
    if (cached && nowMs - cached.atMs < cacheMs) return cached.result;
    let result: UpstreamProbeResult;
    try {
      const reply = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await reply.body?.cancel();
      result = { reachable: true, detail: `${url} answered ${reply.status}` };
    } catch (error) {
      result = { reachable: false, detail: `${url}: ${(error as Error).message}` };
    }
    cached = { atMs: nowMs, result };
    return result;
  };
}

export interface HealthRoutesOptions {
  config: { maxSessions: number; liveEmulatorUrl?: string };
  kind: 'gemini' | 'emulator';
  sessions: { isDraining: boolean; activeSessions: number };
  snapshot: () => MetricsSnapshot;
  extraReasons?: () => string[];
  pending?: () => { count: number; max: number };
  metricsAccess?: { token?: string; debugRoutes?: boolean };
}

export function createHealthRoutes(options: HealthRoutesOptions) {
  const { config, kind, sessions } = options;
  // Google's endpoint is not probed (it would cost a connection per poll); a failing upstream shows in session errors.
  const probeUpstream =
    kind === 'emulator' && config.liveEmulatorUrl
      ? createHttpProbe(config.liveEmulatorUrl)
      : async (): Promise<UpstreamProbeResult> => ({ reachable: true, detail: `${kind} (not probed)` });
  return {
    healthz: healthzHandler,
    readyz: createReadyzHandler({
      draining: () => sessions.isDraining,
      activeSessions: () => sessions.activeSessions,
      maxSessions: config.maxSessions,
      probeUpstream,
      extraReasons: options.extraReasons,
      pending: options.pending,
    }),
    metrics: createMetricsHandler(options.snapshot, options.metricsAccess),
  };
}
