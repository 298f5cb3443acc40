import { useEffect, useRef } from 'react';
import { LOST_LINE_MARK } from '../stage/stage-text.js';
import { useAppStore } from './app-context.js';
import { SPEAKER_NAMES, SPEAKER_STYLES } from './speakers.js';

/** Keeps the newest line in view unless the reader scrolled up to look back. */
const STICK_TO_BOTTOM_PX = 48;

export function Transcript() {
  const entries = useAppStore('transcript', (s) => s.entries);
  const phase = useAppStore('scene', (s) => s.phase);
  const listRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the entries change
  useEffect(() => {
    const list = listRef.current;
    if (list && stickRef.current) list.scrollTop = list.scrollHeight;
  }, [entries]);

  return (
    <section aria-labelledby="transcript-heading" className="flex min-h-0 flex-1 flex-col">
      <h2 id="transcript-heading" className="mb-2 font-serif text-lg text-amber-200">
        Transcript
      </h2>
      <div
        ref={listRef}
        role="log"
        aria-label="Transcript"
        aria-live="polite"
        // Scrollable, so it must be reachable by keyboard.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region needs focus for keyboard scrolling
        tabIndex={0}
        onScroll={(event) => {
          const el = event.currentTarget;
          stickRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX;
        }}
        className="relative flex min-h-48 flex-1 flex-col gap-2 overflow-y-auto rounded-2xl border border-stone-700 bg-stone-900/70 p-3 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300 sm:p-4"
      >
        {entries.length === 0 ? (
          <div className="m-auto max-w-xs text-center text-sm text-stone-400">
            {phase === 'idle'
              ? 'Press Start scene and say your first line. Every word lands here.'
              : 'Listening for your first line…'}
          </div>
        ) : (
          entries.map((entry) => (
            <div
              key={entry.key}
              data-speaker={entry.speaker}
              data-final={entry.final ? 'true' : 'false'}
              data-interrupted={entry.interrupted ? 'true' : undefined}
              data-lost={entry.lost ? 'true' : undefined}
              className={`max-w-[85%] rounded-2xl border px-3 py-2 text-sm leading-relaxed sm:text-base ${SPEAKER_STYLES[entry.speaker]} ${entry.final ? '' : 'opacity-75'}`}
            >
              <span className="mr-2 text-xs font-semibold uppercase tracking-wider opacity-70">
                {SPEAKER_NAMES[entry.speaker]}
                <span className="sr-only">:</span>
              </span>
              <span>{entry.text}</span>
              {entry.interrupted ? <span className="ml-1 text-xs opacity-70">(cut off)</span> : null}
              {entry.lost ? <span className="ml-1 text-xs opacity-70">{LOST_LINE_MARK}</span> : null}
            </div>
          ))
        )}
      </div>
    </section>
  );
}
