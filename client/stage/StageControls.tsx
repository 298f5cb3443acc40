// Mute, pause and the partner's volume, while a scene runs. Mute closes the mic (the scene goes on); pause also
// silences the partner; neither sends a frame. Both are real toggle buttons (aria-pressed), reachable by keyboard.
import { useStore } from 'zustand';
import { useAppStore, useServices } from '../ui/app-context.js';
import { setPartnerVolume, volumeSetting } from './volume.js';

const TOGGLE =
  'inline-flex min-h-11 items-center gap-2 rounded-full border px-4 py-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300';

export function StageControls() {
  const { controller } = useServices();
  const phase = useAppStore('scene', (s) => s.phase);
  const muted = useAppStore('scene', (s) => s.muted);
  const paused = useAppStore('scene', (s) => s.paused);
  const volume = useStore(volumeSetting, (s) => s.volume);
  if (phase !== 'running' && phase !== 'starting') return null;
  return (
    <div className="flex flex-col items-center gap-3" data-scene-controls="">
      <div className="flex flex-wrap items-center justify-center gap-2">
        <button
          type="button"
          aria-pressed={muted}
          onClick={() => controller.setMuted(!muted)}
          className={`${TOGGLE} ${muted ? 'border-rose-400 bg-rose-900/60 text-rose-50' : 'border-stone-600 bg-stone-900 text-stone-200 hover:bg-stone-800'}`}
        >
          {muted ? 'Unmute' : 'Mute'}
        </button>
        <button
          type="button"
          aria-pressed={paused}
          onClick={() => controller.setPaused(!paused)}
          className={`${TOGGLE} ${paused ? 'border-amber-300 bg-amber-900/50 text-amber-50' : 'border-stone-600 bg-stone-900 text-stone-200 hover:bg-stone-800'}`}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      <label className="flex items-center gap-3 text-sm text-stone-300">
        Partner volume
        <input
          type="range"
          min={0}
          max={100}
          step={5}
          value={Math.round(volume * 100)}
          onChange={(event) => {
            const next = Number(event.currentTarget.value) / 100;
            setPartnerVolume(next);
            controller.setPartnerVolume(next);
          }}
          className="w-32 accent-amber-400"
        />
      </label>
    </div>
  );
}
