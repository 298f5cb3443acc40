// Keeps one long-lived GET /api/scene-hold open to the relay instance that plays this scene, for as long as the
// scene lasts: a WebRTC scene holds no HTTP request otherwise, and Cloud Run would take its instance for idle and
// scale it in mid-scene. The request goes to the same origin with cookies, so Cloud Run's session affinity sends
// it to the scene's instance; a hold that lands elsewhere (404) or ends is reopened with capped backoff.

/** First retry after a failed or refused hold; doubles up to the cap. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 10_000;
/** A hold that lasted this long was a good one: the next failure starts from the first delay again. */
const HEALTHY_HOLD_MS = 30_000;

export interface SceneHoldDeps {
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random: () => number;
}

const browserDeps: SceneHoldDeps = {
  fetch: (...args) => fetch(...args),
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    }),
  random: Math.random,
};

/** Holds the scene until `signal` aborts (the scene ended or was left). Never throws. */
export async function keepSceneHeld(
  sessionId: string,
  signal: AbortSignal,
  deps: SceneHoldDeps = browserDeps,
): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    const openedMs = deps.now();
    try {
      const reply = await deps.fetch(`/api/scene-hold?session=${encodeURIComponent(sessionId)}`, {
        signal,
        cache: 'no-store',
        credentials: 'same-origin',
      });
      // Reading to the end is what keeps the request open; the body itself says nothing we need.
      await reply.text();
      if (!reply.ok) failures++;
      else failures = deps.now() - openedMs >= HEALTHY_HOLD_MS ? 0 : failures + 1;
    } catch {
      failures++;
    }
    if (signal.aborted) return;
    const capMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, failures - 1));
    // Half fixed, half random: holds dropped together (an instance going away) come back spread out.
    if (failures > 0) await deps.sleep(capMs / 2 + (deps.random() * capMs) / 2, signal);
  }
}
