// The stage's one cue: whose moment it is (client/stage/turn-cue.ts), big enough to read across a room, plus
// "Skip intro" while the MC sets the scene. A soft chime when the floor passes to the player.
import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { useAppStore, useServices, useStage } from '../ui/app-context.js';
import { chimeSetting, playChime, setChimeEnabled } from './chime.js';
import { canSkipIntro, MOMENT_TEXT, type StageMoment, stageMoment } from './turn-cue.js';

export function useStageMoment(): StageMoment {
  const phase = useAppStore('scene', (s) => s.phase);
  const speakingSpeaker = useAppStore('scene', (s) => s.speakingSpeaker);
  const partnerSpeakingTurnId = useAppStore('scene', (s) => s.partnerSpeakingTurnId);
  const playerSpeaking = useAppStore('scene', (s) => s.playerSpeaking);
  const nextUp = useAppStore('scene', (s) => s.nextUp);
  const muted = useAppStore('scene', (s) => s.muted);
  const paused = useAppStore('scene', (s) => s.paused);
  const connection = useAppStore('connection', (s) => s.state);
  const stagePhase = useStage((s) => s.scene?.phase ?? null);
  return stageMoment({
    scene: { phase, speakingSpeaker, partnerSpeakingTurnId, playerSpeaking, nextUp, muted, paused },
    connection,
    stagePhase,
  });
}

const TONE: Partial<Record<StageMoment, string>> = {
  you: 'border-amber-300 bg-amber-400 text-stone-950 shadow-lg shadow-amber-500/30',
  'you-speaking': 'border-sky-300/70 bg-sky-950/60 text-sky-50',
  mc: 'border-fuchsia-300/50 bg-fuchsia-950/40 text-fuchsia-50',
  'mc-soon': 'border-fuchsia-300/40 bg-fuchsia-950/30 text-fuchsia-100',
  partner: 'border-amber-300/40 bg-amber-950/30 text-amber-50',
  reconnecting: 'border-amber-500/60 bg-stone-900 text-amber-100',
  paused: 'border-stone-500 bg-stone-800 text-stone-100',
  muted: 'border-rose-400/60 bg-rose-950/50 text-rose-50',
};

export function TurnCue() {
  const moment = useStageMoment();
  const { controller } = useServices();
  const introSkipped = useAppStore('scene', (s) => s.introSkipped);
  const partnerTurnsHeard = useAppStore('scene', (s) => s.partnerTurnsHeard);
  const utterancesSent = useAppStore('scene', (s) => s.utterancesSent);
  const previous = useRef<StageMoment>(moment);
  useEffect(() => {
    const before = previous.current;
    previous.current = moment;
    if (moment === 'you' && (before === 'mc' || before === 'partner')) playChime();
  }, [moment]);
  if (moment === 'idle') return null;
  const skippable = canSkipIntro(moment, { introSkipped, partnerTurnsHeard, utterancesSent });
  return (
    <div className="flex flex-col items-center gap-2">
      <p
        aria-live="polite"
        data-moment={moment}
        data-turn-cue={moment === 'you' ? 'yours' : 'wait'}
        className={`rounded-full border px-5 py-2 text-center text-base font-semibold transition-colors sm:text-lg ${TONE[moment] ?? 'border-stone-700 bg-stone-900/80 text-stone-200'}`}
      >
        {MOMENT_TEXT[moment]}
      </p>
      {skippable ? (
        <button
          type="button"
          onClick={() => controller.skipIntro()}
          className="rounded-full border border-fuchsia-300/50 px-4 py-1.5 text-sm text-fuchsia-100 hover:bg-fuchsia-900/40 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
        >
          Skip intro
        </button>
      ) : null}
    </div>
  );
}

/** "Chime on my cue": a real switch, remembered. */
export function ChimeToggle() {
  const enabled = useStore(chimeSetting, (s) => s.enabled);
  return (
    <label className="flex cursor-pointer items-center gap-2 text-sm text-stone-300">
      <input
        type="checkbox"
        checked={enabled}
        onChange={(event) => setChimeEnabled(event.currentTarget.checked)}
        className="size-4 accent-amber-400"
      />
      Chime on my cue
    </label>
  );
}
