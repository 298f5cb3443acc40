// connectDeadline: one signal that aborts with transport.timeout after timeoutMs, or with
// transport.aborted when the caller aborts (also when it already had), and stops after dispose().
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectDeadline } from './connect-deadline.js';
import { TransportError } from './transport-error.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('connectDeadline', () => {
  it('aborts with transport.timeout once timeoutMs has passed', async () => {
    vi.useFakeTimers();
    const deadline = connectDeadline(undefined, 1_000, 'no connection after 1000 ms');
    await vi.advanceTimersByTimeAsync(999);
    expect(deadline.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(deadline.signal.reason).toBeInstanceOf(TransportError);
    expect(deadline.signal.reason).toMatchObject({ code: 'transport.timeout', message: 'no connection after 1000 ms' });
  });

  it('aborts with transport.aborted when the caller aborts, now or already', () => {
    const caller = new AbortController();
    const deadline = connectDeadline(caller.signal, 1_000, 'late');
    caller.abort();
    expect(deadline.signal.reason).toMatchObject({ code: 'transport.aborted' });
    deadline.dispose();

    const already = connectDeadline(caller.signal, 1_000, 'late');
    expect(already.signal.reason).toMatchObject({ code: 'transport.aborted' });
    already.dispose();
  });

  it('after dispose() neither the timer nor the caller aborts it', async () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const deadline = connectDeadline(caller.signal, 1_000, 'late');
    deadline.dispose();
    caller.abort();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(deadline.signal.aborted).toBe(false);
  });
});
