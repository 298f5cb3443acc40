import { describe, expect, it } from 'vitest';
import { callDeadline, DEADLINE_CANCELLED, DEADLINE_TIMEOUT } from './call-deadline.js';

describe('callDeadline', () => {
  it('aborts with a string reason when its time runs out', async () => {
    const deadline = callDeadline(10);
    await new Promise<void>((resolve) => deadline.signal.addEventListener('abort', () => resolve()));
    expect([deadline.timedOut, deadline.cancelled, deadline.signal.reason]).toEqual([true, false, DEADLINE_TIMEOUT]);
  });

  it('follows its parent, and lets go of it once disposed', () => {
    const parent = new AbortController();
    const deadline = callDeadline(60_000, parent.signal);
    deadline.dispose();
    parent.abort();
    expect(deadline.signal.aborted).toBe(false);
    const second = callDeadline(60_000, parent.signal);
    expect([second.signal.aborted, second.cancelled, second.signal.reason]).toEqual([true, true, DEADLINE_CANCELLED]);
    second.dispose();
  });

  it('is cancelled when its parent aborts first', () => {
    const parent = new AbortController();
    const deadline = callDeadline(60_000, parent.signal);
    parent.abort();
    expect([deadline.cancelled, deadline.timedOut]).toEqual([true, false]);
    deadline.dispose();
  });
});
