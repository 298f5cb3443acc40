import { describe, expect, it } from 'vitest';
import { keepSceneHeld, type SceneHoldDeps } from './scene-hold.js';

/** A fake clock and fetch: each hold answers with the next scripted status after lasting `holdMs`. */
function script(replies: Array<{ status: number; holdMs: number }>, controller: AbortController) {
  let nowMs = 0;
  const urls: string[] = [];
  const sleeps: number[] = [];
  const deps: SceneHoldDeps = {
    now: () => nowMs,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    fetch: (async (url: string) => {
      urls.push(url);
      const next = replies.shift();
      if (!next) {
        controller.abort();
        throw new Error('aborted');
      }
      nowMs += next.holdMs;
      return new Response('held\n', { status: next.status });
    }) as unknown as typeof fetch,
  };
  return { deps, urls, sleeps };
}

describe('keepSceneHeld', () => {
  it('reopens at once after a long hold, backs off on refusals (capped), and stops on abort', async () => {
    const controller = new AbortController();
    const { deps, urls, sleeps } = script(
      [
        { status: 200, holdMs: 60_000 },
        { status: 404, holdMs: 5 },
        { status: 404, holdMs: 5 },
        { status: 404, holdMs: 5 },
        { status: 404, holdMs: 5 },
        { status: 404, holdMs: 5 },
        { status: 200, holdMs: 40_000 },
      ],
      controller,
    );
    await keepSceneHeld('scene-1234', controller.signal, deps);
    expect(urls[0]).toBe('/api/scene-hold?session=scene-1234');
    expect(urls).toHaveLength(8);
    // No wait after the healthy hold; then 1, 2, 4, 8, 10 s caps (3/4 of each with random 0.5); none after the
    // second healthy hold.
    expect(sleeps).toEqual([750, 1_500, 3_000, 6_000, 7_500]);
  });

  it('does nothing once the scene is over', async () => {
    const controller = new AbortController();
    controller.abort();
    const { deps, urls } = script([{ status: 200, holdMs: 1 }], controller);
    await keepSceneHeld('scene-1234', controller.signal, deps);
    expect(urls).toEqual([]);
  });
});
