import { useAppStore, useServices } from './app-context.js';

/** "Start scene" / "End scene". Starting runs inside this click: the audio player needs the gesture. */
export function SceneButton() {
  const { controller } = useServices();
  const phase = useAppStore('scene', (s) => s.phase);
  const active = phase !== 'idle';
  const busy = phase === 'starting' || phase === 'ending';
  return (
    <button
      type="button"
      aria-busy={busy}
      disabled={phase === 'ending'}
      onClick={() => {
        // The controller never rejects: failures land in the scene store as plain words.
        void (active ? controller.end() : controller.start());
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
