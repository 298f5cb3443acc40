import { useAppStore } from './app-context.js';

const BAR_COUNT = 14;

/** Mic input level as a row of bars; only this component re-renders on each level update. */
export function MicMeter() {
  const level = useAppStore('levels', (s) => s.micLevel);
  const speaking = useAppStore('scene', (s) => s.playerSpeaking);
  const percent = Math.round(level * 100);
  const litBars = Math.round(level * BAR_COUNT);
  return (
    <div className="flex flex-col items-center gap-2">
      {/* biome-ignore lint/a11y/useSemanticElements: a native <meter> cannot hold the bar segments */}
      <div
        role="meter"
        aria-label="Microphone level"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="flex h-10 items-end gap-1"
      >
        {Array.from({ length: BAR_COUNT }, (_, i) => (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: bars are positional and never reorder
            key={i}
            aria-hidden="true"
            style={{ height: `${30 + ((i * 5) % 70)}%` }}
            className={`w-1.5 rounded-full transition-colors duration-75 ${i < litBars ? 'bg-amber-300' : 'bg-stone-700'}`}
          />
        ))}
      </div>
      <p className="text-xs uppercase tracking-[0.2em] text-stone-400" data-player-speaking={speaking}>
        {speaking ? 'You’re speaking' : 'Your mic'}
      </p>
    </div>
  );
}
