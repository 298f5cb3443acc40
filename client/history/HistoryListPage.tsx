// /history: the player's scenes, newest first, each a link to its transcript.
import type { SessionSummaryJson } from '../../shared/api.js';
import { Link } from '../app/Link.js';
import { PageHeading } from '../app/PageHeading.js';
import { hrefFor } from '../app/routes.js';
import { fetchSessionList } from './api.js';
import { formatCount, formatDuration, formatSceneDateTime, gameName } from './format.js';
import { HistoryProgress } from './HistoryStates.js';
import { StatusBadge } from './StatusBadge.js';
import { castText, premiseText } from './scene-story.js';
import { useHistory } from './use-history.js';

function SceneCard({ scene }: { scene: SessionSummaryJson }) {
  const premise = premiseText(scene);
  const cast = castText(scene);
  return (
    <Link
      href={hrefFor({ name: 'scene', sessionId: scene.id })}
      data-session-id={scene.id}
      className="group flex flex-col gap-3 rounded-2xl border border-stone-800 bg-stone-900/60 px-4 py-4 transition-colors hover:border-amber-400/50 hover:bg-stone-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300 sm:px-5"
    >
      <span className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <span className="font-serif text-lg text-amber-100 group-hover:text-amber-200">{gameName(scene.game)}</span>
        <StatusBadge status={scene.status} />
      </span>
      <span className="text-sm text-stone-400">
        <time dateTime={scene.createdAt}>{formatSceneDateTime(scene.createdAt)}</time> ·{' '}
        {formatDuration(scene.durationMs)}
      </span>
      {premise ? <span className="text-sm text-stone-200">{premise}</span> : null}
      {scene.headline ? (
        <span className="border-l-2 border-emerald-500/50 pl-3 text-sm italic text-emerald-100">
          <span className="sr-only">Coach: </span>
          {scene.headline}
        </span>
      ) : null}
      {cast ? <span className="text-xs text-stone-400">{cast}</span> : null}
    </Link>
  );
}

export function HistoryListPage() {
  const { state, retry } = useHistory((signal) => fetchSessionList(fetch, signal), 'list', 'list');
  return (
    <section aria-labelledby="history-heading" className="mx-auto flex w-full max-w-3xl flex-col gap-5">
      <PageHeading id="history-heading">Your scenes</PageHeading>
      <HistoryProgress state={state} retry={retry} loadingLabel="Loading your scenes…" />
      {state.status === 'ready' && state.data.length === 0 ? (
        <div className="flex flex-col items-center gap-4 rounded-2xl border border-dashed border-stone-700 px-4 py-12 text-center">
          <p className="text-stone-300">No scenes yet — start one on the stage.</p>
          <Link
            href="/"
            className="rounded-full bg-amber-400 px-5 py-2 font-semibold text-stone-950 hover:bg-amber-300 focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-amber-200"
          >
            Go to the stage
          </Link>
        </div>
      ) : null}
      {state.status === 'ready' && state.data.length > 0 ? (
        <>
          <p className="text-sm text-stone-400">
            {formatCount(state.data.length, 'scene')}, newest first. Open one to read its transcript.
          </p>
          <ul className="flex flex-col gap-3">
            {state.data.map((scene) => (
              <li key={scene.id}>
                <SceneCard scene={scene} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
