// One model call's cancellation: its own timeout, or the session's signal, whichever comes first. Not
// AbortSignal.any([AbortSignal.timeout(ms), session]): Node 20 keeps such a composite signal in a global strong set
// while it has an abort listener (fetch adds one and removes it only when its request is collected), and the
// composite's abort reason (a DOMException whose captured stack holds the caller's receivers) kept every finished
// Session alive (~0.75 MB each). Here the timer is cleared and the listener removed when the call settles.

/** The reasons this deadline aborts with: strings, so no Error (and no captured stack) is kept on the signal. */
export const DEADLINE_TIMEOUT = 'deadline.timeout';
export const DEADLINE_CANCELLED = 'deadline.cancelled';

export interface CallDeadline {
  readonly signal: AbortSignal;
  /** The call ran out of time (as opposed to being cancelled by its parent). */
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** The call settled: stop the timer and let go of the parent. Idempotent. */
  dispose(): void;
}

export function callDeadline(timeoutMs: number, parent?: AbortSignal): CallDeadline {
  const controller = new AbortController();
  let timedOut = false;
  let cancelled = false;
  const onParentAbort = () => {
    cancelled = true;
    controller.abort(DEADLINE_CANCELLED);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(DEADLINE_TIMEOUT);
  }, timeoutMs);
  timer.unref();
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    get cancelled() {
      return cancelled;
    },
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
