// Issue 3's cost figure: one fixture scene through the relay twice, (a) VAD-gated like our client (speech spans
// with pre-roll and hangover only) and (b) the whole file streamed, and the Live input audio tokens each cost.
// The usage is what the emulator reported in usageMetadata, as the relay received it (observer.onUsage, read
// back through bench/relay-child.ts's GET /bench/usage: the relay forwards usage to its store, not the browser).

import type { UpstreamUsage } from '../relay/live/upstream.js';
import { RtcTestClient } from '../relay/test/rtc-client.js';
import { OPUS_FRAME_MS } from '../shared/constants.js';
import type { CostScene, SpeechClip } from './audio.js';

export interface CostModeResult {
  utterances: number;
  audioSentMs: number;
  /** The player's audio as Live counted it: each turn's prompt AUDIO minus what the context already held. */
  inputAudioTokens: number;
  /** Sum over turns of promptTokenCount + responseTokenCount (Live bills the whole context every turn). */
  billedTokens: number;
  usageReports: number;
}

export interface CostResult {
  scene: string;
  vad: CostModeResult;
  continuous: CostModeResult;
  /** 1 − vad/continuous input audio tokens. */
  inputAudioSavingRatio: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchUsage(relayUrl: string, sessionId: string): Promise<UpstreamUsage[]> {
  const reply = await fetch(`${relayUrl}/bench/usage?sessionId=${encodeURIComponent(sessionId)}`);
  if (!reply.ok) throw new Error(`GET /bench/usage answered ${reply.status}`);
  return ((await reply.json()) as { usage: UpstreamUsage[] }).usage;
}

/** Polls until the relay has seen `count` usage reports for the session (they follow turnComplete). */
async function waitForUsage(relayUrl: string, sessionId: string, count: number, timeoutMs: number) {
  const deadlineMs = performance.now() + timeoutMs;
  for (;;) {
    const usage = await fetchUsage(relayUrl, sessionId);
    if (usage.length >= count) return usage;
    if (performance.now() > deadlineMs) {
      throw new Error(`only ${usage.length}/${count} usage reports for ${sessionId} after ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}

export function summarize(usage: UpstreamUsage[], utterances: number, audioSentMs: number): CostModeResult {
  // promptAudio_k = Σ earlier inputs + Σ earlier responses + input_k, and each response is in the context before
  // the next turn starts (we never barge in here), so input_k = promptAudio_k − promptAudio_{k−1} − response_{k−1}.
  let inputAudioTokens = 0;
  let previousPrompt = 0;
  let previousResponse = 0;
  let billedTokens = 0;
  for (const turn of usage) {
    inputAudioTokens += turn.inputAudioTokens - previousPrompt - previousResponse;
    previousPrompt = turn.inputAudioTokens;
    previousResponse = turn.outputAudioTokens;
    billedTokens += turn.totalTokens;
  }
  return { utterances, audioSentMs, inputAudioTokens, billedTokens, usageReports: usage.length };
}

async function playScene(
  relayUrl: string,
  segments: Array<{ atMs: number; clip: SpeechClip }>,
  replyTimeoutMs: number,
): Promise<CostModeResult> {
  const client = await RtcTestClient.connect(relayUrl, { bindAddress: '127.0.0.1', connectTimeoutMs: 20_000 });
  try {
    const welcome = await client.hello({ game: 'bench-cost' }, 20_000);
    if (welcome.type !== 'welcome') throw new Error(`hello answered with ${JSON.stringify(welcome)}`);
    const sceneStartMs = performance.now();
    let audioSentMs = 0;
    let repliesEnded = 0;
    for (let i = 0; i < segments.length; i++) {
      const { atMs, clip } = segments[i]!;
      const waitMs = sceneStartMs + atMs - performance.now();
      if (waitMs > 0) await sleep(waitMs);
      await client.speak(i + 1, clip.packets, OPUS_FRAME_MS);
      audioSentMs += clip.durationMs;
      // Wait for the reply before the next utterance so no turn is a barge-in (keeps the token arithmetic exact).
      await client.waitForMessage(
        (m) =>
          m.type === 'partner.end' && client.messages.filter((x) => x.type === 'partner.end').length > repliesEnded,
        replyTimeoutMs,
      );
      repliesEnded++;
    }
    const usage = await waitForUsage(relayUrl, welcome.sessionId, segments.length, 10_000);
    return summarize(usage, segments.length, audioSentMs);
  } finally {
    // End the scene so the relay closes its upstream now instead of holding it for a resume.
    if (!client.closed) {
      client.send({ type: 'scene.end' });
      await client.waitForMessage((m) => m.type === 'session.ended', 5_000).catch(() => undefined);
    }
    client.close();
  }
}

/** Both modes run concurrently on two sessions (they are independent), so the phase lasts one scene. */
export async function measureCost(relayUrl: string, scene: CostScene, sceneName: string): Promise<CostResult> {
  const [vad, continuous] = await Promise.all([
    playScene(relayUrl, scene.vadSegments, 30_000),
    playScene(relayUrl, [{ atMs: 0, clip: scene.continuous }], 30_000),
  ]);
  const ratio = continuous.inputAudioTokens > 0 ? 1 - vad.inputAudioTokens / continuous.inputAudioTokens : 0;
  return { scene: sceneName, vad, continuous, inputAudioSavingRatio: Math.round(ratio * 1000) / 1000 };
}
