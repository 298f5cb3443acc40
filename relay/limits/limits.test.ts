import { describe, expect, it } from 'vitest';
import { limitsFromEnv } from './config.js';
import { PendingBudget } from './pending-budget.js';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows the burst, then the rate', () => {
    const bucket = new TokenBucket(50, 10, 0);
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (bucket.take(0)) allowed++;
    expect(allowed).toBe(10);
    // One second later: 50 more (capped at the burst of 10 saved up).
    allowed = 0;
    for (let i = 0; i < 100; i++) if (bucket.take(1000)) allowed++;
    expect(allowed).toBe(10);
    // Paced at the rate, never refused.
    let refused = 0;
    for (let ms = 1020; ms < 11_000; ms += 20) if (!bucket.take(ms)) refused++;
    expect(refused).toBe(0);
  });
});

describe('PendingBudget', () => {
  it('caps each address and the whole relay, and frees a slot once released', () => {
    const budget = new PendingBudget(3, 2);
    const a1 = budget.admit('a');
    const a2 = budget.admit('a');
    expect(budget.admit('a')).toMatchObject({ ok: false, code: 'limit.pending' });
    const b1 = budget.admit('b');
    expect(budget.admit('c')).toMatchObject({ ok: false, code: 'limit.pending' });
    expect(budget.isFull).toBe(true);
    if (!a1.ok || !a2.ok || !b1.ok) throw new Error('admitted');
    a1.ticket.release();
    a1.ticket.release();
    expect(budget.size).toBe(2);
    expect(budget.admit('c').ok).toBe(true);
  });
});

describe('limitsFromEnv', () => {
  it('reads the variables and refuses nonsense', () => {
    const limits = limitsFromEnv({ MAX_SCENE_MS: '60000', ALLOWED_ORIGINS: 'https://a.example/, https://b.example' });
    expect(limits.maxSceneMs).toBe(60_000);
    expect(limits.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(() => limitsFromEnv({ UPLINK_FRAMES_PER_S: '0' })).toThrow(/UPLINK_FRAMES_PER_S/);
  });
});
