// AUTH_MODE=google: the player signs in with Google Identity Services in the browser, which hands us an ID token
// (a JWT signed by Google). POST /api/auth/google verifies it with google-auth-library (signature against
// Google's published keys, audience = our client id, issuer, expiry), checks the allow-list, and answers with our
// own signed session cookie; every later request (offer, WebSocket, History) is authenticated by that cookie, so
// the player's user id is `google_<sub>` on every browser they sign in from and History follows the account.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { OAuth2Client, type TokenPayload } from 'google-auth-library';
import { AppError } from '../../shared/errors.js';
import { type AllowList, isAllowed } from '../limits/allow-list.js';
import type { Authenticator, AuthResult } from './authenticator.js';
import { readCookie } from './authenticator.js';
import { previousSecretsFromEnv, SigningKeys } from './signing-keys.js';

export const SESSION_COOKIE_NAME = 'iol_session';
export const HOST_SESSION_COOKIE_NAME = `__Host-${SESSION_COOKIE_NAME}`;
/** A signed-in session lasts a week; then GIS signs the player in again (one tap). */
export const SESSION_COOKIE_MAX_AGE_S = 7 * 86_400;
export const GOOGLE_ID_PREFIX = 'google_';

/** Who signs the ID tokens verified here: Google by default; tests name a local issuer on loopback. */
export interface GoogleIssuerOverrides {
  /**
   * Where the issuer's PEM keys are (Google's by default). Tests point it at a local issuer on loopback, so the
   * same verification code runs offline.
   */
  certsUrl?: string;
  /** Accepted `iss` values (Google's two by default). */
  issuers?: string[];
}

/** The google-auth-library client that verifies ID tokens (sign-in, and the budget's Pub/Sub pushes). */
export function googleIdTokenClient(overrides: GoogleIssuerOverrides, clientId?: string): OAuth2Client {
  return new OAuth2Client({
    ...(clientId ? { clientId } : {}),
    ...(overrides.certsUrl ? { endpoints: { oauth2FederatedSignonPemCertsUrl: overrides.certsUrl } } : {}),
    ...(overrides.issuers ? { issuers: overrides.issuers } : {}),
  });
}

export interface GoogleAuthOptions extends GoogleIssuerOverrides {
  clientId: string;
  /** Signs the session cookie (RELAY_SECRET). */
  secret: string;
  previousSecrets?: readonly string[];
  allowList: AllowList;
  trustProxy?: boolean;
}

export interface SignedInPlayer {
  userId: string;
  email: string;
  name?: string;
  setCookie: string;
}

export class GoogleAuthenticator implements Authenticator {
  readonly mode = 'google' as const;
  private readonly client: OAuth2Client;
  private readonly keys: SigningKeys;

  constructor(readonly options: GoogleAuthOptions) {
    this.client = googleIdTokenClient(options, options.clientId);
    this.keys = new SigningKeys('cookie', options.secret, options.previousSecrets ?? previousSecretsFromEnv());
  }

  get clientId(): string {
    return this.options.clientId;
  }

  /** Verifies a GIS credential and returns the player with the cookie to set; AppError when refused. */
  async signIn(idToken: string, request: IncomingMessage): Promise<SignedInPlayer> {
    let payload: TokenPayload | undefined;
    try {
      const ticket = await this.client.verifyIdToken({ idToken, audience: this.options.clientId });
      payload = ticket.getPayload();
    } catch {
      // The library's message says which check failed (audience, expiry, signature): ours, not the browser's.
      throw new AppError('auth.invalid_token', 'the Google sign-in could not be verified; sign in again', 401);
    }
    if (!payload?.sub || !payload.email || payload.email_verified !== true) {
      throw new AppError('auth.invalid_token', 'this Google account has no verified email address', 401);
    }
    if (
      !isAllowed(this.options.allowList, payload.email) &&
      !(payload.hd && this.options.allowList.domains.has(payload.hd))
    ) {
      throw new AppError('auth.not_allowed', `${payload.email} is not on this stage's guest list`, 403);
    }
    const userId = `${GOOGLE_ID_PREFIX}${payload.sub}`;
    return {
      userId,
      email: payload.email,
      name: payload.name,
      setCookie: this.cookieFor(userId, payload.email, request),
    };
  }

  async authenticate(request: IncomingMessage): Promise<AuthResult> {
    const player = this.verifyCookie(readCookie(request.headers.cookie, this.cookieName(request)));
    if (!player) throw new AppError('auth.required', 'sign in with Google to play', 401);
    return { userId: player.userId };
  }

  /** The signed-in player of this request, or null. */
  whoIs(request: IncomingMessage): { userId: string; email: string } | null {
    return this.verifyCookie(readCookie(request.headers.cookie, this.cookieName(request)));
  }

  /** A Set-Cookie that removes the session. */
  signOutCookie(request: IncomingMessage): string {
    return `${this.cookieName(request)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${this.isHttps(request) ? '; Secure' : ''}`;
  }

  private cookieFor(userId: string, email: string, request: IncomingMessage): string {
    const issuedAtS = Math.floor(Date.now() / 1000);
    const body = `${userId}.${Buffer.from(email).toString('base64url')}.${issuedAtS}`;
    const attributes = [
      `${this.cookieName(request)}=${body}.${this.keys.sign(body)}`,
      'Path=/',
      `Max-Age=${SESSION_COOKIE_MAX_AGE_S}`,
      'HttpOnly',
      'SameSite=Lax',
    ];
    if (this.isHttps(request)) attributes.push('Secure');
    return attributes.join('; ');
  }

  private verifyCookie(value: string | undefined): { userId: string; email: string } | null {
    if (!value) return null;
    const parts = value.split('.');
    if (parts.length !== 5) return null;
    const [userId, emailB64, issuedRaw, kid, signature] = parts as [string, string, string, string, string];
    if (!userId.startsWith(GOOGLE_ID_PREFIX) || !/^\d{1,12}$/.test(issuedRaw)) return null;
    const ageS = Date.now() / 1000 - Number(issuedRaw);
    if (ageS > SESSION_COOKIE_MAX_AGE_S || ageS < -300) return null;
    const body = `${userId}.${emailB64}.${issuedRaw}`;
    if (!this.keys.verify(body, kid, signature)) return null;
    const email = Buffer.from(emailB64, 'base64url').toString();
    // The allow-list is checked on every request, so taking someone off it takes effect at once.
    return isAllowed(this.options.allowList, email) ? { userId, email } : null;
  }

  private cookieName(request: IncomingMessage): string {
    return this.isHttps(request) ? HOST_SESSION_COOKIE_NAME : SESSION_COOKIE_NAME;
  }

  private isHttps(request: IncomingMessage): boolean {
    if ((request.socket as TLSSocket).encrypted) return true;
    if (this.options.trustProxy === false) return false;
    const forwarded = request.headers['x-forwarded-proto'];
    return (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() === 'https';
  }
}
