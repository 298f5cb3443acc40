// After "End scene": the coach's notes on the stage as soon as coach.report arrives, with a link to keep them.
import { useEffect, useId } from 'react';
import type { CoachFeedback } from '../../shared/stage.js';
import { Link } from '../app/Link.js';
import { hrefFor } from '../app/routes.js';
import { useAppStore, useStage, useStageStore } from '../ui/app-context.js';
import { CoachReportView } from './CoachReportView.js';
import { waitForStoredCoach } from './stored-coach.js';

export function StageCoachPanel() {
  const coach = useStage((s) => s.coach);
  const phase = useAppStore('scene', (s) => s.phase);
  const sessionId = useAppStore('scene', (s) => s.sessionId);
  const headingId = useId();
  const stage = useStageStore();
  const shown = coach !== null && phase === 'idle';

  // The scene ended without the report arriving live: read it from the stored session instead.
  const waitingForStored = coach === null && phase === 'idle' && sessionId !== null;
  useEffect(() => {
    if (!waitingForStored || !sessionId) return;
    const abort = new AbortController();
    void waitForStoredCoach(sessionId, { signal: abort.signal }).then((stored) => {
      if (stored && !abort.signal.aborted && stage.getState().coach === null) stage.setState({ coach: stored });
    });
    return () => abort.abort();
  }, [waitingForStored, sessionId, stage]);
  return (
    <>
      {/* Always rendered, so screen readers hear when the notes arrive. */}
      <p aria-live="polite" className="sr-only">
        {shown ? 'The coach’s notes are ready.' : ''}
      </p>
      {shown ? <CoachPanel coach={coach} sessionId={sessionId} headingId={headingId} /> : null}
    </>
  );
}

function CoachPanel({
  coach,
  sessionId,
  headingId,
}: {
  coach: CoachFeedback;
  sessionId: string | null;
  headingId: string;
}) {
  return (
    <section
      aria-labelledby={headingId}
      data-coach-panel=""
      className="flex flex-col gap-4 rounded-3xl border border-emerald-500/25 bg-stone-950/60 px-4 py-5 sm:px-6"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={headingId} className="font-serif text-xl text-amber-200">
          Coach’s notes
        </h2>
        {sessionId ? (
          <Link
            href={hrefFor({ name: 'report', sessionId })}
            className="rounded text-sm text-amber-300 underline underline-offset-4 hover:text-amber-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
          >
            Open in history
          </Link>
        ) : null}
      </div>
      <CoachReportView report={coach} headingLevel={3} />
    </section>
  );
}
