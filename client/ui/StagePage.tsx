import { PageHeading } from '../app/PageHeading.js';
import { useAppStore } from './app-context.js';
import { ErrorBanner } from './ErrorBanner.js';
import { GamePicker } from './GamePicker.js';
import { MicMeter } from './MicMeter.js';
import { PartnerIndicator } from './PartnerIndicator.js';
import { SceneButton } from './SceneButton.js';
import { Transcript } from './Transcript.js';

function StatusLine() {
  const phase = useAppStore('scene', (s) => s.phase);
  const notice = useAppStore('scene', (s) => s.notice);
  const latencyMs = useAppStore('scene', (s) => s.lastVoiceToVoiceMs);
  const upstream = useAppStore('scene', (s) => s.upstream);
  const line =
    phase === 'starting'
      ? 'Setting the stage…'
      : phase === 'running'
        ? 'You’re on. Say a line — your partner will answer.'
        : phase === 'ending'
          ? 'Taking a bow…'
          : (notice ?? 'Step into the light when you’re ready.');
  return (
    <div className="flex flex-col items-center gap-1 text-center">
      <p aria-live="polite" className="text-sm text-stone-300 sm:text-base">
        {line}
      </p>
      {latencyMs !== null || upstream === 'emulator' ? (
        <p className="text-xs text-stone-500 tabular-nums">
          {latencyMs !== null ? <span>Reply time {latencyMs} ms</span> : null}
          {latencyMs !== null && upstream === 'emulator' ? ' · ' : null}
          {upstream === 'emulator' ? <span>offline partner</span> : null}
        </p>
      ) : null}
    </div>
  );
}

export function StagePage() {
  return (
    <div className="grid flex-1 gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.1fr)] lg:gap-10">
      <PageHeading className="sr-only">Stage</PageHeading>
      <div className="flex flex-col gap-5">
        <ErrorBanner />
        <section
          aria-label="Stage"
          className="flex flex-1 flex-col items-center justify-center gap-7 rounded-3xl border border-stone-800 bg-gradient-to-b from-stone-900/40 to-stone-950/60 px-4 py-8 sm:py-10"
        >
          <PartnerIndicator />
          <div className="flex w-full flex-col items-center gap-3">
            <SceneButton />
            <GamePicker />
          </div>
          <StatusLine />
          <MicMeter />
        </section>
      </div>
      <div className="flex min-h-[22rem] flex-col lg:max-h-[calc(100dvh-7rem)]">
        <Transcript />
      </div>
    </div>
  );
}
