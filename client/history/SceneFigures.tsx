import type { SessionDetailJson } from '../../shared/api.js';
import {
  formatCostUsd,
  formatCount,
  formatDuration,
  formatLatencyMs,
  formatPercent,
  frameLossPercent,
} from './format.js';

interface Figure {
  label: string;
  value: string;
  detail?: string;
}

function figuresOf(scene: SessionDetailJson): Figure[] {
  const { usage, quality } = scene;
  return [
    { label: 'Length', value: formatDuration(scene.durationMs), detail: formatCount(scene.turnCount, 'turn') },
    {
      label: 'Reply time',
      value: formatLatencyMs(scene.latencyP50Ms),
      detail: scene.latencyP95Ms === null ? 'median' : `median · slowest 5 % ${formatLatencyMs(scene.latencyP95Ms)}`,
    },
    {
      label: 'Cost',
      value: formatCostUsd(usage.estimatedCostUsd),
      detail: `tokens: ${usage.inputAudioTokens.toLocaleString('en-US')} in · ${usage.outputAudioTokens.toLocaleString('en-US')} out · ${usage.textTokens.toLocaleString('en-US')} text`,
    },
    {
      label: 'Audio',
      value: `${formatPercent(frameLossPercent(quality))} lost`,
      detail: `jitter ${formatLatencyMs(quality.jitterP95Ms)} · ${formatCount(quality.reconnects, 'reconnect')}`,
    },
  ];
}

/** The scene's numbers: how long, how fast the partner answered, what it cost, how the audio held up. */
export function SceneFigures({ scene }: { scene: SessionDetailJson }) {
  return (
    <dl aria-label="Scene figures" className="grid grid-cols-2 gap-3 md:grid-cols-4">
      {figuresOf(scene).map((figure) => (
        <div
          key={figure.label}
          className="flex flex-col gap-0.5 rounded-2xl border border-stone-800 bg-stone-900/60 px-4 py-3"
        >
          <dt className="text-xs uppercase tracking-wider text-stone-400">{figure.label}</dt>
          <dd className="text-lg text-stone-100 tabular-nums">{figure.value}</dd>
          {figure.detail ? <dd className="text-xs leading-snug text-stone-400 tabular-nums">{figure.detail}</dd> : null}
        </div>
      ))}
    </dl>
  );
}
