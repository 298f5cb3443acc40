import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnonymousCookieAuthenticator, IDENTITY_COOKIE_NAME, readCookie } from './authenticator.js';

const auth = new AnonymousCookieAuthenticator({ secret: 'test-secret' });
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    auth.authenticate(req).then((result) => {
      if (result.setCookie) res.setHeader('set-cookie', result.setCookie);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ userId: result.userId }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function whoAmI(headers: Record<string, string> = {}): Promise<{ userId: string; setCookie: string | null }> {
  const response = await fetch(`${baseUrl}/whoami`, { headers });
  const body = (await response.json()) as { userId: string };
  return { userId: body.userId, setCookie: response.headers.get('set-cookie') };
}

function cookieValue(setCookie: string): string {
  return setCookie.split(';')[0]!.slice(IDENTITY_COOKIE_NAME.length + 1);
}

describe('AnonymousCookieAuthenticator', () => {
  it('issues a new identity with a signed, HttpOnly, SameSite=Lax cookie, then recognises it', async () => {
    const first = await whoAmI();
    expect(first.userId).toMatch(/^anon_[A-Za-z0-9_-]{22}$/);
    expect(first.setCookie).toContain(`${IDENTITY_COOKIE_NAME}=${first.userId}.`);
    expect(first.setCookie).toContain('HttpOnly');
    expect(first.setCookie).toContain('SameSite=Lax');
    expect(first.setCookie).toContain('Path=/');
    expect(first.setCookie).not.toContain('Secure');

    const again = await whoAmI({ cookie: `other=1; ${IDENTITY_COOKIE_NAME}=${cookieValue(first.setCookie!)}` });
    expect(again).toEqual({ userId: first.userId, setCookie: null });
  });

  it('gives two browsers two identities', async () => {
    const a = await whoAmI();
    const b = await whoAmI();
    expect(a.userId).not.toBe(b.userId);
  });

  it('never trusts a tampered cookie: a forged id or signature gets a fresh identity', async () => {
    const victim = await whoAmI();
    const value = cookieValue(victim.setCookie!);
    const [, signature] = value.split('.');
    const forgedIds = [
      `anon_attackerchosenid0000.${signature}`, // someone else's signature on a chosen id
      `${victim.userId}.${signature!.slice(0, -2)}AA`, // signature altered
      `${victim.userId}.`, // no signature
      victim.userId, // no dot at all
      `${victim.userId}.${new AnonymousCookieAuthenticator({ secret: 'other' }).sign(victim.userId).split('.')[1]}`,
    ];
    for (const forged of forgedIds) {
      const result = await whoAmI({ cookie: `${IDENTITY_COOKIE_NAME}=${forged}` });
      expect(result.userId).not.toBe(victim.userId);
      expect(result.userId).not.toBe('anon_attackerchosenid0000');
      expect(result.setCookie).toContain(`${IDENTITY_COOKIE_NAME}=${result.userId}.`);
    }
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const result = await whoAmI({ 'x-forwarded-proto': 'https' });
    expect(result.setCookie).toContain('Secure');
  });

  it('a per-process random secret does not accept another process’s cookies', () => {
    const one = new AnonymousCookieAuthenticator();
    const two = new AnonymousCookieAuthenticator();
    const signed = one.sign('anon_abc');
    expect(one.verify(signed)).toBe('anon_abc');
    expect(two.verify(signed)).toBeNull();
  });

  it('reads one cookie among several', () => {
    expect(readCookie('a=1; iol_uid=x.y; b=2', 'iol_uid')).toBe('x.y');
    expect(readCookie('a=1', 'iol_uid')).toBeUndefined();
    expect(readCookie(undefined, 'iol_uid')).toBeUndefined();
  });
});
