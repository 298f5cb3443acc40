// Two limits on a scene's time: its whole length (MAX_SCENE_MS) and how long it may sit with nothing from the
// player but heartbeats (SCENE_IDLE_MS). Live bills the open upstream's context on every turn, so a scene left
// open in a forgotten tab costs money with nobody on stage.
import type { ErrorCode } from '../../shared/errors.js';

export interface SceneClockOptions {
  maxSceneMs: number;
  sceneIdleMs: number;
  /** When the player last did something (ms on the same clock as `now`). */
  lastActivityMs: () => number;
  end: (code: ErrorCode, message: string) => void;
  now?: () => number;
}

/** Longest gap between idle checks, so an idle scene is ended within this much of its limit. */
const MAX_IDLE_CHECK_MS = 5_000;

/** Starts both limits; returns a stop function (call it when the scene ends). */
export function watchScene(options: SceneClockOptions): () => void {
  const now = options.now ?? (() => performance.now());
  let stopped = false;
  const end = (code: ErrorCode, message: string) => {
    if (stopped) return;
    stop();
    options.end(code, message);
  };
  const lengthTimer = setTimeout(
    () => end('limit.scene_length', `a scene can last at most ${minutes(options.maxSceneMs)}; start a new one`),
    options.maxSceneMs,
  );
  lengthTimer.unref();
  const idleTimer = setInterval(
    () => {
      if (now() - options.lastActivityMs() >= options.sceneIdleMs) {
        end('limit.scene_idle', `the scene was ended after ${minutes(options.sceneIdleMs)} without a word`);
      }
    },
    Math.min(MAX_IDLE_CHECK_MS, Math.max(10, Math.floor(options.sceneIdleMs / 4))),
  );
  idleTimer.unref();
  const stop = () => {
    stopped = true;
    clearTimeout(lengthTimer);
    clearInterval(idleTimer);
  };
  return stop;
}

function minutes(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}
