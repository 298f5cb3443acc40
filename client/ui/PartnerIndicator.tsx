import { useAppStore, useStage } from './app-context.js';

/** The scene partner under the spotlight; it glows while its voice is audible. */
export function PartnerIndicator() {
  const speakingTurnId = useAppStore('scene', (s) => s.partnerSpeakingTurnId);
  const phase = useAppStore('scene', (s) => s.phase);
  const speaking = speakingTurnId !== null;
  // The MC is voiced on the partner's stream; the relay marks its turns (partner.start speaker 'mc').
  const mcSpeaking = useStage((s) => speakingTurnId !== null && s.mcTurnIds.includes(speakingTurnId));
  const caption = mcSpeaking
    ? 'The MC is speaking'
    : speaking
      ? 'Partner is speaking'
      : phase === 'running'
        ? 'Partner is listening'
        : 'Partner is waiting in the wings';
  return (
    <div
      className="flex flex-col items-center gap-3"
      data-partner-speaking={speaking ? 'true' : 'false'}
      data-mc-speaking={mcSpeaking ? 'true' : undefined}
    >
      <div className="relative grid size-28 place-items-center sm:size-36">
        {speaking ? (
          <>
            <span
              aria-hidden="true"
              className="absolute inset-[20%] rounded-full border-2 border-amber-300/70 motion-safe:animate-ping"
            />
            <span
              aria-hidden="true"
              className="absolute inset-[20%] rounded-full border-2 border-amber-300/50 motion-safe:animate-ping [animation-delay:0.7s]"
            />
          </>
        ) : null}
        <div
          aria-hidden="true"
          className={`grid size-full place-items-center rounded-full border transition-all duration-300 ${
            speaking
              ? 'border-amber-300 bg-gradient-to-b from-amber-300/40 to-amber-500/10 shadow-[0_0_60px_rgb(247_185_68/0.45)]'
              : 'border-stone-700 bg-stone-900'
          }`}
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 48 48"
            className={`size-14 sm:size-16 ${speaking ? 'text-amber-200' : 'text-stone-500'}`}
            fill="currentColor"
          >
            <circle cx="24" cy="16" r="8" />
            <path d="M8 42c0-9 7-15 16-15s16 6 16 15z" />
          </svg>
        </div>
      </div>
      <p aria-live="polite" className={`text-sm ${speaking ? 'text-amber-200' : 'text-stone-400'}`}>
        {caption}
      </p>
    </div>
  );
}
