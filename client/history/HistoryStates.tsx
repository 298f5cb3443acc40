// The loading and error panels both history pages share.
import type { HistoryError } from './api.js';
import type { HistoryState } from './use-history.js';

export function LoadingPanel({ label }: { label: string }) {
  return (
    <div className="flex flex-col gap-3" aria-busy="true">
      <p role="status" className="text-sm text-stone-400">
        {label}
      </p>
      {[0, 1, 2].map((row) => (
        <div
          key={row}
          aria-hidden="true"
          className="h-24 rounded-2xl border border-stone-800 bg-stone-900/60 motion-safe:animate-pulse"
        />
      ))}
    </div>
  );
}

/** The failure in plain words; Retry when trying again can help, Reload when this page is out of date. */
export function ErrorPanel({
  error,
  retrying,
  onRetry,
}: {
  error: HistoryError;
  retrying: boolean;
  onRetry: () => void;
}) {
  return (
    <div
      role="alert"
      data-error-kind={error.kind}
      className="flex flex-col items-start gap-3 rounded-2xl border border-rose-700/60 bg-rose-950/30 px-4 py-4 text-rose-50 sm:flex-row sm:items-center sm:px-5"
    >
      <p className="flex-1 leading-relaxed">{error.message}</p>
      {error.retryable ? (
        <button
          type="button"
          aria-disabled={retrying}
          onClick={() => {
            if (!retrying) onRetry();
          }}
          className="shrink-0 rounded-full bg-amber-400 px-5 py-2 font-semibold text-stone-950 hover:bg-amber-300 focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-amber-200 aria-disabled:cursor-wait aria-disabled:opacity-70"
        >
          {retrying ? 'Trying again…' : 'Retry'}
        </button>
      ) : error.kind === 'malformed' ? (
        <button
          type="button"
          onClick={() => window.location.reload()}
          className="shrink-0 rounded-full bg-amber-400 px-5 py-2 font-semibold text-stone-950 hover:bg-amber-300 focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-amber-200"
        >
          Reload page
        </button>
      ) : null}
    </div>
  );
}

/** Whatever is not data yet: the loading panel, or the error (kept on screen while a retry runs). */
export function HistoryProgress<T>({
  state,
  retry,
  loadingLabel,
}: {
  state: HistoryState<T>;
  retry: () => void;
  loadingLabel: string;
}) {
  if (state.status === 'error') return <ErrorPanel error={state.error} retrying={false} onRetry={retry} />;
  if (state.status === 'loading' && state.retrying)
    return <ErrorPanel error={state.retrying} retrying={true} onRetry={retry} />;
  if (state.status === 'loading') return <LoadingPanel label={loadingLabel} />;
  return null;
}
