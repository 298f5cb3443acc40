// One synthetic player: a Node WebRTC client (the relay's own test client) that says hello, then loops
// utterance → wait for the partner's reply → short pause, until its deadline. Everything is bounded in time/count.

import { RtcTestClient } from '../relay/test/rtc-client.js';
import { HEARTBEAT_INTERVAL_MS, OPUS_FRAME_MS } from '../shared/constants.js';
import { FRAME_HEADER_BYTES } from '../shared/frame.js';
import { mulberry32 } from '../shared/stage.js';
import type { SpeechClip } from './audio.js';
import { waitForMcIntro, waitForReplyEnd } from './stage-turns.js';
import { type BenchPlayer, WsPlayer } from './ws-player.js';

export interface SessionStats {
  connected: boolean;
  completed: boolean;
  turns: number;
  repliesReceived: number;
  repliesInterrupted: number;
  replyTimeouts: number;
  errors: string[];
  uplinkFramesSent: number;
  uplinkBytesSent: number;
  speechMsSent: number;
  downlinkFramesReceived: number;
  /** Partner frames missing by seq within each received turn (lost or dropped by the relay). */
  downlinkFramesMissing: number;
}

export interface SessionPlan {
  relayUrl: string;
  index: number;
  clips: SpeechClip[];
  /** Start no new utterance after this performance.now() (a function: the bench may move the window's end). */
  stopAtMs: number | (() => number);
  replyTimeoutMs: number;
  pauseMinMs: number;
  pauseMaxMs: number;
  /** Hard cap on turns, so the loop is bounded even if replies come instantly. */
  maxTurns: number;
  /** WebRTC on loopback (default), or the WebSocket fallback (how a deployed relay is reached). */
  transport?: 'webrtc' | 'websocket';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function emptyStats(): SessionStats {
  return {
    connected: false,
    completed: false,
    turns: 0,
    repliesReceived: 0,
    repliesInterrupted: 0,
    replyTimeouts: 0,
    errors: [],
    uplinkFramesSent: 0,
    uplinkBytesSent: 0,
    speechMsSent: 0,
    downlinkFramesReceived: 0,
    downlinkFramesMissing: 0,
  };
}

export async function runSession(plan: SessionPlan): Promise<SessionStats> {
  const stats = emptyStats();
  const random = mulberry32(plan.index + 1);
  let client: BenchPlayer;
  try {
    client =
      plan.transport === 'websocket'
        ? await WsPlayer.connect(plan.relayUrl, 20_000)
        : await RtcTestClient.connect(plan.relayUrl, { bindAddress: '127.0.0.1', connectTimeoutMs: 20_000 });
  } catch (error) {
    stats.errors.push(`connect: ${(error as Error).message}`);
    return stats;
  }
  stats.connected = true;
  const heartbeat = setInterval(() => {
    if (!client.closed) client.send({ type: 'ping', t: Date.now() });
  }, HEARTBEAT_INTERVAL_MS);
  try {
    const welcome = await client.hello({ game: 'bench' }, 20_000);
    if (welcome.type !== 'welcome') throw new Error(`hello answered with ${JSON.stringify(welcome)}`);
    const seenEnds = new Set<number>();
    await waitForMcIntro(client);
    let utteranceId = 0;
    const stopAtMs = () => (typeof plan.stopAtMs === 'function' ? plan.stopAtMs() : plan.stopAtMs);
    while (performance.now() < stopAtMs() && stats.turns < plan.maxTurns && !client.closed) {
      const clip = plan.clips[(plan.index + stats.turns) % plan.clips.length]!;
      utteranceId++;
      await client.speak(utteranceId, clip.packets, OPUS_FRAME_MS);
      stats.turns++;
      stats.uplinkFramesSent += clip.packets.length;
      stats.speechMsSent += clip.durationMs;
      for (const packet of clip.packets) stats.uplinkBytesSent += FRAME_HEADER_BYTES + packet.byteLength;
      try {
        const end = await waitForReplyEnd(client, seenEnds, plan.replyTimeoutMs);
        seenEnds.add(end.turnId);
        if (end.interrupted) stats.repliesInterrupted++;
        else stats.repliesReceived++;
      } catch {
        stats.replyTimeouts++;
      }
      await sleep(plan.pauseMinMs + random() * (plan.pauseMaxMs - plan.pauseMinMs));
    }
    stats.completed = !client.closed && stats.turns > 0;
    if (client.closed) stats.errors.push('the relay closed the session');
  } catch (error) {
    stats.errors.push((error as Error).message);
  } finally {
    clearInterval(heartbeat);
    collectClientSide(client, stats);
    if (!client.closed) {
      // As the browser does: stay for the MC's voiced outro and the coach's report, which end with session.ended.
      client.send({ type: 'scene.end' });
      await client.waitForMessage((m) => m.type === 'session.ended', 30_000).catch(() => undefined);
    }
    client.close();
  }
  return stats;
}

function collectClientSide(client: BenchPlayer, stats: SessionStats): void {
  for (const message of client.messages) {
    if (message.type === 'error') stats.errors.push(`relay error ${message.code}: ${message.message}`);
  }
  stats.errors.push(...client.invalidMessages.map((text) => `invalid message: ${text.slice(0, 80)}`));
  stats.downlinkFramesReceived = client.frames.length;
  const seqRange = new Map<number, { min: number; max: number; count: number }>();
  for (const frame of client.frames) {
    const range = seqRange.get(frame.streamId) ?? { min: frame.seq, max: frame.seq, count: 0 };
    range.min = Math.min(range.min, frame.seq);
    range.max = Math.max(range.max, frame.seq);
    range.count++;
    seqRange.set(frame.streamId, range);
  }
  for (const range of seqRange.values()) stats.downlinkFramesMissing += range.max - range.min + 1 - range.count;
}
