import { describe, expect, it } from 'vitest';
import { ErrorLimiter } from './error-limiter.js';
import { ResumeTokens } from './resume-token.js';
import { canTransition, SessionStateMachine } from './state.js';
import { UplinkStats } from './uplink-stats.js';

describe('ResumeTokens', () => {
  const tokens = new ResumeTokens('secret', 60_000);

  it('verifies its own token for the same session before expiry', () => {
    const token = tokens.issue('s-1', 1_000);
    expect(tokens.verify(token, 's-1', 2_000)).toBe(true);
    expect(tokens.verify(token, 's-2', 2_000)).toBe(false);
    expect(tokens.verify(token, 's-1', 61_001)).toBe(false);
  });

  it('rejects tampering and other secrets', () => {
    const token = tokens.issue('s-1', 1_000);
    const [id, expiry, mac] = token.split('.');
    expect(tokens.verify(`${id}.${Number(expiry) + 1}.${mac}`, 's-1', 2_000)).toBe(false);
    expect(tokens.verify(`${token}x`, 's-1', 2_000)).toBe(false);
    expect(tokens.verify('garbage', 's-1', 2_000)).toBe(false);
    expect(new ResumeTokens('other', 60_000).verify(token, 's-1', 2_000)).toBe(false);
  });
});

describe('ErrorLimiter', () => {
  it('allows a burst, then refills over time', () => {
    let nowMs = 0;
    const limiter = new ErrorLimiter(3, 2, () => nowMs);
    expect([limiter.allow(), limiter.allow(), limiter.allow(), limiter.allow()]).toEqual([true, true, true, false]);
    expect(limiter.suppressed).toBe(1);
    nowMs = 499;
    expect(limiter.allow()).toBe(false);
    nowMs = 1_000;
    expect(limiter.allow()).toBe(true);
  });
});

describe('SessionStateMachine', () => {
  it('allows only open → live → draining → closed (and early exits)', () => {
    const machine = new SessionStateMachine();
    const seen: string[] = [];
    machine.onTransition((to, from) => seen.push(`${from}→${to}`));
    expect(machine.transition('closed')).toBe(true);
    expect(machine.transition('live')).toBe(false);
    expect(seen).toEqual(['open→closed']);
    expect(canTransition('live', 'open')).toBe(false);
    expect(canTransition('draining', 'live')).toBe(false);
    expect(canTransition('open', 'live')).toBe(true);
    expect(canTransition('live', 'draining')).toBe(true);
    expect(canTransition('draining', 'closed')).toBe(true);
  });
});

describe('UplinkStats', () => {
  it('counts gaps as lost, late frames as late (recovering a loss), and bytes', () => {
    const stats = new UplinkStats();
    stats.record(0, 0, 1_000, 50);
    stats.record(1, 20, 1_020, 50);
    stats.record(4, 80, 1_080, 50); // 2 and 3 missing
    expect(stats.framesLost).toBe(2);
    stats.record(2, 40, 1_085, 50); // 2 arrives late
    expect(stats.snapshot()).toMatchObject({ framesReceived: 4, framesLost: 1, framesLate: 1, bytesReceived: 200 });
  });

  it('estimates jitter from arrival spacing against sender timestamps, across u32 wrap', () => {
    const steady = new UplinkStats();
    for (let i = 0; i < 50; i++) steady.record(i, (0xffffffff - 200 + i * 20) >>> 0, 5_000 + i * 20, 40);
    expect(steady.jitterMs).toBeCloseTo(0, 5);
    const jittery = new UplinkStats();
    for (let i = 0; i < 200; i++) jittery.record(i, i * 20, 5_000 + i * 20 + (i % 2 ? 10 : 0), 40);
    expect(jittery.jitterMs).toBeGreaterThan(8);
    expect(jittery.jitterMs).toBeLessThan(11);
  });
});
