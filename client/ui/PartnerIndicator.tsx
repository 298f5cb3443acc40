import type { ScenePhase } from '../store/scene-reducer.js';
import { useAppStore } from './app-context.js';
import { SPEAKER_NAMES } from './speakers.js';

/** Who is audible on the downlink right now: the scene partner, the MC (voiced on the same stream), or nobody. */
export type AudibleSpeaker = 'partner' | 'mc' | null;

/** The scene partner under the spotlight; it glows while a voice is audible, and says whose (partner or MC). */
export function PartnerIndicator() {
  const speakingTurnId = useAppStore('scene', (s) => s.partnerSpeakingTurnId);
  // The relay marks the MC's turns (partner.start speaker 'mc'); the scene store keeps whose turn is playing.
  const speakingSpeaker = useAppStore('scene', (s) => s.speakingSpeaker);
  const phase = useAppStore('scene', (s) => s.phase);
  const audible: AudibleSpeaker = speakingTurnId === null ? null : speakingSpeaker === 'mc' ? 'mc' : 'partner';
  return <PartnerIndicatorView audible={audible} phase={phase} />;
}

export function indicatorCaption(audible: AudibleSpeaker, phase: ScenePhase): string {
  if (audible === 'mc') return `The ${SPEAKER_NAMES.mc} is speaking`;
  if (audible === 'partner') return `${SPEAKER_NAMES.partner} is speaking`;
  return phase === 'running' ? 'Partner is listening' : 'Partner is waiting in the wings';
}

// The MC's glow is the MC's transcript colour (fuchsia), the partner's is amber: who talks shows at a glance.
const GLOW = {
  partner: {
    ring: 'border-amber-300/70',
    ringSoft: 'border-amber-300/50',
    disc: 'border-amber-300 bg-gradient-to-b from-amber-300/40 to-amber-500/10 shadow-[0_0_60px_rgb(247_185_68/0.45)]',
    text: 'text-amber-200',
  },
  mc: {
    ring: 'border-fuchsia-300/70',
    ringSoft: 'border-fuchsia-300/50',
    disc: 'border-fuchsia-300 bg-gradient-to-b from-fuchsia-300/40 to-fuchsia-500/10 shadow-[0_0_60px_rgb(217_70_239/0.45)]',
    text: 'text-fuchsia-200',
  },
} as const;

export function PartnerIndicatorView({ audible, phase }: { audible: AudibleSpeaker; phase: ScenePhase }) {
  const glow = audible ? GLOW[audible] : null;
  return (
    <div
      className="flex flex-col items-center gap-1.5 sm:gap-3"
      data-partner-speaking={audible ? 'true' : 'false'}
      data-mc-speaking={audible === 'mc' ? 'true' : undefined}
      data-speaking={audible ?? 'none'}
    >
      <div
        className={`relative grid place-items-center ${phase === 'idle' ? 'size-28 sm:size-36' : 'size-16 sm:size-32'}`}
      >
        {glow ? (
          <>
            <span
              aria-hidden="true"
              className={`absolute inset-[20%] rounded-full border-2 ${glow.ring} motion-safe:animate-ping`}
            />
            <span
              aria-hidden="true"
              className={`absolute inset-[20%] rounded-full border-2 ${glow.ringSoft} motion-safe:animate-ping [animation-delay:0.7s]`}
            />
          </>
        ) : null}
        <div
          aria-hidden="true"
          className={`grid size-full place-items-center rounded-full border transition-all duration-300 ${
            glow ? glow.disc : 'border-stone-700 bg-stone-900'
          }`}
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 48 48"
            className={`${phase === 'idle' ? 'size-14' : 'size-9'} sm:size-16 ${glow ? glow.text : 'text-stone-500'}`}
            fill="currentColor"
          >
            <circle cx="24" cy="16" r="8" />
            <path d="M8 42c0-9 7-15 16-15s16 6 16 15z" />
          </svg>
        </div>
      </div>
      <p
        aria-live="polite"
        className={`text-xs sm:text-sm ${phase === 'idle' ? '' : '[@media(max-height:700px)]:sr-only'} ${glow ? glow.text : 'text-stone-400'}`}
      >
        {indicatorCaption(audible, phase)}
      </p>
    </div>
  );
}
