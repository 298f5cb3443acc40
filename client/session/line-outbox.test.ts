import { describe, expect, it } from 'vitest';
import { streamIdDelta } from '../../shared/frame.js';
import { LineOutbox } from './line-outbox.js';

const frame = (bytes: number) => new Uint8Array(bytes);

/** One whole line: `sentOn` the connection that streamed it live (null: queued), `current` the one up now. */
function spoken(
  outbox: LineOutbox,
  id: number,
  frames: number,
  bytesEach: number,
  endedAtMs: number,
  sentOn: number | null,
  current: number | null = sentOn,
) {
  outbox.start(id, sentOn);
  const lost = [];
  for (let i = 0; i < frames; i++) lost.push(...outbox.frame(id, frame(bytesEach), current));
  outbox.end(id, frames, endedAtMs);
  return lost;
}

describe('LineOutbox', () => {
  it('keeps lines in order until a cumulative ack forgets them', () => {
    const outbox = new LineOutbox();
    for (const id of [1, 2, 3]) spoken(outbox, id, 2, 10, 0, 1);
    expect(outbox.bytes).toBe(60);
    expect(outbox.ack(2)).toBe(2);
    expect(outbox.lines.map((l) => l.utteranceId)).toEqual([3]);
    expect(outbox.bytes).toBe(20);
    // A repeated (or older) ack forgets nothing more.
    expect(outbox.ack(2)).toBe(0);
    expect(outbox.ack(1)).toBe(0);
  });

  it('compares utterance ids across the u16 wrap', () => {
    expect(streamIdDelta(0xfffe, 1)).toBeGreaterThan(0);
    expect(streamIdDelta(1, 0xfffe)).toBeLessThan(0);
    const outbox = new LineOutbox();
    for (const id of [0xfffe, 0xffff, 1]) spoken(outbox, id, 1, 10, 0, 1);
    expect(outbox.ack(0xffff)).toBe(2);
    expect(outbox.lines.map((l) => l.utteranceId)).toEqual([1]);
  });

  it('after a drop, every unacknowledged line is unsent again; stale ones are taken out as undeliverable', () => {
    const outbox = new LineOutbox({ maxLineAgeMs: 20_000 });
    spoken(outbox, 1, 3, 10, 1_000, 1);
    spoken(outbox, 2, 3, 10, 15_000, 1);
    outbox.start(3, null);
    outbox.frame(3, frame(10), null);
    expect(outbox.unsent().map((l) => l.utteranceId)).toEqual([3]);
    outbox.connectionLost();
    expect(outbox.unsent().map((l) => l.utteranceId)).toEqual([1, 2, 3]);
    // 22 s: line 1 ended 21 s ago (over the bound); line 2 7 s ago; line 3 is still being spoken.
    expect(outbox.takeUndeliverable(22_000)).toEqual([1]);
    expect(outbox.unsent().map((l) => l.utteranceId)).toEqual([2, 3]);
    expect(outbox.bytes).toBe(40);
  });

  it('the memory bound pushes out the oldest lines: lost when never carried, unprotected when sent on the live connection', () => {
    const outbox = new LineOutbox({ maxBytes: 100 });
    spoken(outbox, 1, 4, 10, 0, 7); // sent whole on connection 7, which is still up
    spoken(outbox, 2, 4, 10, 0, null, 7); // queued behind a resend
    const lost = spoken(outbox, 3, 4, 10, 0, null, 7);
    expect(lost).toEqual([]);
    expect(outbox.unprotected).toEqual([1]);
    const more = spoken(outbox, 4, 4, 10, 0, null, 7);
    expect(more.map((l) => l.utteranceId)).toEqual([2]);
    expect(outbox.bytes).toBeLessThanOrEqual(100);
    // After a drop, the resumed welcome's ack covers line 1 (it had arrived): nothing to report for it.
    outbox.connectionLost();
    outbox.ack(1);
    expect(outbox.takeUndeliverable(0)).toEqual([]);
    expect(outbox.unsent().map((l) => l.utteranceId)).toEqual([3, 4]);
  });

  it('an unacknowledged line pushed out of a live connection is reported once the resume does not cover it', () => {
    const outbox = new LineOutbox({ maxBytes: 50 });
    spoken(outbox, 1, 4, 10, 0, 7);
    spoken(outbox, 2, 4, 10, 0, 7);
    expect(outbox.unprotected).toEqual([1]);
    outbox.connectionLost();
    expect(outbox.takeUndeliverable(0)).toEqual([1]);
  });

  it('a single line over the memory bound stops keeping frames and cannot be resent whole', () => {
    const outbox = new LineOutbox({ maxBytes: 30 });
    outbox.start(1, null);
    for (let i = 0; i < 5; i++) outbox.frame(1, frame(10), null);
    outbox.end(1, 5, 0);
    expect(outbox.line(1)?.overflowed).toBe(true);
    expect(outbox.bytes).toBe(0);
    expect(outbox.takeUndeliverable(0)).toEqual([1]);
  });
});
