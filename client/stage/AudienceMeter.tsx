// The room's mood as a meter from cold (-1) to roaring (1), a small trend line, and the latest reactions.

import type { StageReaction } from '../store/stage-store.js';
import { useStage } from '../ui/app-context.js';
import { moodPercent, moodWord } from './stage-text.js';

const SHOWN_REACTIONS = 3;

/** Presentational, so it renders in tests without stores; `mood` is clamped into [-1, 1]. */
export function AudienceMeterView({
  mood,
  history,
  reactions,
}: {
  mood: number | null;
  history: readonly number[];
  reactions: readonly StageReaction[];
}) {
  const value = mood === null ? 0 : Math.max(-1, Math.min(1, mood));
  const percent = moodPercent(value);
  const word = mood === null ? 'waiting' : moodWord(value);
  const latest = reactions.slice(-SHOWN_REACTIONS).reverse();
  return (
    <section aria-label="Audience" className="flex w-full max-w-sm flex-col gap-2">
      <div className="flex items-baseline justify-between text-xs uppercase tracking-[0.2em] text-stone-400">
        <span>Audience</span>
        <span className="normal-case tracking-normal text-stone-300" data-mood-word={word}>
          {mood === null ? 'waiting for the first laugh' : `the room is ${word}`}
        </span>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a native <meter> cannot show a centered, two-sided scale */}
      <div
        role="meter"
        aria-label="Audience mood"
        aria-valuemin={-1}
        aria-valuemax={1}
        aria-valuenow={Math.round(value * 100) / 100}
        aria-valuetext={mood === null ? 'no reactions yet' : `${word} (${value.toFixed(2)})`}
        className="relative h-3 w-full overflow-hidden rounded-full bg-gradient-to-r from-sky-900/70 via-stone-800 to-amber-700/70"
      >
        <span aria-hidden="true" className="absolute inset-y-0 left-1/2 w-px bg-stone-500" />
        <span
          aria-hidden="true"
          data-mood-percent={percent}
          style={{ left: `calc(${percent}% - 0.5rem)` }}
          className={`absolute top-1/2 size-4 -translate-y-1/2 rounded-full border-2 border-stone-950 motion-safe:transition-[left] motion-safe:duration-500 ${
            mood === null ? 'bg-stone-500' : 'bg-amber-300 shadow-[0_0_12px_rgb(252_211_77/0.6)]'
          }`}
        />
      </div>
      {history.length > 1 ? <MoodTrend history={history} /> : null}
      {latest.length > 0 ? (
        <ul aria-label="Latest reactions" className="flex flex-wrap gap-1.5">
          {latest.map((item, index) => (
            <li
              key={item.turnSeq}
              data-sentiment={item.sentiment}
              className={`rounded-full border px-2.5 py-0.5 text-xs italic ${
                index === 0 ? 'border-amber-400/50 text-amber-100' : 'border-stone-700 text-stone-400'
              }`}
            >
              {item.reaction}
            </li>
          ))}
        </ul>
      ) : null}
      {/* Only the newest reaction is announced, so a screen reader is not flooded. */}
      <p aria-live="polite" className="sr-only">
        {latest[0] ? `Audience: ${latest[0].reaction}` : ''}
      </p>
    </section>
  );
}

function MoodTrend({ history }: { history: readonly number[] }) {
  const width = 100;
  const height = 20;
  const step = width / Math.max(1, history.length - 1);
  const points = history
    .map(
      (mood, index) =>
        `${(index * step).toFixed(1)},${((1 - (Math.max(-1, Math.min(1, mood)) + 1) / 2) * height).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg aria-hidden="true" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" className="h-5 w-full">
      <line x1="0" x2={width} y1={height / 2} y2={height / 2} className="stroke-stone-700" strokeWidth="0.5" />
      <polyline
        points={points}
        fill="none"
        className="stroke-amber-300/80"
        strokeWidth="1.2"
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
}

export function AudienceMeter() {
  const mood = useStage((s) => s.mood);
  const history = useStage((s) => s.moodHistory);
  const reactions = useStage((s) => s.reactions);
  return <AudienceMeterView mood={mood} history={history} reactions={reactions} />;
}
