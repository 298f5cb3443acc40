// Issue 3's cost figure: one fixture scene through the relay twice, (a) VAD-gated like our client (speech spans
// with pre-roll and hangover only) and (b) the microphone streamed continuously (every sample of the file, cut
// into the same turns), and what each cost. The figures are read from what the relay STORED: after the scene
// ends, GET /api/sessions/:id (with that player's identity cookie) until the saved session is complete, then its
// usage totals, exactly what the history page shows.
// Stored usage.inputAudioTokens is the sum over turns of Live's prompt audio, i.e. the BILLED input audio, which
// includes every earlier turn re-read as context; estimatedCostUsd is the store's price for the whole session.

import { RtcTestClient } from '../relay/test/rtc-client.js';
import { SessionDetailJson } from '../shared/api.js';
import { OPUS_FRAME_MS } from '../shared/constants.js';
import type { CostScene, SpeechClip } from './audio.js';
import { waitForMcIntro, waitForReplyEnd } from './stage-turns.js';

export interface CostModeResult {
  utterances: number;
  audioSentMs: number;
  /** From the stored session (GET /api/sessions/:id). */
  turnCount: number;
  status: string;
  inputAudioTokens: number;
  outputAudioTokens: number;
  textTokens: number;
  estimatedCostUsd: number;
}

export interface CostResult {
  scene: string;
  vad: CostModeResult;
  continuous: CostModeResult;
  /** 1 − vad/continuous stored input audio tokens. */
  inputAudioSavingRatio: number;
  /** 1 − vad/continuous stored estimatedCostUsd. */
  costSavingRatio: number;
}

/** scene.end → session.ended: the voiced outro (~10 s) and the coach, with room for a loaded machine. */
export const SESSION_ENDED_WAIT_MS = 40_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ratioSaved = (gated: number, continuous: number) =>
  continuous > 0 ? Math.round((1 - gated / continuous) * 1000) / 1000 : 0;

/** The stored session as the history API returns it to its owner (cookie = the `iol_uid=…` pair). */
export async function fetchStoredSession(
  relayUrl: string,
  sessionId: string,
  cookie: string,
): Promise<SessionDetailJson | null> {
  const reply = await fetch(`${relayUrl}/api/sessions/${encodeURIComponent(sessionId)}`, {
    headers: { cookie },
    signal: AbortSignal.timeout(5_000),
  });
  // 404 = not written yet (the session document is created asynchronously by the write queue).
  if (reply.status === 404) return null;
  if (!reply.ok) throw new Error(`GET /api/sessions/${sessionId} answered ${reply.status}: ${await reply.text()}`);
  return SessionDetailJson.parse(await reply.json());
}

/** Ended (its final usage totals written with the end) and holding every turn of the scene. */
export function isStoredSceneComplete(session: SessionDetailJson | null, expectedTurns: number): boolean {
  return session !== null && session.status !== 'active' && session.turnCount >= expectedTurns;
}

/** Polls the history API until the stored session is complete; throws with what was there at the timeout. */
export async function waitForStoredScene(
  relayUrl: string,
  sessionId: string,
  cookie: string,
  expectedTurns: number,
  timeoutMs: number,
  pollMs = 200,
): Promise<SessionDetailJson> {
  const deadlineMs = performance.now() + timeoutMs;
  for (;;) {
    const session = await fetchStoredSession(relayUrl, sessionId, cookie);
    if (session && isStoredSceneComplete(session, expectedTurns)) return session;
    if (performance.now() > deadlineMs) {
      const seen = session ? `status ${session.status}, ${session.turnCount} turns` : 'no stored session';
      throw new Error(`${sessionId} not stored complete after ${timeoutMs} ms (${seen}; want ${expectedTurns} turns)`);
    }
    await sleep(pollMs);
  }
}

export function costModeResult(utterances: number, audioSentMs: number, stored: SessionDetailJson): CostModeResult {
  return {
    utterances,
    audioSentMs,
    turnCount: stored.turnCount,
    status: stored.status,
    inputAudioTokens: stored.usage.inputAudioTokens,
    outputAudioTokens: stored.usage.outputAudioTokens,
    textTokens: stored.usage.textTokens,
    estimatedCostUsd: stored.usage.estimatedCostUsd,
  };
}

export function compareCost(scene: string, vad: CostModeResult, continuous: CostModeResult): CostResult {
  return {
    scene,
    vad,
    continuous,
    inputAudioSavingRatio: ratioSaved(vad.inputAudioTokens, continuous.inputAudioTokens),
    costSavingRatio: ratioSaved(vad.estimatedCostUsd, continuous.estimatedCostUsd),
  };
}

async function playScene(
  relayUrl: string,
  segments: Array<{ atMs: number; clip: SpeechClip }>,
  replyTimeoutMs: number,
): Promise<CostModeResult> {
  const client = await RtcTestClient.connect(relayUrl, { bindAddress: '127.0.0.1', connectTimeoutMs: 20_000 });
  let sessionId: string | null = null;
  let audioSentMs = 0;
  try {
    const cookie = client.setCookie;
    if (!cookie) throw new Error('the offer answer set no identity cookie: the stored session cannot be read back');
    const welcome = await client.hello({ game: 'bench-cost' }, 20_000);
    if (welcome.type !== 'welcome') throw new Error(`hello answered with ${JSON.stringify(welcome)}`);
    sessionId = welcome.sessionId;
    // The scene starts when the MC has set it (both modes alike; the MC's audio goes down only, never to Live).
    await waitForMcIntro(client);
    const sceneStartMs = performance.now();
    const repliesEnded = new Set<number>();
    for (let i = 0; i < segments.length; i++) {
      const { atMs, clip } = segments[i]!;
      const waitMs = sceneStartMs + atMs - performance.now();
      if (waitMs > 0) await sleep(waitMs);
      await client.speak(i + 1, clip.packets, OPUS_FRAME_MS);
      audioSentMs += clip.durationMs;
      // Wait for the reply before the next utterance so no turn is a barge-in (same turns in both modes).
      repliesEnded.add((await waitForReplyEnd(client, repliesEnded, replyTimeoutMs)).turnId);
    }
    // Ending the scene makes the relay write the session's end with its final usage totals. session.ended follows
    // the MC's voiced outro and the coach (the browser waits up to 25 s for them: DEFAULT_ENDING_WAIT_MS).
    client.send({ type: 'scene.end' });
    await client.waitForMessage((m) => m.type === 'session.ended', SESSION_ENDED_WAIT_MS);
    // One player turn and one partner turn per utterance.
    const stored = await waitForStoredScene(relayUrl, sessionId, cookie, segments.length * 2, 20_000);
    return costModeResult(segments.length, audioSentMs, stored);
  } finally {
    client.close();
  }
}

/** Both modes run concurrently on two sessions (they are independent), so the phase lasts about one scene. */
export async function measureCost(relayUrl: string, scene: CostScene, sceneName: string): Promise<CostResult> {
  const [vad, continuous] = await Promise.all([
    playScene(relayUrl, scene.vadSegments, 30_000),
    // Back to back: the continuous mic has no gaps, each turn starts where the previous one's audio stopped.
    playScene(
      relayUrl,
      scene.continuousTurns.map((clip) => ({ atMs: 0, clip })),
      30_000,
    ),
  ]);
  return compareCost(sceneName, vad, continuous);
}
