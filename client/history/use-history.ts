// Loads one history resource for a page: loading → ready | error, with a retry that keeps the error on screen
// (and focus on its Retry button) until the next answer arrives.
import { useEffect, useState } from 'react';
import { HistoryError, type HistorySubject } from './api.js';

export type HistoryState<T> =
  | { status: 'loading'; retrying: HistoryError | null }
  | { status: 'ready'; data: T }
  | { status: 'error'; error: HistoryError };

/** A page may keep reading a resource that is still changing (a scene that just ended is written a moment later). */
export interface RefreshWhile<T> {
  /** True while the data may still change: read again after `everyMs`. */
  changing: (data: T) => boolean;
  everyMs?: number;
  /** At most this many extra reads (a scene really in progress elsewhere is not polled forever). */
  maxReads?: number;
}

export function useHistory<T>(
  load: (signal: AbortSignal) => Promise<T>,
  subject: HistorySubject,
  key: string,
  refresh?: RefreshWhile<T>,
): { state: HistoryState<T>; retry: () => void } {
  const [state, setState] = useState<HistoryState<T>>({ status: 'loading', retrying: null });
  const [attempt, setAttempt] = useState(0);
  // Extra reads of this resource (`key`): another scene's page starts again from none.
  const [reads, setReads] = useState({ key, count: 0 });
  const readsOfKey = reads.key === key ? reads.count : 0;

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-armed by the data just read, not by a new `refresh` object
  useEffect(() => {
    if (!refresh || state.status !== 'ready' || !refresh.changing(state.data)) return;
    if (readsOfKey >= (refresh.maxReads ?? 60)) return;
    // A quiet re-read: the page keeps showing what it has until the new answer replaces it.
    const timer = setTimeout(() => {
      setReads({ key, count: readsOfKey + 1 });
      setAttempt((count) => count + 1);
    }, refresh.everyMs ?? 2_000);
    return () => clearTimeout(timer);
  }, [state]);

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
