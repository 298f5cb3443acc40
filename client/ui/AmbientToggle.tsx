// "Crowd sounds" on/off: a real switch (Space/Enter, a visible focus ring, its state read aloud). The
// click is the user gesture that lets the crowd's audio start, so the setting changes inside it.
import { useId } from 'react';
import { useAmbientSetting } from '../audio/ambient-setting.js';

export interface AmbientToggleViewProps {
  enabled: boolean;
  onChange(enabled: boolean): void;
  /** False where the browser has no Web Audio: the switch is off and says why. */
  available?: boolean;
}

export function AmbientToggleView({ enabled, onChange, available = true }: AmbientToggleViewProps) {
  const switchId = useId();
  const hintId = useId();
  const on = enabled && available;
  return (
    <div className="flex items-center gap-3" data-ambient-enabled={on ? 'true' : 'false'}>
      <label htmlFor={switchId} className="cursor-pointer select-none text-sm text-stone-300">
        Crowd sounds
      </label>
      <button
        id={switchId}
        type="button"
        role="switch"
        aria-checked={on}
        aria-describedby={hintId}
        disabled={!available}
        onClick={() => onChange(!enabled)}
        className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full border transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300 disabled:cursor-not-allowed disabled:opacity-50 ${
          on ? 'border-amber-300 bg-amber-400' : 'border-stone-600 bg-stone-800 hover:border-stone-500'
        }`}
      >
        <span
          aria-hidden="true"
          className={`inline-block size-4 rounded-full shadow transition-transform motion-reduce:transition-none ${
            on ? 'translate-x-6 bg-stone-950' : 'translate-x-1 bg-stone-300'
          }`}
        />
      </button>
      <span id={hintId} className="text-xs text-stone-400">
        {available ? 'Laughs and groans from the room, quietly under your partner' : 'Not available in this browser'}
      </span>
    </div>
  );
}

/** The stage's switch, on the page's one setting (client/audio/ambient-setting.ts). */
export function AmbientToggle() {
  const [enabled, setEnabled] = useAmbientSetting();
  const available = typeof AudioContext !== 'undefined';
  return <AmbientToggleView enabled={enabled} onChange={setEnabled} available={available} />;
}
