import { useEffect, useRef, useState } from 'react';
import { useAppStore, useServices } from './app-context.js';

/** End scene waits this long with an Undo before it really ends: a stray tap or Space never ends a scene. */
export const END_UNDO_MS = 3_000;

/**
 * "Start scene" / "End scene". Starting runs inside this click: the audio player needs the gesture. Ending is
 * undoable: the button turns into "Keep playing" (focused, so a second Space undoes) with an "End now" beside it.
 */
export function SceneButton() {
  const { controller } = useServices();
  const phase = useAppStore('scene', (s) => s.phase);
  const active = phase !== 'idle';
  const busy = phase === 'starting' || phase === 'ending';
  const [endAtMs, setEndAtMs] = useState<number | null>(null);
  const [nowMs, setNowMs] = useState(0);
  const keepRef = useRef<HTMLButtonElement>(null);
  const pending = endAtMs !== null && phase !== 'idle' && phase !== 'ending';

  useEffect(() => {
    if (!pending || endAtMs === null) return;
    keepRef.current?.focus();
    const tick = setInterval(() => setNowMs(performance.now()), 250);
    const timer = setTimeout(
      () => {
        setEndAtMs(null);
        void controller.end();
      },
      Math.max(0, endAtMs - performance.now()),
    );
    return () => {
      clearInterval(tick);
      clearTimeout(timer);
    };
  }, [pending, endAtMs, controller]);
  useEffect(() => {
    if (phase === 'idle' || phase === 'ending') setEndAtMs(null);
  }, [phase]);

  if (pending && endAtMs !== null) {
    const seconds = Math.max(1, Math.ceil((endAtMs - (nowMs || performance.now())) / 1000));
    return (
      <div className="flex flex-col items-center gap-2" data-end-pending="">
        <p aria-live="assertive" className="text-sm text-rose-100">
          Ending the scene in {seconds} s…
        </p>
        <div className="flex flex-wrap items-center justify-center gap-2">
          <button
            ref={keepRef}
            type="button"
            onClick={() => setEndAtMs(null)}
            className="rounded-full bg-amber-400 px-6 py-3 text-base font-semibold text-stone-950 hover:bg-amber-300 focus-visible:outline-3 focus-visible:outline-offset-4 focus-visible:outline-amber-200"
          >
            Keep playing
          </button>
          <button
            type="button"
            onClick={() => {
              setEndAtMs(null);
              void controller.end();
            }}
            className="rounded-full border border-rose-700 bg-rose-950 px-5 py-3 text-base font-semibold text-rose-50 hover:bg-rose-700 focus-visible:outline-3 focus-visible:outline-offset-4 focus-visible:outline-amber-200"
          >
            End now
          </button>
        </div>
      </div>
    );
  }

  return (
    <button
      type="button"
      aria-busy={busy}
      disabled={phase === 'ending'}
      onClick={() => {
        // The controller never rejects: failures land in the scene store as plain words.
        if (!active) void controller.start();
        else if (phase === 'starting') void controller.end();
        else setEndAtMs(performance.now() + END_UNDO_MS);
      }}
      className={`min-w-44 rounded-full px-8 py-3.5 text-lg font-semibold shadow-lg transition focus-visible:outline-3 focus-visible:outline-offset-4 focus-visible:outline-amber-200 disabled:cursor-wait disabled:opacity-70 ${
        active
          ? 'border border-rose-700 bg-rose-950 text-rose-50 shadow-rose-950/40 hover:bg-rose-700'
          : 'bg-amber-400 text-stone-950 shadow-amber-500/30 hover:bg-amber-300'
      }`}
    >
      {active ? 'End scene' : 'Start scene'}
    </button>
  );
}
