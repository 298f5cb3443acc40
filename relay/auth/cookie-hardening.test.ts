// The identity cookie against fixation, theft and key reuse (security review finding 6).
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ResumeTokens } from '../session/resume-token.js';
import {
  AnonymousCookieAuthenticator,
  HOST_IDENTITY_COOKIE_NAME,
  IDENTITY_COOKIE_MAX_AGE_S,
  IDENTITY_COOKIE_NAME,
  readCookie,
} from './authenticator.js';

function request(headers: Record<string, string>): IncomingMessage {
  return { headers, socket: {} } as unknown as IncomingMessage;
}

describe('identity cookie', () => {
  const auth = new AnonymousCookieAuthenticator({ secret: 'cookie-secret', previousSecrets: [] });

  it('is __Host- prefixed and Secure over HTTPS, and only that name is read there', async () => {
    const issued = await auth.authenticate(request({ 'x-forwarded-proto': 'https' }));
    expect(issued.setCookie).toMatch(new RegExp(`^${HOST_IDENTITY_COOKIE_NAME}=`));
    expect(issued.setCookie).toContain('Secure');
    expect(issued.setCookie).toContain('Path=/');
    expect(issued.setCookie).not.toContain('Domain');
    const value = issued.setCookie!.split(';')[0]!.split('=')[1]!;
    const back = await auth.authenticate(
      request({ 'x-forwarded-proto': 'https', cookie: `${HOST_IDENTITY_COOKIE_NAME}=${value}` }),
    );
    expect(back).toEqual({ userId: issued.userId });
    // The unprefixed name can be planted by a sibling subdomain: ignored over HTTPS.
    const planted = await auth.authenticate(
      request({ 'x-forwarded-proto': 'https', cookie: `${IDENTITY_COOKIE_NAME}=${value}` }),
    );
    expect(planted.userId).not.toBe(issued.userId);
  });

  it('refuses two cookies of the same name instead of taking the first (fixation)', async () => {
    const victim = auth.sign('anon_victim');
    const attacker = auth.sign('anon_attacker');
    expect(
      readCookie(`${IDENTITY_COOKIE_NAME}=${attacker}; ${IDENTITY_COOKIE_NAME}=${victim}`, IDENTITY_COOKIE_NAME),
    ).toBe(undefined);
    const result = await auth.authenticate(
      request({ cookie: `${IDENTITY_COOKIE_NAME}=${attacker}; ${IDENTITY_COOKIE_NAME}=${victim}` }),
    );
    expect(['anon_victim', 'anon_attacker']).not.toContain(result.userId);
  });

  it('expires absolutely, whatever the browser kept', () => {
    const issuedAtMs = Date.UTC(2026, 0, 1);
    const value = auth.sign('anon_old', issuedAtMs);
    expect(auth.verify(value, issuedAtMs + 1000)).toBe('anon_old');
    expect(auth.verify(value, issuedAtMs + (IDENTITY_COOKIE_MAX_AGE_S + 1) * 1000)).toBeNull();
  });

  it('keeps accepting cookies signed before a key rotation', () => {
    const before = new AnonymousCookieAuthenticator({ secret: 'old-secret', previousSecrets: [] });
    const after = new AnonymousCookieAuthenticator({ secret: 'new-secret', previousSecrets: ['old-secret'] });
    const value = before.sign('anon_kept');
    expect(after.verify(value)).toBe('anon_kept');
    expect(new AnonymousCookieAuthenticator({ secret: 'new-secret', previousSecrets: [] }).verify(value)).toBeNull();
  });

  it('is signed with a key of its own: a resume token never passes as a cookie, nor the reverse', () => {
    const secret = 'shared-relay-secret';
    const cookies = new AnonymousCookieAuthenticator({ secret, previousSecrets: [] });
    const tokens = new ResumeTokens(secret, 60_000, []);
    const [userId, issuedAtS, cookieKid] = cookies.sign('anon_x').split('.');
    const [, , tokenKid] = tokens.issue('anon_x').split('.');
    expect(cookieKid).not.toBe(tokenKid);
    expect(userId).toBe('anon_x');
    expect(issuedAtS).toMatch(/^\d+$/);
  });
});
