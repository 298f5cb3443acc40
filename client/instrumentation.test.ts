// window.__improv's player figures: the MC plays on the partner's stream, so its turns are split out of playedTurns.
import { describe, expect, it } from 'vitest';
import { splitPlayedTurns } from './instrumentation.js';

describe('splitPlayedTurns', () => {
  it('keeps the partner’s turns in playedTurns and moves the MC’s to mcPlayedTurns', () => {
    const stats = {
      bufferedMs: 0,
      targetMs: 60,
      underruns: 0,
      lateFrames: 0,
      shiftedMs: 0,
      concealedMs: 0,
      lastInterruptToSilenceMs: null,
      playedTurns: [
        { turnId: 1, playedMs: 9_000, rms: 0.2 },
        { turnId: 2, playedMs: 1_500, rms: 0.1 },
        { turnId: 4, playedMs: 5_000, rms: 0.2 },
      ],
    };
    const split = splitPlayedTurns(stats, [1, 4]);
    expect(split?.playedTurns.map((t) => t.turnId)).toEqual([2]);
    expect(split?.mcPlayedTurns.map((t) => t.turnId)).toEqual([1, 4]);
    expect(split?.underruns).toBe(0);
    expect(splitPlayedTurns(null, [1])).toBeNull();
  });
});
