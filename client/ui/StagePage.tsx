import { useAppStore } from './app-context.js';
import { ConnectionIndicator } from './ConnectionIndicator.js';
import { ErrorBanner } from './ErrorBanner.js';
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
    <div className="stage-backdrop flex min-h-dvh flex-col">
      <header className="mx-auto flex w-full max-w-6xl flex-wrap items-center justify-between gap-3 px-4 pt-4 sm:px-6 sm:pt-6">
        <h1 className="font-serif text-lg tracking-wide text-amber-200 sm:text-2xl">
          Improv Olympics <span className="text-amber-400">Live</span>
        </h1>
        <ConnectionIndicator />
      </header>

      <main className="mx-auto grid w-full max-w-6xl flex-1 gap-6 px-4 py-6 sm:px-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.1fr)] lg:gap-10">
        <div className="flex flex-col gap-5">
          <ErrorBanner />
          <section
            aria-label="Stage"
            className="flex flex-1 flex-col items-center justify-center gap-7 rounded-3xl border border-stone-800 bg-gradient-to-b from-stone-900/40 to-stone-950/60 px-4 py-8 sm:py-10"
          >
            <PartnerIndicator />
            <SceneButton />
            <StatusLine />
            <MicMeter />
          </section>
        </div>
        <div className="flex min-h-[22rem] flex-col lg:max-h-[calc(100dvh-7rem)]">
          <Transcript />
        </div>
      </main>
    </div>
  );
}
