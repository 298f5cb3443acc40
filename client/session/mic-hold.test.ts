import { describe, expect, it } from 'vitest';
import type { MicEvents } from '../audio/mic.js';
import { MicHold } from './mic-hold.js';

function recorder() {
  const calls: string[] = [];
  const events: MicEvents = {
    onUtteranceStart: (id) => calls.push(`start ${id}`),
    onFrame: (frame) => calls.push(`frame ${frame[0]}`),
    onUtteranceEnd: (id, count) => calls.push(`end ${id} ${count}`),
    onLevel: (level) => calls.push(`level ${level}`),
  };
  return { calls, events };
}

describe('MicHold', () => {
  it('passes everything through when not held', () => {
    const { calls, events } = recorder();
    const mic = new MicHold().wrap(events);
    mic.onUtteranceStart(1);
    mic.onFrame(new Uint8Array([7]));
    mic.onUtteranceEnd(1, 1);
    expect(calls).toEqual(['start 1', 'frame 7', 'end 1 1']);
  });

  it('sends nothing while held: no start, no frame, no end, level 0', () => {
    const { calls, events } = recorder();
    const hold = new MicHold();
    const mic = hold.wrap(events);
    hold.setHeld(true);
    calls.length = 0;
    mic.onUtteranceStart(2);
    mic.onFrame(new Uint8Array([1]));
    mic.onFrame(new Uint8Array([2]));
    mic.onLevel(0.8);
    mic.onUtteranceEnd(2, 2);
    expect(calls).toEqual(['level 0']);
    expect(hold.framesWithheld).toBe(2);
  });

  it('ends a line at once when the hold begins mid-line, with the frames already sent', () => {
    const { calls, events } = recorder();
    const hold = new MicHold();
    const mic = hold.wrap(events);
    mic.onUtteranceStart(3);
    mic.onFrame(new Uint8Array([1]));
    hold.setHeld(true);
    mic.onFrame(new Uint8Array([2]));
    mic.onUtteranceEnd(3, 2);
    hold.setHeld(false);
    mic.onUtteranceStart(4);
    expect(calls).toEqual(['start 3', 'frame 1', 'end 3 1', 'level 0', 'start 4']);
  });
});
