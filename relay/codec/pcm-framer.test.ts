import { describe, expect, it } from 'vitest';
import { PcmFramer } from './pcm-framer.js';

function collect(framer: PcmFramer, chunks: number[][]): number[][] {
  const frames: number[][] = [];
  for (const chunk of chunks) framer.push(Uint8Array.from(chunk), (frame) => frames.push(Array.from(frame)));
  return frames;
}

describe('PcmFramer', () => {
  it('cuts chunks of any size into whole frames, in order', () => {
    const framer = new PcmFramer(4);
    const frames = collect(framer, [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10, 11, 12, 13], [14]]);
    expect(frames).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    expect(framer.bufferedBytes).toBe(2);
    expect(Array.from(framer.flush() ?? [])).toEqual([13, 14, 0, 0]);
    expect(framer.flush()).toBeNull();
  });

  it('clear drops the pending partial frame', () => {
    const framer = new PcmFramer(4);
    collect(framer, [[1, 2]]);
    framer.clear();
    expect(collect(framer, [[5, 6, 7, 8]])).toEqual([[5, 6, 7, 8]]);
  });
});
