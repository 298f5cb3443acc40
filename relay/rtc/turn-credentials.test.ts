import { describe, expect, it } from 'vitest';
import { iceServersFor } from './ice-servers.js';
import {
  checkTurnCredential,
  DEFAULT_TURN_TTL_S,
  mintTurnCredentials,
  turnCredential,
  turnUsername,
} from './turn-credentials.js';

const SECRET = 'north-stage-secret';
const SETTINGS = { urls: ['turn:turn.example.com:3478?transport=udp'], secret: SECRET, ttlS: 3_600 };

describe('TURN REST credentials', () => {
  it('matches independently computed HMAC-SHA1 vectors', () => {
    // Fastly's published example: digest.hmac_sha1_base64("key", "input") is "hRO7NVB2zOKuXrnzmatcr9unyKI=".
    expect(turnCredential('key', 'input')).toBe('hRO7NVB2zOKuXrnzmatcr9unyKI=');
    // What coturn derives for this username (obtained once with the openssl CLI, not with node:crypto):
    //   printf '1700003600:anon_user1' | openssl dgst -sha1 -hmac 'north-stage-secret' -binary | base64
    expect(turnCredential(SECRET, '1700003600:anon_user1')).toBe('yzUZKhNMbtFep8+ylRShNS5v4RE=');
  });

  it('puts the expiry first and the user after the separator', () => {
    const minted = mintTurnCredentials(SETTINGS, { userId: 'anon_user1', nowMs: 1_700_000_000_500 });
    expect(minted.server).toEqual({
      urls: SETTINGS.urls,
      username: '1700003600:anon_user1',
      credential: 'yzUZKhNMbtFep8+ylRShNS5v4RE=',
    });
    expect(minted.expiresAtMs).toBe(1_700_003_600_000);
  });

  it('gives anonymous callers distinct random tags and keeps user ids free of separators', () => {
    const a = mintTurnCredentials(SETTINGS, { nowMs: 1_700_000_000_000 });
    const b = mintTurnCredentials(SETTINGS, { nowMs: 1_700_000_000_000 });
    expect(a.server.username).toMatch(/^1700003600:[A-Za-z0-9_-]{12}$/);
    expect(a.server.username).not.toBe(b.server.username);
    expect(a.server.credential).not.toBe(b.server.credential);
    expect(turnUsername(5, 'google:123 x')).toBe('5:google_123_x');
    expect(turnUsername(5, 'u'.repeat(200))).toHaveLength(2 + 64);
  });

  it('is valid until its expiry, and only with the same secret', () => {
    const nowMs = 1_700_000_000_000;
    const { server, expiresAtMs } = mintTurnCredentials(SETTINGS, { userId: 'anon_x', nowMs });
    expect(checkTurnCredential(SECRET, server.username, server.credential, nowMs)).toBe('valid');
    expect(checkTurnCredential(SECRET, server.username, server.credential, expiresAtMs)).toBe('valid');
    expect(checkTurnCredential(SECRET, server.username, server.credential, expiresAtMs + 1_000)).toBe('expired');
    expect(checkTurnCredential('other', server.username, server.credential, nowMs)).toBe('wrong_credential');
    expect(checkTurnCredential(SECRET, 'anon_x', turnCredential(SECRET, 'anon_x'), nowMs)).toBe('malformed');
  });

  it('defaults to a one-hour lifetime', () => {
    expect(DEFAULT_TURN_TTL_S).toBe(3_600);
  });
});

describe('iceServersFor', () => {
  const stun = { urls: 'stun:stun.example.com:3478' };

  it('hands out only the static servers without TURN', () => {
    expect(iceServersFor({ staticServers: [stun] })).toEqual({ iceServers: [stun], ttlS: null });
  });

  it('adds a freshly minted TURN server after the static ones', () => {
    const nowMs = 1_700_000_000_250;
    const { iceServers, ttlS } = iceServersFor({ staticServers: [stun], turn: SETTINGS }, { userId: 'anon_q', nowMs });
    expect(iceServers[0]).toEqual(stun);
    expect(iceServers[1]).toMatchObject({ urls: SETTINGS.urls, username: '1700003600:anon_q' });
    // The expiry is a whole second, so 0.25 s of the hour is already gone.
    expect(ttlS).toBe(3_599);
  });
});
