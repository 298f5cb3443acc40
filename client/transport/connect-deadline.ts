// "Stop connecting" as one AbortSignal: the caller aborted, or the connect ran out of time. Its reason
// is the TransportError to fail with, so every await on the way can reject with `signal.reason`.
import { TransportError } from './transport-error.js';

export interface ConnectDeadline {
  readonly signal: AbortSignal;
  /** Stops the timer and stops following the caller's signal; call once connect has settled. */
  dispose(): void;
}

export function connectDeadline(
  callerSignal: AbortSignal | undefined,
  timeoutMs: number,
  timeoutMessage: string,
): ConnectDeadline {
  const gaveUp = new AbortController();
  const timer = setTimeout(() => gaveUp.abort(new TransportError('transport.timeout', timeoutMessage)), timeoutMs);
  const onAbort = () => gaveUp.abort(new TransportError('transport.aborted', 'connect was cancelled'));
  callerSignal?.addEventListener('abort', onAbort, { once: true });
  if (callerSignal?.aborted) onAbort();
  return {
    signal: gaveUp.signal,
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    },
  };
}
