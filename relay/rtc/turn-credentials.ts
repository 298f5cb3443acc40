// Short-lived TURN credentials in the TURN REST scheme (draft-uberti-behave-turn-rest), which coturn checks with
// `use-auth-secret` + `static-auth-secret`: username = `<expiry unix seconds>:<user>`, credential =
// base64(HMAC-SHA1(secret, username)). The TURN server needs no per-user state, only the shared secret.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** coturn's default `rest-api-separator`. */
export const TURN_USERNAME_SEPARATOR = ':';
/**
 * One hour: longer than any scene plus its reconnects, and as long as Cloud Run lets one request (a WebSocket)
 * live, so nothing outlives its credentials; a leaked credential is worthless an hour later. coturn checks the
 * expiry when an allocation is created (stricter servers also on refresh), so a client reuses a credential only
 * while plenty of it is left (client/transport/ice-servers.ts).
 */
export const DEFAULT_TURN_TTL_S = 3_600;
/** STUN USERNAME is limited to 513 bytes; a user id longer than this is cut (it is only a label to coturn). */
const MAX_USER_TAG_CHARS = 64;
const RANDOM_TAG_BYTES = 9;

export interface TurnSettings {
  /** `turn:` / `turns:` URLs, e.g. `turn:turn.example.com:3478?transport=udp`. */
  urls: string[];
  /** coturn's `static-auth-secret`. */
  secret: string;
  ttlS: number;
}

export interface MintedTurnServer {
  urls: string[];
  username: string;
  credential: string;
}

export interface MintedTurnCredentials {
  server: MintedTurnServer;
  expiresAtMs: number;
}

/** base64(HMAC-SHA1(secret, username)): the password coturn derives for `username`. */
export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username, 'utf8').digest('base64');
}

/** `<expiresAtS>:<userTag>`; the tag keeps only characters that need no escaping anywhere (no separator). */
export function turnUsername(expiresAtS: number, userTag: string): string {
  const tag = userTag.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, MAX_USER_TAG_CHARS);
  return `${Math.floor(expiresAtS)}${TURN_USERNAME_SEPARATOR}${tag}`;
}

/**
 * Fresh credentials for one caller. The user id (when the caller has one) names them in the TURN server's
 * logs; without one a random tag keeps two anonymous callers' usernames apart.
 */
export function mintTurnCredentials(
  settings: TurnSettings,
  caller: { userId?: string; nowMs?: number } = {},
): MintedTurnCredentials {
  const nowMs = caller.nowMs ?? Date.now();
  const expiresAtS = Math.floor(nowMs / 1000) + settings.ttlS;
  const tag = caller.userId ?? randomBytes(RANDOM_TAG_BYTES).toString('base64url');
  const username = turnUsername(expiresAtS, tag);
  return {
    server: { urls: [...settings.urls], username, credential: turnCredential(settings.secret, username) },
    expiresAtMs: expiresAtS * 1000,
  };
}

export type TurnCredentialCheck = 'valid' | 'expired' | 'malformed' | 'wrong_credential';

/** What coturn decides for a username/credential pair at `nowMs` (used by tests and for diagnosing a setup). */
export function checkTurnCredential(
  secret: string,
  username: string,
  credential: string,
  nowMs = Date.now(),
): TurnCredentialCheck {
  const expiresAtS = Number(username.split(TURN_USERNAME_SEPARATOR, 1)[0]);
  if (!Number.isInteger(expiresAtS) || expiresAtS <= 0) return 'malformed';
  const expected = Buffer.from(turnCredential(secret, username));
  const given = Buffer.from(credential);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'wrong_credential';
  return expiresAtS * 1000 < nowMs ? 'expired' : 'valid';
}
