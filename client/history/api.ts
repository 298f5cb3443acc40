// Reads the player's scene history from the relay. Every reply is parsed with the shared schemas here, at the
// edge; a failure of any kind becomes a HistoryError whose words a player can act on.
import type { z } from 'zod';
import { SessionDetailJson, SessionListJson } from '../../shared/api.js';
import { HttpError } from '../../shared/protocol.js';

export const SESSIONS_URL = '/api/sessions';

export type HistoryErrorKind =
  /** 404: an unknown id, or a scene of another browser's (the relay does not say which). */
  | 'not_found'
  /** 503: the relay is up but its storage is not. */
  | 'storage_unavailable'
  /** Any other failing status, e.g. 502 when the relay itself is down behind a proxy. */
  | 'server'
  /** No reply at all: offline, DNS, connection refused. */
  | 'network'
  /** A reply this client does not understand (not JSON, or not the shape shared/api.ts describes). */
  | 'malformed';

export type HistorySubject = 'list' | 'scene';

const WHAT: Record<HistorySubject, string> = { list: 'your scenes', scene: 'this scene' };

export function describeHistoryError(kind: HistoryErrorKind, subject: HistorySubject): string {
  const what = WHAT[subject];
  switch (kind) {
    case 'not_found':
      return 'This scene doesn’t exist or isn’t yours. Your history lives in the browser that played the scenes.';
    case 'storage_unavailable':
      return `Can’t load ${what} right now — the stage server’s storage is unavailable. Try again in a moment.`;
    case 'server':
      return `Can’t load ${what} right now — the stage server isn’t answering properly. Try again in a moment.`;
    case 'network':
      return `Can’t reach the stage server to load ${what}. Check your connection, then try again.`;
    case 'malformed':
      return `Can’t show ${what} — the stage server sent a reply this page doesn’t understand. Reload the page to get the latest version.`;
  }
}

export class HistoryError extends Error {
  constructor(
    readonly kind: HistoryErrorKind,
    readonly subject: HistorySubject,
    /** HTTP status when there was a reply. */
    readonly status: number | null,
    /** The relay's stable error code when its reply carried one. */
    readonly code: string | null = null,
  ) {
    super(describeHistoryError(kind, subject));
    this.name = 'HistoryError';
  }

  /** Retrying helps with everything except a scene that is not there or a client that is out of date. */
  get retryable(): boolean {
    return this.kind !== 'not_found' && this.kind !== 'malformed';
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export function fetchSessionList(fetchImpl: FetchLike = fetch, signal?: AbortSignal): Promise<SessionListJson> {
  return getJson(SESSIONS_URL, SessionListJson, 'list', fetchImpl, signal);
}

export function fetchSessionDetail(
  sessionId: string,
  fetchImpl: FetchLike = fetch,
  signal?: AbortSignal,
): Promise<SessionDetailJson> {
  return getJson(`${SESSIONS_URL}/${encodeURIComponent(sessionId)}`, SessionDetailJson, 'scene', fetchImpl, signal);
}

async function getJson<T>(
  url: string,
  schema: z.ZodType<T>,
  subject: HistorySubject,
  fetchImpl: FetchLike,
  signal: AbortSignal | undefined,
): Promise<T> {
  let response: Response;
  try {
    // The relay knows the player by an HttpOnly cookie on this origin.
    response = await fetchImpl(url, { credentials: 'same-origin', headers: { accept: 'application/json' }, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new HistoryError('network', subject, null);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    if (signal?.aborted) throw error;
    body = undefined;
  }
  if (!response.ok) throw errorForStatus(response.status, body, subject);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HistoryError('malformed', subject, response.status);
  return parsed.data;
}

function errorForStatus(status: number, body: unknown, subject: HistorySubject): HistoryError {
  const relayError = HttpError.safeParse(body);
  const code = relayError.success ? relayError.data.error.code : null;
  if (status === 404 && subject === 'scene') return new HistoryError('not_found', subject, status, code);
  if (status === 503) return new HistoryError('storage_unavailable', subject, status, code);
  return new HistoryError('server', subject, status, code);
}
