// The coach's report, read back from the stored session when it did not arrive live: the client
// closes its connection right after "End scene", while the relay is still asking the coach.
import type { CoachFeedback } from '../../shared/stage.js';
import { type FetchLike, fetchSessionDetail } from '../history/api.js';

export interface StoredCoachOptions {
  fetchImpl?: FetchLike;
  intervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The relay's coach call is bounded (12 s by default), so waiting a little longer than that is enough. */
export const STORED_COACH_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 1_000;

/** Polls the stored session until it has a coach report; null when none came in time (or on abort). */
export async function waitForStoredCoach(
  sessionId: string,
  {
    fetchImpl = fetch,
    intervalMs = POLL_INTERVAL_MS,
    timeoutMs = STORED_COACH_TIMEOUT_MS,
    signal,
  }: StoredCoachOptions = {},
): Promise<CoachFeedback | null> {
  const deadline = Date.now() + timeoutMs;
  while (!signal?.aborted) {
    try {
      const session = await fetchSessionDetail(sessionId, fetchImpl, signal);
      if (session.coach) return session.coach;
    } catch {
      // Not stored yet, or storage briefly unavailable: the next poll tells.
    }
    if (Date.now() + intervalMs > deadline) return null;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return null;
}
