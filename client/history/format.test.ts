import { describe, expect, it } from 'vitest';
import {
  formatCostUsd,
  formatCount,
  formatDuration,
  formatLatencyMs,
  formatPercent,
  formatSceneDateTime,
  formatTimeOfDay,
  frameLossPercent,
  gameName,
} from './format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [-5, '0 s'],
    [499, '0 s'],
    [45_000, '45 s'],
    [59_499, '59 s'],
    [59_500, '1 min 00 s'],
    [185_000, '3 min 05 s'],
    [3_600_000, '1 h 00 min'],
    [3_725_000, '1 h 02 min'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatCostUsd', () => {
  it.each([
    [0, '$0.00'],
    [Number.NaN, '$0.00'],
    [0.0004, '< $0.01'],
    [0.01, '$0.01'],
    [0.0421, '$0.04'],
    [3, '$3.00'],
    [1234.5, '$1,234.50'],
  ])('%d USD is %s', (usd, text) => {
    expect(formatCostUsd(usd)).toBe(text);
  });
});

describe('dates and times', () => {
  const pinned = { locale: 'en-US', timeZone: 'UTC' };
  it('formats a scene’s start in the given locale and zone', () => {
    expect(formatSceneDateTime('2026-11-22T18:00:00.000Z', pinned)).toBe('Sun, Nov 22, 2026, 6:00 PM');
    // Punctuation varies between ICU versions; the zone and the day order must not.
    const berlin = formatSceneDateTime('2026-11-22T18:00:00.000Z', { locale: 'en-GB', timeZone: 'Europe/Berlin' });
    expect(berlin).toContain('22 Nov 2026');
    expect(berlin).toContain('19:00');
    expect(formatTimeOfDay('2026-11-22T18:00:05.000Z', pinned)).toBe('6:00:05 PM');
  });

  it('gives back text it cannot read instead of “Invalid Date”', () => {
    expect(formatSceneDateTime('yesterday', pinned)).toBe('yesterday');
    expect(formatTimeOfDay('', pinned)).toBe('');
  });
});

describe('small figures', () => {
  it('formats latency, counts and loss', () => {
    expect(formatLatencyMs(null)).toBe('—');
    expect(formatLatencyMs(411.6)).toBe('412 ms');
    expect(formatCount(1, 'turn')).toBe('1 turn');
    expect(formatCount(0, 'turn')).toBe('0 turns');
    expect(formatCount(1200, 'frame')).toBe('1,200 frames');
    expect(frameLossPercent({ framesReceived: 0, framesLost: 0, jitterP95Ms: 0, reconnects: 0 })).toBeNull();
    expect(frameLossPercent({ framesReceived: 990, framesLost: 10, jitterP95Ms: 0, reconnects: 0 })).toBe(1);
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(0)).toBe('0.0 %');
    expect(formatPercent(0.05)).toBe('< 0.1 %');
    expect(formatPercent(1.25)).toBe('1.3 %');
  });

  it('names games from the catalog, and readably when the catalog lacks them', () => {
    expect(gameName('yes-and')).toBe('Yes, And');
    expect(gameName('freeze-tag')).toBe('Freeze tag');
    expect(gameName('')).toBe('Unknown game');
  });
});
