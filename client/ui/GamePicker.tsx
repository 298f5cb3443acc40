// "Game: Yes, And (change · Surprise me)" under the Start button. Start stays one click with the remembered game;
// "change" opens the catalog in place (name, pitch, difficulty, length, skills), and one more click picks a game
// and closes it; "Surprise me" picks another game at random. Locked while a scene runs.
import { useEffect, useId, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { GAMES, type Game, gameOrDefault } from '../../shared/games.js';
import { SKILL_LABELS } from '../stage/stage-text.js';
import { useAppStore, useSceneSetup, useServices, useStage } from './app-context.js';

const DIFFICULTY_LABELS: Record<Game['difficulty'], string> = { 1: 'Easy', 2: 'Medium', 3: 'Tricky' };

function DifficultyPips({ difficulty }: { difficulty: Game['difficulty'] }) {
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-stone-400">
      <span aria-hidden="true" className="flex gap-0.5">
        {[1, 2, 3].map((level) => (
          <span
            key={level}
            className={`size-1.5 rounded-full ${level <= difficulty ? 'bg-amber-400' : 'bg-stone-700'}`}
          />
        ))}
      </span>
      {DIFFICULTY_LABELS[difficulty]}
    </span>
  );
}

export function GamePicker() {
  const { gameChoice } = useServices();
  const sceneSetup = useSceneSetup();
  const gameId = useStore(gameChoice.store, (s) => s.gameId);
  const phase = useAppStore('scene', (s) => s.phase);
  const [open, setOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const listId = useId();
  const game = gameOrDefault(gameId);
  const locked = phase !== 'idle';
  // While a scene runs, the relay's scene.state names the game actually played (SceneInfo shows it).
  const relayGame = useStage((s) => s.scene?.game ?? null);

  // Opening moves focus to the current game, so arrow-free Tab/Enter picking starts where the player is.
  useEffect(() => {
    if (open) listRef.current?.querySelector<HTMLButtonElement>('[aria-pressed="true"]')?.focus();
  }, [open]);

  // A scene that starts (e.g. from another control) closes the list; the game is fixed for the scene.
  useEffect(() => {
    if (locked) setOpen(false);
  }, [locked]);

  const close = () => {
    setOpen(false);
    toggleRef.current?.focus();
  };

  if (locked && relayGame !== null) return null;
  return (
    <div className="flex w-full flex-col items-center gap-3">
      <p className="text-sm text-stone-400">
        Game: <span className="font-semibold text-amber-100">{game.name}</span>
        {locked ? null : (
          <>
            {' '}
            <button
              ref={toggleRef}
              type="button"
              aria-expanded={open}
              aria-controls={listId}
              onClick={() => setOpen((wasOpen) => !wasOpen)}
              className="inline-flex min-h-6 items-center rounded px-1.5 py-0.5 text-amber-300 underline underline-offset-4 hover:text-amber-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
            >
              {open ? 'close' : 'change'}
              <span className="sr-only"> game</span>
            </button>{' '}
            <span aria-hidden="true" className="text-stone-600">
              ·
            </span>{' '}
            <button
              type="button"
              onClick={() => {
                sceneSetup.surprise();
                if (open) close();
              }}
              className="inline-flex min-h-6 items-center rounded px-1.5 py-0.5 text-amber-300 underline underline-offset-4 hover:text-amber-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-300"
            >
              Surprise me
            </button>
          </>
        )}
      </p>
      {open ? (
        <ul
          ref={listRef}
          id={listId}
          aria-label="Games"
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              close();
            }
          }}
          className="relative grid max-h-[min(26rem,60dvh)] w-full max-w-2xl gap-2 overflow-y-auto rounded-2xl border border-stone-700 bg-stone-950/90 p-2 text-left shadow-xl shadow-black/40 sm:grid-cols-2 lg:grid-cols-1"
        >
          {GAMES.map((entry) => {
            const chosen = entry.id === game.id;
            return (
              <li key={entry.id}>
                <button
                  type="button"
                  aria-pressed={chosen}
                  onClick={() => {
                    gameChoice.choose(entry.id);
                    close();
                  }}
                  className={`flex h-full w-full flex-col gap-1 rounded-xl border px-3 py-2.5 text-left transition-colors focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-amber-300 ${
                    chosen
                      ? 'border-amber-400/70 bg-amber-500/10'
                      : 'border-stone-800 bg-stone-900/60 hover:border-stone-600 hover:bg-stone-800/70'
                  }`}
                >
                  <span className="flex items-center justify-between gap-2">
                    <span className="font-semibold text-amber-100">{entry.name}</span>
                    <DifficultyPips difficulty={entry.difficulty} />
                  </span>
                  <span className="text-sm leading-snug text-stone-300">{entry.pitch}</span>
                  <span className="text-xs text-stone-400 tabular-nums">
                    about {entry.typicalLength.minutes} min · {entry.typicalLength.playerTurns} lines
                  </span>
                  <span className="flex flex-wrap gap-1">
                    <span className="sr-only">Trains: </span>
                    {entry.skills.map((skill, index) => (
                      <span
                        key={skill}
                        className="rounded-full border border-stone-700 px-2 py-0.5 text-[0.7rem] text-stone-300"
                      >
                        {SKILL_LABELS[skill]}
                        {index < entry.skills.length - 1 ? <span className="sr-only">,</span> : null}
                      </span>
                    ))}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
