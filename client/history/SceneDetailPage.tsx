// /history/:id: one past scene, its figures and its whole transcript.
import type { SessionDetailJson } from '../../shared/api.js';
import { Link } from '../app/Link.js';
import { PageHeading } from '../app/PageHeading.js';
import { hrefFor } from '../app/routes.js';
import { fetchSessionDetail } from './api.js';
import { formatSceneDateTime, gameName } from './format.js';
import { HistoryProgress } from './HistoryStates.js';
import { PastTranscript } from './PastTranscript.js';
import { SceneActions, SceneStory } from './SceneActions.js';
import { SceneFigures } from './SceneFigures.js';
import { StatusBadge } from './StatusBadge.js';
import { type HistoryState, useHistory } from './use-history.js';

function headingFor(state: HistoryState<SessionDetailJson>): string {
  if (state.status === 'ready') return gameName(state.data.game);
  if (state.status === 'error' && state.error.kind === 'not_found') return 'Scene not found';
  return 'Scene';
}

export function SceneDetailPage({ sessionId }: { sessionId: string }) {
  // A scene that just ended is stored a moment later (each scene's writes are paced to one a second): while it
  // reads as in progress, read it again, so the page does not keep saying "In progress" after the bow.
  const { state, retry } = useHistory((signal) => fetchSessionDetail(sessionId, fetch, signal), 'scene', sessionId, {
    changing: (scene) => scene.status === 'active',
  });
  return (
    <article className="mx-auto flex w-full max-w-3xl flex-col gap-5">
      <Link
        href="/history"
        className="self-start rounded text-sm text-amber-300 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
      >
        <span aria-hidden="true">← </span>All scenes
      </Link>
      <div className="flex flex-col gap-2">
        {/* The same h1 element in every state, so focus placed on it survives the data arriving. */}
        <PageHeading>{headingFor(state)}</PageHeading>
        {state.status === 'ready' ? (
          <p className="flex flex-wrap items-center gap-3 text-sm text-stone-400">
            <time dateTime={state.data.createdAt}>{formatSceneDateTime(state.data.createdAt)}</time>
            <StatusBadge status={state.data.status} />
            {state.data.coach ? (
              <Link
                href={hrefFor({ name: 'report', sessionId })}
                className="rounded-full border border-emerald-500/40 bg-emerald-950/30 px-3 py-1 text-emerald-100 hover:bg-emerald-900/40 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
              >
                Coach’s notes<span aria-hidden="true"> →</span>
              </Link>
            ) : null}
          </p>
        ) : null}
      </div>
      <HistoryProgress state={state} retry={retry} loadingLabel="Loading this scene…" />
      {state.status === 'ready' ? (
        <>
          <SceneStory scene={state.data} />
          <SceneFigures scene={state.data} />
          <PastTranscript scene={state.data} />
          <SceneActions scene={state.data} />
        </>
      ) : null}
    </article>
  );
}
