// A past scene's premise and cast, and what the player can do with it: export the transcript as Markdown, or
// delete it (with its turns) after a confirmation.
import { useState } from 'react';
import type { SessionDetailJson } from '../../shared/api.js';
import { useServices } from '../ui/app-context.js';
import { SESSIONS_URL } from './api.js';
import { castText, playerLineCount, premiseText, transcriptMarkdown } from './scene-story.js';

export function SceneStory({ scene }: { scene: SessionDetailJson }) {
  const premise = premiseText(scene);
  const cast = castText(scene);
  const lines = playerLineCount(scene);
  return (
    <div className="flex flex-col gap-1 text-sm" data-scene-story="">
      {premise ? <p className="text-stone-100">{premise}</p> : null}
      <p className="text-stone-400">
        {lines} line{lines === 1 ? '' : 's'} from you{cast ? ` · ${cast}` : ''}
      </p>
    </div>
  );
}

const ACTION =
  'rounded-full border px-4 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300';

export function SceneActions({ scene }: { scene: SessionDetailJson }) {
  const { navigator } = useServices();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const exportMarkdown = () => {
    const blob = new Blob([transcriptMarkdown(scene)], { type: 'text/markdown' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `improv-scene-${scene.createdAt.slice(0, 10)}-${scene.id.slice(0, 8)}.md`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };
  const remove = async () => {
    setProblem(null);
    const response = await fetch(`${SESSIONS_URL}/${encodeURIComponent(scene.id)}`, {
      method: 'DELETE',
      credentials: 'same-origin',
    }).catch(() => null);
    if (response?.status === 204) navigator.navigate('/history');
    else if (response?.status === 409) setProblem('This scene is still playing; end it first.');
    else setProblem('The scene could not be deleted right now. Nothing was lost; try again.');
  };
  return (
    <section aria-label="Scene actions" className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          onClick={exportMarkdown}
          className={`${ACTION} border-amber-300/50 text-amber-100 hover:bg-amber-900/30`}
        >
          Export transcript (Markdown)
        </button>
        {confirming ? (
          <>
            <button
              type="button"
              onClick={() => void remove()}
              className={`${ACTION} border-rose-500 bg-rose-900 text-rose-50 hover:bg-rose-700`}
            >
              Delete for good
            </button>
            <button
              type="button"
              onClick={() => setConfirming(false)}
              className={`${ACTION} border-stone-600 text-stone-200 hover:bg-stone-800`}
            >
              Keep it
            </button>
          </>
        ) : (
          <button
            type="button"
            onClick={() => setConfirming(true)}
            className={`${ACTION} border-rose-700/70 text-rose-100 hover:bg-rose-950`}
          >
            Delete scene
          </button>
        )}
      </div>
      {problem ? (
        <p role="alert" className="text-sm text-rose-200">
          {problem}
        </p>
      ) : null}
    </section>
  );
}
