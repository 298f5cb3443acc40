// Resume tokens: `<sessionId>.<expiresAtMs>.<hmac>` so a reconnecting browser proves it owns the session
// without the relay keeping per-token state (another instance with the same RELAY_SECRET can check it too).
import { createHmac, timingSafeEqual } from 'node:crypto';

export class ResumeTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  issue(sessionId: string, nowMs = Date.now()): string {
    const expiresAtMs = nowMs + this.ttlMs;
    return `${Buffer.from(sessionId).toString('base64url')}.${expiresAtMs}.${this.sign(sessionId, expiresAtMs)}`;
  }

  /** True when the token was issued by us for this session and has not expired. */
  verify(token: string, sessionId: string, nowMs = Date.now()): boolean {
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const [encodedId, expiresRaw, signature] = parts as [string, string, string];
    const expiresAtMs = Number(expiresRaw);
    if (!Number.isSafeInteger(expiresAtMs) || expiresAtMs < nowMs) return false;
    if (Buffer.from(encodedId, 'base64url').toString() !== sessionId) return false;
    const expected = Buffer.from(this.sign(sessionId, expiresAtMs));
    const actual = Buffer.from(signature);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private sign(sessionId: string, expiresAtMs: number): string {
    return createHmac('sha256', this.secret).update(`${sessionId}\n${expiresAtMs}`).digest('base64url');
  }
}
