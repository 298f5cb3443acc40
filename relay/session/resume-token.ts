// Resume tokens: `<sessionId>.<expiresAtMs>.<kid>.<hmac>` so a reconnecting browser proves it owns the session
// without the relay keeping per-token state (another instance with the same RELAY_SECRET can check it too). The
// key is the resume tokens' own (not the cookies'); a token signed before a rotation verifies until it expires.
import { previousSecretsFromEnv, SigningKeys } from '../auth/signing-keys.js';

export class ResumeTokens {
  private readonly keys: SigningKeys;

  constructor(
    secret: string,
    private readonly ttlMs: number,
    previousSecrets: readonly string[] = previousSecretsFromEnv(),
  ) {
    this.keys = new SigningKeys('resume', secret, previousSecrets);
  }

  issue(sessionId: string, nowMs = Date.now()): string {
    const expiresAtMs = nowMs + this.ttlMs;
    return `${Buffer.from(sessionId).toString('base64url')}.${expiresAtMs}.${this.keys.sign(payload(sessionId, expiresAtMs))}`;
  }

  /** True when the token was issued by us for this session and has not expired. */
  verify(token: string, sessionId: string, nowMs = Date.now()): boolean {
    const parts = token.split('.');
    if (parts.length !== 4) return false;
    const [encodedId, expiresRaw, kid, signature] = parts as [string, string, string, string];
    const expiresAtMs = Number(expiresRaw);
    if (!Number.isSafeInteger(expiresAtMs) || expiresAtMs < nowMs) return false;
    if (Buffer.from(encodedId, 'base64url').toString() !== sessionId) return false;
    return this.keys.verify(payload(sessionId, expiresAtMs), kid, signature);
  }
}

function payload(sessionId: string, expiresAtMs: number): string {
  return `${sessionId}\n${expiresAtMs}`;
}
