// The latest line of whoever is speaking, right under the avatar: on a phone the player reads what the partner
// just said without scrolling to the transcript.

import { useAppStore } from '../ui/app-context.js';
import { SPEAKER_NAMES } from '../ui/speakers.js';

const CAPTION_SPEAKERS = new Set(['partner', 'mc', 'player']);
const TONE: Record<string, string> = {
  partner: 'text-amber-50',
  mc: 'text-fuchsia-50 font-serif',
  player: 'text-sky-50',
};

export function LiveCaption() {
  const phase = useAppStore('scene', (s) => s.phase);
  const latest = useAppStore('transcript', (s) => {
    for (let index = s.entries.length - 1; index >= 0; index--) {
      const entry = s.entries[index]!;
      if (CAPTION_SPEAKERS.has(entry.speaker)) return entry;
    }
    return null;
  });
  if (phase === 'idle' || !latest) return null;
  return (
    <figure
      data-live-caption={latest.speaker}
      className="w-full max-w-md rounded-2xl border border-stone-700/70 bg-stone-950/70 px-4 py-2 text-center"
    >
      <figcaption className="text-xs font-semibold uppercase tracking-wider text-stone-400">
        {SPEAKER_NAMES[latest.speaker]}
      </figcaption>
      <blockquote
        className={`line-clamp-3 text-sm leading-snug sm:text-base ${TONE[latest.speaker] ?? 'text-stone-100'}`}
      >
        {latest.text}
      </blockquote>
    </figure>
  );
}
