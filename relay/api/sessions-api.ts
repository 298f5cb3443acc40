// GET /api/sessions and GET /api/sessions/:id for node:http, no framework. A caller only ever sees their own
// sessions; anyone else's, or an unknown id, is the same 404 (a 403 would confirm the id exists).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionDetailJson, SessionSummaryJson, TurnJson } from '../../shared/api.js';
import type { Authenticator } from '../auth/authenticator.js';
import { sendError, sendJson } from '../http/respond.js';
import type { SessionStore, StoredSession, StoredTurn } from '../store/session-store.js';

export const SESSIONS_API_PATH = '/api/sessions';
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export interface SessionsApiDeps {
  store: Pick<SessionStore, 'getSession' | 'getTurns' | 'listSessions' | 'deleteSession'>;
  auth: Authenticator;
}

// The reply bodies are the shared schemas' types; re-exported for callers that imported them from here.
export type { SessionDetailJson, SessionSummaryJson, TurnJson };

export function toSummaryJson(session: StoredSession): SessionSummaryJson {
  const lastMs = (session.endedAt ?? session.updatedAt).getTime();
  return {
    id: session.id,
    game: session.game,
    status: session.status,
    phase: session.phase,
    createdAt: session.createdAt.toISOString(),
    endedAt: session.endedAt?.toISOString() ?? null,
    turnCount: session.turnCount,
    durationMs: Math.max(0, lastMs - session.createdAt.getTime()),
    latencyP50Ms: session.latency?.p50Ms ?? null,
    latencyP95Ms: session.latency?.p95Ms ?? null,
    estimatedCostUsd: session.usage.estimatedCostUsd,
    ...(session.scene
      ? {
          premise: {
            relationship: session.scene.suggestion.relationship,
            location: session.scene.suggestion.location,
            object: session.scene.suggestion.object,
          },
          ...(session.scene.persona ? { persona: session.scene.persona } : {}),
          ...(session.scene.audience ? { audience: session.scene.audience } : {}),
        }
      : {}),
    ...(session.coach ? { headline: headlineOf(session.coach.summary) } : {}),
  };
}

/** The coach's first sentence (bounded): what a History card says about the scene. */
export function headlineOf(summary: string): string {
  const first = /^.*?[.!?](\s|$)/.exec(summary.trim())?.[0]?.trim() ?? summary.trim();
  return first.length > 160 ? `${first.slice(0, 157).trimEnd()}…` : first;
}

function toTurnJson(turn: StoredTurn): TurnJson {
  return {
    seq: turn.seq,
    speaker: turn.speaker,
    text: turn.text,
    startedAt: turn.startedAt.toISOString(),
    durationMs: turn.durationMs,
    voiceToVoiceMs: turn.voiceToVoiceMs ?? null,
    interrupted: turn.interrupted ?? false,
    ...(turn.sentiment === undefined ? {} : { sentiment: turn.sentiment }),
    ...(turn.mood === undefined ? {} : { mood: turn.mood }),
  };
}

function sendNotFound(res: ServerResponse): void {
  sendError(
    res,
    404,
    'session.not_found',
    'No such session in your history. It may have expired or belong to another browser.',
  );
}

/** Handles the request when its path is under /api/sessions (returns true), else leaves it alone (false). */
export async function handleSessionsApi(
  req: IncomingMessage,
  res: ServerResponse,
  deps: SessionsApiDeps,
): Promise<boolean> {
  const { pathname } = new URL(req.url ?? '/', 'http://relay.invalid');
  const path = pathname.endsWith('/') && pathname.length > 1 ? pathname.slice(0, -1) : pathname;
  if (path !== SESSIONS_API_PATH && !path.startsWith(`${SESSIONS_API_PATH}/`)) return false;

  const isDelete = req.method === 'DELETE' && path !== SESSIONS_API_PATH;
  if (req.method !== 'GET' && req.method !== 'HEAD' && !isDelete) {
    res.setHeader('allow', path === SESSIONS_API_PATH ? 'GET, HEAD' : 'GET, HEAD, DELETE');
    sendError(res, 405, 'message.invalid', `${req.method} is not supported here; use GET.`);
    return true;
  }
  const { userId, setCookie } = await deps.auth.authenticate(req);
  if (setCookie) res.setHeader('set-cookie', setCookie);

  try {
    if (path === SESSIONS_API_PATH) {
      const sessions = await deps.store.listSessions(userId);
      sendJson(res, 200, sessions.map(toSummaryJson));
      return true;
    }
    const rest = path.slice(SESSIONS_API_PATH.length + 1);
    let sessionId: string;
    try {
      sessionId = decodeURIComponent(rest);
    } catch {
      sendNotFound(res);
      return true;
    }
    if (!SESSION_ID_PATTERN.test(sessionId)) {
      sendNotFound(res);
      return true;
    }
    const session = await deps.store.getSession(sessionId);
    if (!session || session.ownerId !== userId) {
      sendNotFound(res);
      return true;
    }
    if (isDelete) {
      // Only a finished scene: deleting one that still plays would race its own writes.
      if (session.status === 'active' || !deps.store.deleteSession) {
        sendError(res, 409, 'message.invalid', 'This scene is still playing; end it before deleting it.');
        return true;
      }
      await deps.store.deleteSession(sessionId);
      res.statusCode = 204;
      res.end();
      return true;
    }
    const turns = await deps.store.getTurns(sessionId);
    const detail: SessionDetailJson = {
      ...toSummaryJson(session),
      usage: session.usage,
      quality: session.quality,
      turns: turns.map(toTurnJson),
      coach: session.coach,
    };
    sendJson(res, 200, detail);
  } catch {
    // Firestore unreachable or slow: say so plainly; live scenes are unaffected.
    sendError(res, 503, 'internal', 'Session history is unavailable right now; try again in a moment.');
  }
  return true;
}
