import type { SessionDetailJson, TurnJson } from '../../shared/api.js';
import { SPEAKER_NAMES, SPEAKER_STYLES } from '../ui/speakers.js';
import { formatLatencyMs } from './format.js';

/** "1:05" into the scene; a scene is minutes long, so minutes:seconds reads best. */
export function sceneOffset(turn: TurnJson, sceneStartIso: string): string {
  const offsetMs = Math.max(0, Date.parse(turn.startedAt) - Date.parse(sceneStartIso));
  if (Number.isNaN(offsetMs)) return '';
  const totalSeconds = Math.floor(offsetMs / 1_000);
  return `${Math.floor(totalSeconds / 60)}:${String(totalSeconds % 60).padStart(2, '0')}`;
}

/** A finished scene's turns, in the same look and hooks (role=log, data-speaker) as the live stage's. */
export function PastTranscript({ scene }: { scene: SessionDetailJson }) {
  const turns = [...scene.turns].sort((a, b) => a.seq - b.seq);
  return (
    <section aria-labelledby="past-transcript-heading" className="flex flex-col gap-2">
      <h2 id="past-transcript-heading" className="font-serif text-lg text-amber-200">
        Transcript
      </h2>
      {/* Not aria-live: a finished scene does not change, and announcing every line on load would be noise. */}
      <div
        role="log"
        aria-label="Transcript"
        aria-live="off"
        className="flex flex-col gap-2 rounded-2xl border border-stone-700 bg-stone-900/70 p-3 sm:p-4"
      >
        {turns.length === 0 ? (
          <p className="py-6 text-center text-sm text-stone-400">No lines were recorded in this scene.</p>
        ) : (
          turns.map((turn) => (
            <div
              key={turn.seq}
              data-speaker={turn.speaker}
              data-interrupted={turn.interrupted ? 'true' : undefined}
              className={`flex max-w-[85%] flex-col gap-1 rounded-2xl border px-3 py-2 text-sm leading-relaxed sm:text-base ${SPEAKER_STYLES[turn.speaker]}`}
            >
              <p>
                <span className="mr-2 text-xs font-semibold uppercase tracking-wider opacity-70">
                  {SPEAKER_NAMES[turn.speaker]}
                  <span className="sr-only">:</span>
                </span>
                {turn.text.trim() ? (
                  <span>{turn.text}</span>
                ) : (
                  <span className="italic opacity-70">(no words caught)</span>
                )}
                {turn.interrupted ? <span className="ml-1 text-xs opacity-70">(cut off)</span> : null}
              </p>
              <p className="text-xs opacity-60 tabular-nums">
                <time dateTime={turn.startedAt}>{sceneOffset(turn, scene.createdAt)}</time>
                {turn.speaker === 'partner' && turn.voiceToVoiceMs !== null ? (
                  <span> · replied in {formatLatencyMs(turn.voiceToVoiceMs)}</span>
                ) : null}
              </p>
            </div>
          ))
        )}
      </div>
    </section>
  );
}
