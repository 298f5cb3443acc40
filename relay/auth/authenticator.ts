// Who is calling. Every session has an owner: offline, a local anonymous identity per browser kept in an
// HMAC-signed cookie; with AUTH_MODE=google, the Google account (google-authenticator.ts) behind the same seam.
// The cookie: `__Host-` prefixed over HTTPS (no sibling subdomain can plant one), an absolute expiry inside the
// signed value (a stolen cookie stops working), its own key with a key id (rotation), and two cookies of the same
// name are refused rather than guessed between (fixation).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { previousSecretsFromEnv, SigningKeys } from './signing-keys.js';

export interface AuthResult {
  userId: string;
  /** A Set-Cookie header value the caller must send with its response (a new identity was issued). */
  setCookie?: string;
}

export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<AuthResult>;
}

/** The cookie's name over plain HTTP (local development); over HTTPS it is HOST_IDENTITY_COOKIE_NAME. */
export const IDENTITY_COOKIE_NAME = 'iol_uid';
export const HOST_IDENTITY_COOKIE_NAME = `__Host-${IDENTITY_COOKIE_NAME}`;
/** Absolute: an identity signed this long ago is no longer accepted, whatever the browser kept. */
export const IDENTITY_COOKIE_MAX_AGE_S = 30 * 86_400;
const ANONYMOUS_ID_PREFIX = 'anon_';
const ANONYMOUS_ID_BYTES = 16;

export interface AnonymousCookieOptions {
  /** RELAY_SECRET; without one a random per-process secret is used (identities then last one process). */
  secret?: string;
  /** Trust X-Forwarded-Proto (Cloud Run terminates TLS in front of us) when deciding on `Secure`. */
  trustProxy?: boolean;
  /** Secrets that verify but no longer sign (RELAY_SECRET_PREVIOUS when omitted). */
  previousSecrets?: readonly string[];
}

export class AnonymousCookieAuthenticator implements Authenticator {
  private readonly keys: SigningKeys;
  private readonly trustProxy: boolean;

  constructor(options: AnonymousCookieOptions = {}) {
    const secret = options.secret ? Buffer.from(options.secret, 'utf8') : randomBytes(32);
    this.keys = new SigningKeys('cookie', secret, options.previousSecrets ?? previousSecretsFromEnv());
    this.trustProxy = options.trustProxy ?? true;
  }

  async authenticate(req: IncomingMessage): Promise<AuthResult> {
    const secure = this.isHttps(req);
    const existing = this.verify(
      readCookie(req.headers.cookie, secure ? HOST_IDENTITY_COOKIE_NAME : IDENTITY_COOKIE_NAME),
    );
    if (existing) return { userId: existing };
    // Missing, malformed, tampered, expired or doubled: never trust it, never reject the visitor; a fresh identity.
    const userId = `${ANONYMOUS_ID_PREFIX}${randomBytes(ANONYMOUS_ID_BYTES).toString('base64url')}`;
    return { userId, setCookie: this.cookieFor(userId, secure) };
  }

  /** The cookie value for a user id: `<userId>.<issuedAtS>.<kid>.<base64url HMAC-SHA256>`. */
  sign(userId: string, nowMs = Date.now()): string {
    const issuedAtS = Math.floor(nowMs / 1000);
    return `${userId}.${issuedAtS}.${this.keys.sign(`${userId}.${issuedAtS}`)}`;
  }

  /** The user id in a signed value, or null when it is malformed, expired or its signature does not match. */
  verify(value: string | undefined, nowMs = Date.now()): string | null {
    if (!value) return null;
    const parts = value.split('.');
    if (parts.length !== 4) return null;
    const [userId, issuedRaw, kid, signature] = parts as [string, string, string, string];
    if (!userId.startsWith(ANONYMOUS_ID_PREFIX) || !/^\d{1,12}$/.test(issuedRaw)) return null;
    const ageS = nowMs / 1000 - Number(issuedRaw);
    if (ageS > IDENTITY_COOKIE_MAX_AGE_S || ageS < -300) return null;
    return this.keys.verify(`${userId}.${issuedRaw}`, kid, signature) ? userId : null;
  }

  private cookieFor(userId: string, secure: boolean): string {
    const attributes = [
      `${secure ? HOST_IDENTITY_COOKIE_NAME : IDENTITY_COOKIE_NAME}=${this.sign(userId)}`,
      'Path=/',
      `Max-Age=${IDENTITY_COOKIE_MAX_AGE_S}`,
      'HttpOnly',
      'SameSite=Lax',
    ];
    if (secure) attributes.push('Secure');
    return attributes.join('; ');
  }

  private isHttps(req: IncomingMessage): boolean {
    if ((req.socket as TLSSocket).encrypted) return true;
    if (!this.trustProxy) return false;
    const forwarded = req.headers['x-forwarded-proto'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    return first === 'https';
  }
}

/**
 * The value of one cookie from a Cookie header, or undefined. Two cookies of that name (one planted by another
 * site on a parent domain, or a stale path) are refused as none: which one the browser meant cannot be known.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    if (found !== undefined) return undefined;
    found = part.slice(eq + 1).trim();
  }
  return found;
}
