// Issue #17's figure: what a long scene costs, with and without the context economy. Live bills the whole
// accumulated context on every turn, so a scene's cost grows with the square of its length unless the context is
// kept small. One scene (conversation.wav's three lines, looped, each after the previous reply and a pause) plays
// for `minutes` on relays that differ only in LIVE_ROTATE_AFTER_AUDIO_TOKENS (0 = no rotation), all at once. The
// figures are what each relay STORED (GET /api/sessions/:id, as the History page shows them), read every minute
// for the cost curve and once at the end.

import { RtcTestClient } from '../relay/test/rtc-client.js';
import type { SessionDetailJson } from '../shared/api.js';
import { OPUS_FRAME_MS } from '../shared/constants.js';
import type { CostScene } from './audio.js';
import { fetchStoredSession, SESSION_ENDED_WAIT_MS, waitForStoredScene } from './cost.js';
import { waitForMcIntro, waitForReplyEnd } from './stage-turns.js';

/** The player's pause after the partner's reply, before the next line (a beat to think). */
const PAUSE_AFTER_REPLY_MS = 1_000;

export interface LongSceneResult {
  /** LIVE_ROTATE_AFTER_AUDIO_TOKENS of the relay that played it (0 = no context economy). */
  rotateAfterAudioTokens: number;
  minutes: number;
  exchanges: number;
  playerAudioS: number;
  inputAudioTokens: number;
  outputAudioTokens: number;
  textTokens: number;
  estimatedCostUsd: number;
  /** Stored cost at the end of each minute of the scene (the curve's shape: linear, or bending up). */
  costByMinuteUsd: number[];
  /** The line's end sent → the partner's reply starting (partner.start), ms: a rotation must not make it later. */
  replyStartP50Ms: number;
  replyStartP95Ms: number;
  usdPer10Minutes: number;
  usdPerPlayerHour: number;
}

const round6 = (usd: number) => Math.round(usd * 1_000_000) / 1_000_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!) : Number.NaN;
}

/** Plays one long scene on `relayUrl`; `minutes` of scene time after the MC's intro. */
export async function playLongScene(
  relayUrl: string,
  scene: CostScene,
  minutes: number,
  rotateAfterAudioTokens: number,
  log: (line: string) => void,
): Promise<LongSceneResult> {
  const client = await RtcTestClient.connect(relayUrl, { bindAddress: '127.0.0.1', connectTimeoutMs: 20_000 });
  try {
    const cookie = client.setCookie;
    if (!cookie) throw new Error('the offer answer set no identity cookie: the stored session cannot be read back');
    const welcome = await client.hello({ game: 'bench-cost' }, 20_000);
    if (welcome.type !== 'welcome') throw new Error(`hello answered with ${JSON.stringify(welcome)}`);
    const sessionId = welcome.sessionId;
    await waitForMcIntro(client);
    const startMs = performance.now();
    const endMs = startMs + minutes * 60_000;
    const costByMinuteUsd: number[] = [];
    const stored = () => fetchStoredSession(relayUrl, sessionId, cookie).catch(() => null);
    const minuteTimer = setInterval(() => {
      void stored().then((session: SessionDetailJson | null) => {
        costByMinuteUsd.push(session?.usage.estimatedCostUsd ?? Number.NaN);
        log(
          `long scene (rotate at ${rotateAfterAudioTokens || 'never'}): minute ${costByMinuteUsd.length}, ` +
            `$${session?.usage.estimatedCostUsd ?? '?'} so far`,
        );
      });
    }, 60_000);
    const replies = new Set<number>();
    const replyStartsMs: number[] = [];
    let exchanges = 0;
    let playerAudioMs = 0;
    try {
      while (performance.now() < endMs) {
        const { clip } = scene.vadSegments[exchanges % scene.vadSegments.length]!;
        const seen = client.messages.length;
        await client.speak(exchanges + 1, clip.packets, OPUS_FRAME_MS);
        const lineEndMs = performance.now();
        playerAudioMs += clip.durationMs;
        await client.waitForMessage(
          (m) => m.type === 'partner.start' && m.speaker !== 'mc' && client.messages.indexOf(m) >= seen,
          30_000,
        );
        replyStartsMs.push(performance.now() - lineEndMs);
        replies.add((await waitForReplyEnd(client, replies, 30_000)).turnId);
        exchanges++;
        await new Promise((resolve) => setTimeout(resolve, PAUSE_AFTER_REPLY_MS));
      }
    } finally {
      clearInterval(minuteTimer);
    }
    client.send({ type: 'scene.end' });
    await client.waitForMessage((m) => m.type === 'session.ended', SESSION_ENDED_WAIT_MS);
    const final = await waitForStoredScene(relayUrl, sessionId, cookie, exchanges * 2, 30_000);
    const usd = final.usage.estimatedCostUsd;
    const sceneMinutes = (performance.now() - startMs) / 60_000;
    return {
      rotateAfterAudioTokens,
      minutes: Math.round(sceneMinutes * 100) / 100,
      exchanges,
      playerAudioS: Math.round(playerAudioMs / 100) / 10,
      inputAudioTokens: final.usage.inputAudioTokens,
      outputAudioTokens: final.usage.outputAudioTokens,
      textTokens: final.usage.textTokens,
      estimatedCostUsd: usd,
      costByMinuteUsd,
      replyStartP50Ms: percentile(replyStartsMs, 0.5),
      replyStartP95Ms: percentile(replyStartsMs, 0.95),
      usdPer10Minutes: round6((usd / sceneMinutes) * 10),
      usdPerPlayerHour: round6((usd / sceneMinutes) * 60),
    };
  } finally {
    client.close();
  }
}

/** Monthly cost of `players` playing around the clock (the capacity docs' worst case), from the per-hour figure. */
export function monthlyUsd(usdPerPlayerHour: number, players: number): number {
  return Math.round(usdPerPlayerHour * players * 24 * 30);
}
