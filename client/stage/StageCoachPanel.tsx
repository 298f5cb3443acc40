// After "End scene": the coach's notes on the stage as soon as coach.report arrives, with a link to keep them.
import { useEffect, useId, useRef } from 'react';
import type { CoachFeedback } from '../../shared/stage.js';
import { Link } from '../app/Link.js';
import { hrefFor } from '../app/routes.js';
import { useAppStore, useStage, useStageStore } from '../ui/app-context.js';
import { CoachReportView } from './CoachReportView.js';
import { waitForStoredCoach } from './stored-coach.js';

/** The panel's id, so the stage can point to it. */
const COACH_PANEL_ID = 'coach-notes';

/**
 * On a phone the notes land below the whole stage card, out of sight: once they are in, a button under the status
 * line takes the player (and keyboard focus) there. Hidden on wide screens, where the notes sit beside the stage.
 */
export function CoachNotesJump() {
  const coach = useStage((s) => s.coach);
  const phase = useAppStore('scene', (s) => s.phase);
  if (coach === null || phase !== 'idle') return null;
  return (
    <button
      type="button"
      onClick={() => {
        const panel = document.getElementById(COACH_PANEL_ID);
        panel?.scrollIntoView({ block: 'start' });
        panel?.focus({ preventScroll: true });
      }}
      className="rounded-full border border-emerald-500/40 bg-emerald-950/30 px-4 py-2 text-sm text-emerald-100 hover:bg-emerald-900/40 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300 lg:hidden"
    >
      Read the coach’s notes<span aria-hidden="true"> ↓</span>
    </button>
  );
}

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
  const panelRef = useRef<HTMLElement>(null);
  // After End scene the button under the player's finger is gone: focus lands on the notes, not on the page body.
  useEffect(() => {
    const active = document.activeElement;
    if (!active || active === document.body || active.closest('[data-scene-controls],[data-end-pending]')) {
      panelRef.current?.focus({ preventScroll: window.matchMedia('(min-width: 1024px)').matches });
    }
  }, []);
  return (
    <section
      ref={panelRef}
      id={COACH_PANEL_ID}
      aria-labelledby={headingId}
      data-coach-panel=""
      // Focusable from script only: CoachNotesJump moves focus here.
      tabIndex={-1}
      className="flex scroll-mt-4 flex-col gap-4 rounded-3xl focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300 border border-emerald-500/25 bg-stone-950/60 px-4 py-5 sm:px-6"
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
