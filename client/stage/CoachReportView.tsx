// The coach's notes on a scene: summary, strengths with the player's own words, what to try next, and a score
// per principle (bars with the number in text). A fallback says plainly that there is no real review.
import type { CoachFeedback } from '../../shared/stage.js';
import { PRINCIPLE_LABELS } from './stage-text.js';

const MAX_SCORE = 5;

function ScoreBar({ score }: { score: number }) {
  const clamped = Math.max(0, Math.min(MAX_SCORE, score));
  return (
    <span aria-hidden="true" className="flex h-2 flex-1 gap-1">
      {Array.from({ length: MAX_SCORE }, (_, index) => (
        <span
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional and never reorder
          key={index}
          className={`flex-1 rounded-full ${index < clamped ? 'bg-amber-400' : 'bg-stone-800'}`}
        />
      ))}
    </span>
  );
}

export function CoachReportView({ report, headingLevel = 2 }: { report: CoachFeedback; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const fallback = report.source === 'fallback';
  return (
    <div className="flex flex-col gap-5" data-coach-source={report.source}>
      {fallback ? (
        <div
          role="note"
          className="flex gap-3 rounded-2xl border border-amber-600/50 bg-amber-950/30 px-4 py-3 text-amber-50"
        >
          <span aria-hidden="true" className="text-lg leading-none">
            ✎
          </span>
          <div className="flex flex-col gap-1">
            <p className="font-semibold">No full review this time</p>
            <p className="text-sm leading-relaxed text-amber-100/90">{report.message}</p>
            <p className="text-sm leading-relaxed text-amber-100/70">
              Your scene is saved. Scores and quotes appear only when the coach has really reviewed a scene.
            </p>
          </div>
        </div>
      ) : (
        <p className="leading-relaxed text-stone-100">{report.summary}</p>
      )}

      {report.strengths.length > 0 ? (
        <section className="flex flex-col gap-2">
          <Heading className="font-serif text-lg text-amber-200">What worked</Heading>
          <ul className="flex flex-col gap-2">
            {report.strengths.map((strength) => (
              <li
                key={strength.point}
                className="flex flex-col gap-1.5 rounded-2xl border border-emerald-500/25 bg-emerald-950/20 px-4 py-3"
              >
                <span className="text-stone-100">{strength.point}</span>
                {strength.quote ? (
                  <blockquote className="border-l-2 border-emerald-400/50 pl-3 text-sm text-emerald-100/90 italic">
                    <span className="sr-only">You said: </span>“{strength.quote}”
                  </blockquote>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="flex flex-col gap-2">
        <Heading className="font-serif text-lg text-amber-200">Try next</Heading>
        <ol className="flex flex-col gap-2">
          {report.tryNext.map((tip, index) => (
            <li key={tip} className="flex gap-3 rounded-2xl border border-stone-800 bg-stone-900/60 px-4 py-3">
              <span aria-hidden="true" className="font-serif text-amber-400">
                {index + 1}
              </span>
              <span className="text-stone-100">{tip}</span>
            </li>
          ))}
        </ol>
      </section>

      {report.principles.length > 0 ? (
        <section className="flex flex-col gap-2">
          <Heading className="font-serif text-lg text-amber-200">Principles</Heading>
          <ul aria-label="Scores per principle" className="flex flex-col gap-3">
            {report.principles.map((item) => (
              <li key={item.principle} className="flex flex-col gap-1" data-principle={item.principle}>
                <div className="flex items-center gap-3">
                  <span className="w-28 shrink-0 text-sm text-stone-200">{PRINCIPLE_LABELS[item.principle]}</span>
                  <ScoreBar score={item.score} />
                  <span className="w-12 shrink-0 text-right text-sm text-amber-100 tabular-nums">
                    {item.score}
                    <span className="text-stone-400"> / {MAX_SCORE}</span>
                  </span>
                </div>
                {item.note ? <p className="text-xs leading-relaxed text-stone-400 sm:pl-31">{item.note}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
