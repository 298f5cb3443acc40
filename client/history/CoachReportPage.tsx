// /history/:id/report: the coach's notes on one past scene.
import type { SessionDetailJson } from '../../shared/api.js';
import { Link } from '../app/Link.js';
import { PageHeading } from '../app/PageHeading.js';
import { hrefFor } from '../app/routes.js';
import { CoachReportView } from '../stage/CoachReportView.js';
import { fetchSessionDetail } from './api.js';
import { formatSceneDateTime, gameName } from './format.js';
import { HistoryProgress } from './HistoryStates.js';
import { useHistory } from './use-history.js';

const BACK_LINK =
  'self-start rounded text-sm text-amber-300 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300';

/** The report body for a loaded scene; exported for rendering tests. */
export function CoachReportBody({ scene }: { scene: SessionDetailJson }) {
  if (!scene.coach) {
    return (
      <p
        className="rounded-2xl border border-stone-800 bg-stone-900/60 px-4 py-4 text-stone-300"
        data-coach-source="none"
      >
        {scene.status === 'active'
          ? 'This scene is still running; the coach writes notes when it ends.'
          : 'The coach has no notes for this scene.'}
      </p>
    );
  }
  return <CoachReportView report={scene.coach} />;
}

export function CoachReportPage({ sessionId }: { sessionId: string }) {
  const { state, retry } = useHistory((signal) => fetchSessionDetail(sessionId, fetch, signal), 'scene', sessionId);
  return (
    <article className="mx-auto flex w-full max-w-3xl flex-col gap-5">
      <Link href={hrefFor({ name: 'scene', sessionId })} className={BACK_LINK}>
        <span aria-hidden="true">← </span>Back to the scene
      </Link>
      <div className="flex flex-col gap-2">
        <PageHeading>Coach’s notes</PageHeading>
        {state.status === 'ready' ? (
          <p className="text-sm text-stone-400">
            {gameName(state.data.game)} ·{' '}
            <time dateTime={state.data.createdAt}>{formatSceneDateTime(state.data.createdAt)}</time>
          </p>
        ) : null}
      </div>
      <HistoryProgress state={state} retry={retry} loadingLabel="Loading the coach’s notes…" />
      {state.status === 'ready' ? <CoachReportBody scene={state.data} /> : null}
    </article>
  );
}
