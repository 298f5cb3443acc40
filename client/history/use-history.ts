// Loads one history resource for a page: loading → ready | error, with a retry that keeps the error on screen
// (and focus on its Retry button) until the next answer arrives.
import { useEffect, useState } from 'react';
import { HistoryError, type HistorySubject } from './api.js';

export type HistoryState<T> =
  | { status: 'loading'; retrying: HistoryError | null }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: HistoryError };

export function useHistory<T>(
  load: (signal: AbortSignal) => Promise<T>,
  subject: HistorySubject,
  key: string,
): { state: HistoryState<T>; retry: () => void } {
  const [state, setState] = useState<HistoryState<T>>({ status: 'loading', retrying: null });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the resource (key) or the attempt changes, not when the caller re-creates `load`
  useEffect(() => {
    const abort = new AbortController();
    load(abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        // Anything that is not already a HistoryError is a bug on our side; still show words, not a blank page.
        const failure = error instanceof HistoryError ? error : new HistoryError('server', subject, null);
        setState({ status: 'error', error: failure });
      },
    );
    return () => abort.abort();
  }, [key, attempt]);

  const retry = () => {
    setState((current) => (current.status === 'error' ? { status: 'loading', retrying: current.error } : current));
    setAttempt((count) => count + 1);
  };
  return { state, retry };
}
