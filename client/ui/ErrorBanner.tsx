import { dispatchScene } from '../store/stores.js';
import { useAppStore, useServices } from './app-context.js';

export function ErrorBanner() {
  const { stores } = useServices();
  const error = useAppStore('scene', (s) => s.error);
  if (!error) return null;
  return (
    <div
      role="alert"
      data-error-code={error.code}
      className="flex items-start gap-3 rounded-xl border border-rose-700/60 bg-rose-950/30 px-4 py-3 text-rose-50 shadow-lg shadow-black/30"
    >
      <span aria-hidden="true" className="mt-0.5 text-lg leading-none">
        ⚠
      </span>
      <p className="flex-1 text-sm leading-relaxed sm:text-base">{error.text}</p>
      <button
        type="button"
        onClick={() => dispatchScene(stores, { type: 'dismiss-error' })}
        className="rounded-md px-2 py-1 text-sm text-rose-100 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
      >
        Dismiss
      </button>
    </div>
  );
}
