// While a scene runs: which phase it is in, which turn, the suggestion it plays and what it has cost so far, as the
// relay reports it.
import { gameOrDefault } from '../../shared/games.js';
import type { StageSceneInfo } from '../store/stage-store.js';
import { useAppStore, useStage } from '../ui/app-context.js';
import { PHASE_LABELS, runningCostText, turnCounterText } from './stage-text.js';

const PHASE_CHIP: Record<StageSceneInfo['phase'], string> = {
  support: 'border-emerald-400/40 bg-emerald-950/40 text-emerald-100',
  fallible: 'border-amber-400/50 bg-amber-950/40 text-amber-100',
  closing: 'border-rose-400/50 bg-rose-950/40 text-rose-100',
  ended: 'border-stone-600 bg-stone-900 text-stone-300',
};

export function SceneInfoView({ scene, costUsd = null }: { scene: StageSceneInfo; costUsd?: number | null }) {
  const phase = PHASE_LABELS[scene.phase];
  const { relationship, location, object } = scene.suggestion;
  return (
    <div className="flex w-full max-w-md flex-col items-center gap-2 text-center" data-scene-phase={scene.phase}>
      <div className="flex flex-wrap items-center justify-center gap-2">
        <span className="text-sm font-semibold text-amber-100">{gameOrDefault(scene.game).name}</span>
        <span aria-hidden="true" className="text-stone-600">
          ·
        </span>
        <span className="text-sm text-stone-300 tabular-nums" data-turn={scene.playerTurns}>
          {turnCounterText(scene.playerTurns, scene.turnBudget)}
        </span>
        {costUsd !== null ? (
          <>
            <span aria-hidden="true" className="text-stone-600">
              ·
            </span>
            <span
              className="text-xs text-stone-400 tabular-nums"
              data-cost-usd={costUsd}
              title="What this scene has cost so far, at the voice model's list price"
            >
              {runningCostText(costUsd)}
            </span>
          </>
        ) : null}
      </div>
      <p aria-live="polite" className="flex flex-wrap items-center justify-center gap-2 text-sm">
        <span
          className={`rounded-full border px-2.5 py-0.5 text-xs font-semibold uppercase tracking-wider ${PHASE_CHIP[scene.phase]}`}
        >
          <span className="sr-only">Phase: </span>
          {phase.label}
        </span>
        <span className="text-stone-400 [@media(max-height:700px)]:hidden">{phase.hint}</span>
      </p>
      <p className="text-xs leading-relaxed text-stone-400 [@media(max-height:700px)]:hidden">
        You two are <span className="text-stone-200">{relationship}</span>, at{' '}
        <span className="text-stone-200">{location}</span>, with <span className="text-stone-200">{object}</span>.
      </p>
    </div>
  );
}

/** Shown while a scene runs and the relay has told us its state. */
export function SceneInfo() {
  const scene = useStage((s) => s.scene);
  const costUsd = useStage((s) => s.costUsd);
  const phase = useAppStore('scene', (s) => s.phase);
  if (!scene || phase === 'idle') return null;
  return <SceneInfoView scene={scene} costUsd={costUsd} />;
}
