// Google sign-in verified through google-auth-library against a local issuer (its own keys and certs URL on
// loopback): audience, issuer, expiry and signature are checked by the library, the allow-list and the session
// cookie by us.
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalIssuer, startLocalIssuer } from '../test/local-google-issuer.js';
import { GoogleAuthenticator, SESSION_COOKIE_NAME } from './google-authenticator.js';

const CLIENT_ID = 'test-client.apps.googleusercontent.com';
let issuer: LocalIssuer;
let google: GoogleAuthenticator;

beforeAll(async () => {
  issuer = await startLocalIssuer(CLIENT_ID);
  google = new GoogleAuthenticator({
    clientId: CLIENT_ID,
    secret: 'google-test-secret',
    previousSecrets: [],
    allowList: { emails: new Set(['ada@example.com']), domains: new Set(['improv.example']) },
    certsUrl: issuer.certsUrl,
    issuers: [issuer.issuer],
  });
});
afterAll(async () => {
  await issuer?.close();
});

function request(cookie?: string): IncomingMessage {
  return { headers: cookie ? { cookie } : {}, socket: {} } as unknown as IncomingMessage;
}

const cookieOf = (setCookie: string) => setCookie.split(';')[0]!;

describe('GoogleAuthenticator', () => {
  it('signs in an allowed account and then knows it by its session cookie', async () => {
    const token = issuer.idToken({ sub: '1001', email: 'ada@example.com', name: 'Ada' });
    const player = await google.signIn(token, request());
    expect(player).toMatchObject({ userId: 'google_1001', email: 'ada@example.com' });
    expect(player.setCookie).toMatch(new RegExp(`^${SESSION_COOKIE_NAME}=`));
    expect(player.setCookie).toContain('HttpOnly');
    expect(await google.authenticate(request(cookieOf(player.setCookie)))).toEqual({ userId: 'google_1001' });
    // A whole allowed domain.
    const colleague = await google.signIn(issuer.idToken({ sub: '1002', email: 'bo@improv.example' }), request());
    expect(colleague.userId).toBe('google_1002');
  });

  it('refuses tokens for another audience, expired, signed by another key or unverified', async () => {
    const claims = { sub: '1001', email: 'ada@example.com' };
    const bad = [
      issuer.idToken(claims, { audience: 'someone-else.apps.googleusercontent.com' }),
      issuer.idToken(claims, { expiresInS: -3600 }),
      issuer.idToken(claims, { key: 'foreign' }),
      issuer.idToken({ ...claims, email_verified: false }),
      'not.a.jwt',
    ];
    for (const token of bad) {
      await expect(google.signIn(token, request())).rejects.toMatchObject({ code: 'auth.invalid_token' });
    }
  });

  it('refuses an account that is not on the allow-list', async () => {
    const token = issuer.idToken({ sub: '2002', email: 'mallory@elsewhere.example' });
    await expect(google.signIn(token, request())).rejects.toMatchObject({ code: 'auth.not_allowed', httpStatus: 403 });
  });

  it('asks for sign-in without a session cookie, and never trusts a forged one', async () => {
    await expect(google.authenticate(request())).rejects.toMatchObject({ code: 'auth.required', httpStatus: 401 });
    const forged = `${SESSION_COOKIE_NAME}=google_1001.${Buffer.from('ada@example.com').toString('base64url')}.${Math.floor(Date.now() / 1000)}.kid.sig`;
    await expect(google.authenticate(request(forged))).rejects.toMatchObject({ code: 'auth.required' });
  });
});
