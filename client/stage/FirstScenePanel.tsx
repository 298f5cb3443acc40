// For a first visit: how a scene works in three lines, and a mic check (permission + level) before any MC speaks.
// Dismissed once, remembered. Start scene stays available: it asks for the mic itself before the scene exists.
import { useEffect, useId, useRef, useState } from 'react';
import { browserStorage } from '../app/game-choice.js';
import { useAppStore } from '../ui/app-context.js';
import { type MicCheckState, runMicCheck } from './mic-check.js';

const ONBOARDED_KEY = 'iol.onboarded';

function isOnboarded(): boolean {
  try {
    return browserStorage()?.getItem(ONBOARDED_KEY) === 'yes';
  } catch {
    return false;
  }
}

const CHECK_TEXT: Record<MicCheckState['status'], string> = {
  idle: '',
  asking: 'Allow the microphone in your browser’s prompt…',
  listening: 'Say something: “Hello, I’m ready!”',
  ok: '',
  denied: 'The microphone is blocked. Allow it for this site (the icon in the address bar), then check again.',
  missing: 'No microphone was found. Plug one in or pick one in your system settings, then check again.',
};

export function FirstScenePanel() {
  const phase = useAppStore('scene', (s) => s.phase);
  const [open, setOpen] = useState(() => !isOnboarded());
  const [check, setCheck] = useState<MicCheckState>({ status: 'idle' });
  const abortRef = useRef<AbortController | null>(null);
  const headingId = useId();
  useEffect(() => () => abortRef.current?.abort(), []);
  // Starting a scene counts as having read it.
  useEffect(() => {
    if (phase !== 'idle' && open) dismiss();
  });
  if (!open || phase !== 'idle') return null;

  function dismiss() {
    abortRef.current?.abort();
    setOpen(false);
    try {
      browserStorage()?.setItem(ONBOARDED_KEY, 'yes');
    } catch {
      // Shown again next visit; harmless.
    }
  }

  const level = check.status === 'listening' ? check.level : 0;
  const result =
    check.status === 'ok'
      ? check.heard
        ? 'Your mic works. You’re ready.'
        : 'The mic is allowed, but it heard nothing. Check it isn’t muted, then try again.'
      : CHECK_TEXT[check.status];
  return (
    <section
      aria-labelledby={headingId}
      data-first-scene=""
      className="flex w-full max-w-md flex-col gap-3 rounded-2xl border border-amber-400/30 bg-amber-950/20 px-4 py-3 text-left"
    >
      <h2 id={headingId} className="font-serif text-lg text-amber-200">
        How a scene works
      </h2>
      <ol className="list-decimal space-y-1 pl-5 text-sm text-stone-200">
        <li>The MC sets the scene (skip it any time). Wait for “Your turn”.</li>
        <li>Say one line out loud. Your partner answers in their own voice.</li>
        <li>Keep going until the scene ends; the coach then gives you notes.</li>
      </ol>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          disabled={check.status === 'asking' || check.status === 'listening'}
          onClick={() => {
            abortRef.current?.abort();
            const abort = new AbortController();
            abortRef.current = abort;
            void runMicCheck(setCheck, abort.signal);
          }}
          className="rounded-full border border-amber-300/60 px-4 py-2 text-sm font-medium text-amber-100 hover:bg-amber-900/40 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
        >
          Check my mic
        </button>
        <button
          type="button"
          onClick={dismiss}
          className="rounded-full px-4 py-2 text-sm text-stone-300 underline underline-offset-4 hover:text-stone-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
        >
          Got it
        </button>
      </div>
      {check.status !== 'idle' ? (
        <div className="flex flex-col gap-2" data-mic-check={check.status}>
          {/* biome-ignore lint/a11y/useSemanticElements: styled level bar */}
          <div
            role="meter"
            aria-label="Mic check level"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(level * 100)}
            className="h-2 w-full overflow-hidden rounded-full bg-stone-800"
          >
            <div className="h-full bg-amber-300 transition-[width] duration-75" style={{ width: `${level * 100}%` }} />
          </div>
          <p aria-live="polite" className="text-sm text-stone-200">
            {result}
          </p>
        </div>
      ) : null}
    </section>
  );
}
