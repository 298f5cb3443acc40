import { useEffect } from 'react';
import { Link } from '../app/Link.js';
import { PageHeading } from '../app/PageHeading.js';
import { hrefFor } from '../app/routes.js';
import { useAmbientCrowd } from '../audio/use-ambient-crowd.js';
import { AudienceMeter } from '../stage/AudienceMeter.js';
import { FirstScenePanel } from '../stage/FirstScenePanel.js';
import { LiveCaption } from '../stage/LiveCaption.js';
import { SceneInfo } from '../stage/SceneInfo.js';
import { SceneSetupPanel } from '../stage/SceneSetupPanel.js';
import { CoachNotesJump, StageCoachPanel } from '../stage/StageCoachPanel.js';
import { StageControls } from '../stage/StageControls.js';
import { stageStatusText } from '../stage/stage-text.js';
import { ChimeToggle, TurnCue } from '../stage/TurnCue.js';
import { useWakeLock } from '../stage/wake-lock.js';
import { AmbientToggle } from './AmbientToggle.js';
import { useAppStore, useServices, useStage, useStageStore } from './app-context.js';
import { ErrorBanner } from './ErrorBanner.js';
import { GamePicker } from './GamePicker.js';
import { MicMeter } from './MicMeter.js';
import { PartnerIndicator } from './PartnerIndicator.js';
import { SceneButton } from './SceneButton.js';
import { Transcript } from './Transcript.js';

/** Outside a scene: why the last one ended, or an invitation; and, during one, the reply time. */
function StatusLine() {
  const phase = useAppStore('scene', (s) => s.phase);
  const notice = useAppStore('scene', (s) => s.notice);
  const latencyMs = useAppStore('scene', (s) => s.lastVoiceToVoiceMs);
  const upstream = useAppStore('scene', (s) => s.upstream);
  const connection = useAppStore('connection', (s) => s.state);
  // After the reconnect gave up, the scene so far is kept: History shows it.
  const lostSceneId = useAppStore('scene', (s) => (s.error?.code === 'transport.lost' ? s.sessionId : null));
  return (
    <div className="flex flex-col items-center gap-1 text-center">
      {phase === 'idle' ? (
        <p aria-live="polite" className="text-sm text-stone-300 sm:text-base">
          {stageStatusText(phase, connection, notice)}
        </p>
      ) : null}
      {phase === 'idle' && lostSceneId ? (
        <Link
          href={hrefFor({ name: 'scene', sessionId: lostSceneId })}
          className="text-sm text-amber-200 underline underline-offset-2"
        >
          See the scene so far in History
        </Link>
      ) : null}
      {latencyMs !== null || upstream === 'emulator' ? (
        <p className="text-xs text-stone-400 tabular-nums">
          {latencyMs !== null ? <span>Reply time {latencyMs} ms</span> : null}
          {latencyMs !== null && upstream === 'emulator' ? ' · ' : null}
          {upstream === 'emulator' ? <span>offline partner</span> : null}
        </p>
      ) : null}
    </div>
  );
}

/** The room's meter, once there is a room: while a scene runs, and afterwards if it reacted. */
function StageAudience() {
  const phase = useAppStore('scene', (s) => s.phase);
  const reacted = useStage((s) => s.mood !== null);
  const staged = useStage((s) => s.scene !== null);
  if (!(reacted || (staged && phase !== 'idle'))) return null;
  return <AudienceMeter />;
}

/** ?demo=stage | coach | coach-fallback fills the stores with sample messages, to look at the screens offline. */
function useDemo() {
  const services = useServices();
  const stage = useStageStore();
  useEffect(() => {
    const demo = new URLSearchParams(window.location.search).get('demo');
    if (!demo) return;
    // A separate chunk: nothing of the demo loads unless asked for.
    void import('../stage/demo.js').then(({ playDemo }) => playDemo(demo, services.stores, stage));
  }, [services, stage]);
}

export function StagePage() {
  useDemo();
  useAmbientCrowd();
  const phase = useAppStore('scene', (s) => s.phase);
  useWakeLock(phase !== 'idle');
  return (
    <div className="grid flex-1 gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.1fr)] lg:gap-10">
      <PageHeading className="sr-only">Stage</PageHeading>
      <div className="flex flex-col gap-5 lg:sticky lg:top-4 lg:self-start">
        <ErrorBanner />
        <section
          aria-label="Stage"
          className="flex flex-1 flex-col items-center justify-center gap-3 rounded-3xl border border-stone-800 bg-gradient-to-b from-stone-900/40 to-stone-950/60 px-3 py-4 sm:gap-6 sm:px-4 sm:py-10"
        >
          <SceneInfo />
          {/* Phones first: who speaks, their latest line, whose turn it is and the mic all fit the first screen. */}
          <PartnerIndicator />
          <LiveCaption />
          <TurnCue />
          <MicMeter />
          <StageControls />
          <div className="flex w-full flex-col items-center gap-3">
            <SceneButton />
            <GamePicker />
            <SceneSetupPanel />
            <FirstScenePanel />
          </div>
          <StatusLine />
          <CoachNotesJump />
          <StageAudience />
          <div className="flex flex-wrap items-center justify-center gap-x-6 gap-y-2">
            <AmbientToggle />
            <ChimeToggle />
          </div>
        </section>
      </div>
      <div className="flex flex-col gap-6">
        {/* Beside the stage on wide screens, right under it on phones: the first thing to read after a scene. */}
        <StageCoachPanel />
        <div className="flex min-h-[22rem] flex-1 flex-col lg:max-h-[calc(100dvh-7rem)]">
          <Transcript />
        </div>
      </div>
    </div>
  );
}
