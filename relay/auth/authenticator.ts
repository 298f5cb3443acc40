// Who is calling. Every session has an owner; today that is a local anonymous identity per browser, kept in an
// HMAC-signed cookie. Google sign-in can replace AnonymousCookieAuthenticator behind the same seam.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface AuthResult {
  userId: string;
  /** A Set-Cookie header value the caller must send with its response (a new identity was issued). */
  setCookie?: string;
}

export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<AuthResult>;
}

export const IDENTITY_COOKIE_NAME = 'iol_uid';
export const IDENTITY_COOKIE_MAX_AGE_S = 400 * 86_400; // browsers cap cookie lifetime at 400 days
const ANONYMOUS_ID_PREFIX = 'anon_';
const ANONYMOUS_ID_BYTES = 16;
const SIGNATURE_ALGORITHM = 'sha256';

export interface AnonymousCookieOptions {
  /** RELAY_SECRET; without one a random per-process secret is used (identities then last one process). */
  secret?: string;
  /** Trust X-Forwarded-Proto (Cloud Run terminates TLS in front of us) when deciding on `Secure`. */
  trustProxy?: boolean;
}

export class AnonymousCookieAuthenticator implements Authenticator {
  private readonly secret: Buffer;
  private readonly trustProxy: boolean;

  constructor(options: AnonymousCookieOptions = {}) {
    this.secret = options.secret ? Buffer.from(options.secret, 'utf8') : randomBytes(32);
    this.trustProxy = options.trustProxy ?? true;
  }

  async authenticate(req: IncomingMessage): Promise<AuthResult> {
    const existing = this.verify(readCookie(req.headers.cookie, IDENTITY_COOKIE_NAME));
    if (existing) return { userId: existing };
    // Missing, malformed or tampered: never trust it, never reject the visitor; issue a fresh identity.
    const userId = `${ANONYMOUS_ID_PREFIX}${randomBytes(ANONYMOUS_ID_BYTES).toString('base64url')}`;
    return { userId, setCookie: this.cookieFor(userId, this.isHttps(req)) };
  }

  /** The cookie value for a user id: `<userId>.<base64url HMAC-SHA256(secret, userId)>`. */
  sign(userId: string): string {
    return `${userId}.${this.signature(userId).toString('base64url')}`;
  }

  /** The user id in a signed value, or null when it is malformed or its signature does not match. */
  verify(value: string | undefined): string | null {
    if (!value) return null;
    const dot = value.lastIndexOf('.');
    if (dot <= 0) return null;
    const userId = value.slice(0, dot);
    if (!userId.startsWith(ANONYMOUS_ID_PREFIX)) return null;
    const given = Buffer.from(value.slice(dot + 1), 'base64url');
    const expected = this.signature(userId);
    return given.length === expected.length && timingSafeEqual(given, expected) ? userId : null;
  }

  private signature(userId: string): Buffer {
    return createHmac(SIGNATURE_ALGORITHM, this.secret).update(userId).digest();
  }

  private cookieFor(userId: string, secure: boolean): string {
    const attributes = [
      `${IDENTITY_COOKIE_NAME}=${this.sign(userId)}`,
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

/** The value of one cookie from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
