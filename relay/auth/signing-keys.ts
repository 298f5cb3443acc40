// Signing keys derived from RELAY_SECRET, one per purpose (identity cookies, resume tokens), so a value signed for
// one can never pass as the other. Each key has an id carried in what it signs: after a rotation (the old secret
// moved to RELAY_SECRET_PREVIOUS) values signed with the old key still verify until they expire.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type KeyPurpose = 'cookie' | 'resume';

interface Key {
  id: string;
  bytes: Buffer;
}

export class SigningKeys {
  private readonly current: Key;
  private readonly byId = new Map<string, Key>();

  /** `secret` signs; `previous` only verify. */
  constructor(purpose: KeyPurpose, secret: string | Buffer, previous: readonly string[] = []) {
    this.current = deriveKey(purpose, secret);
    for (const key of [this.current, ...previous.map((old) => deriveKey(purpose, old))]) {
      if (!this.byId.has(key.id)) this.byId.set(key.id, key);
    }
  }

  /** `<kid>.<base64url HMAC-SHA256>` of the payload. */
  sign(payload: string): string {
    return `${this.current.id}.${mac(this.current.bytes, payload)}`;
  }

  /** True when `kidAndMac` (from sign) is this payload's, under the current or a previous key. */
  verify(payload: string, kid: string, signature: string): boolean {
    const key = this.byId.get(kid);
    if (!key) return false;
    const expected = Buffer.from(mac(key.bytes, payload));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** RELAY_SECRET_PREVIOUS: comma-separated secrets that still verify (rotation). */
export function previousSecretsFromEnv(env: Record<string, string | undefined> = process.env): string[] {
  return (env.RELAY_SECRET_PREVIOUS ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
}

function deriveKey(purpose: KeyPurpose, secret: string | Buffer): Key {
  const bytes = createHmac('sha256', secret).update(`improv-olympics-live ${purpose} key v1`).digest();
  return { id: createHash('sha256').update(bytes).digest('hex').slice(0, 8), bytes };
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}
