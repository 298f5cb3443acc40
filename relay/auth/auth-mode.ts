// AUTH_MODE picks the authenticator: `anonymous` (the offline default: a signed cookie per browser, no account)
// or `google` (Google sign-in, required in production). GOOGLE_CERTS_URL / GOOGLE_ISSUERS exist for tests that
// run a local issuer; production leaves them unset and Google's own keys and issuers apply.
import { randomBytes } from 'node:crypto';
import { allowListFromEnv } from '../limits/allow-list.js';
import { AnonymousCookieAuthenticator, type Authenticator } from './authenticator.js';
import { GoogleAuthenticator, type GoogleIssuerOverrides } from './google-authenticator.js';

type Env = Record<string, string | undefined>;

export type AuthMode = 'anonymous' | 'google';

export function authModeFromEnv(env: Env = process.env): AuthMode {
  return env.AUTH_MODE?.trim().toLowerCase() === 'google' ? 'google' : 'anonymous';
}

/** `secret` signs the cookies; without one a random per-process secret (identities last one process). */
export function createAuthenticator(env: Env, secret: string | undefined): Authenticator {
  if (authModeFromEnv(env) === 'anonymous') return new AnonymousCookieAuthenticator({ secret });
  const clientId = env.GOOGLE_CLIENT_ID?.trim();
  if (!clientId) throw new Error('AUTH_MODE=google needs GOOGLE_CLIENT_ID (the OAuth client id of the web app)');
  return new GoogleAuthenticator({
    clientId,
    secret: secret ?? randomBytes(32).toString('hex'),
    allowList: allowListFromEnv(env),
    ...googleIssuerOverridesFromEnv(env),
  });
}

/** GOOGLE_CERTS_URL / GOOGLE_ISSUERS: a local issuer for tests (sign-in and budget pushes); unset in production. */
export function googleIssuerOverridesFromEnv(env: Env): GoogleIssuerOverrides {
  const issuers = env.GOOGLE_ISSUERS?.split(',')
    .map((issuer) => issuer.trim())
    .filter(Boolean);
  const certsUrl = env.GOOGLE_CERTS_URL?.trim();
  return { ...(certsUrl ? { certsUrl } : {}), ...(issuers?.length ? { issuers } : {}) };
}

/** What keeps a production relay from starting: anyone could run up the bill without sign-in. */
export function authProblems(env: Env): string[] {
  if (env.NODE_ENV !== 'production') return [];
  if (authModeFromEnv(env) !== 'google') {
    return ['AUTH_MODE is not google: in production every scene must belong to a signed-in player'];
  }
  if (!env.GOOGLE_CLIENT_ID?.trim()) return ['AUTH_MODE=google but GOOGLE_CLIENT_ID is unset'];
  return [];
}
