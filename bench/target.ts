// `npm run bench -- --target https://relay.example.com --sessions N --seconds S`: N synthetic players over the
// WebSocket transport against a deployed relay, bounded in count and time, printing the same JSON figures the
// loopback bench prints from the client's side (the relay's own figures come from its dashboard: several
// instances answer behind one URL). Only for deployments you own.
import { loadUtteranceClips } from './audio.js';
import { emptyStats, runSession, type SessionStats } from './session-load.js';

/** Hard bounds, whatever the flags say: a load test must not turn into a flood. */
export const TARGET_MAX_SESSIONS = 500;
export const TARGET_MAX_SECONDS = 600;

export interface TargetOptions {
  target: string;
  sessions: number;
  windowS: number;
  rampPerSecond: number;
}

/** An https URL, or http only on loopback (how the mode is tested here). */
export function checkTarget(raw: string): string {
  const url = new URL(raw);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new Error(`--target must be an https:// URL (http only on loopback), got ${raw}`);
  return url.origin;
}

export async function runTarget(options: TargetOptions, log: (line: string) => void) {
  const target = checkTarget(options.target);
  const sessions = Math.min(options.sessions, TARGET_MAX_SESSIONS);
  const windowS = Math.min(options.windowS, TARGET_MAX_SECONDS);
  const clips = loadUtteranceClips();
  const startMs = performance.now();
  const stopAtMs = startMs + (sessions / options.rampPerSecond) * 1000 + windowS * 1000;
  log(`target ${target}: ${sessions} WebSocket players at ${options.rampPerSecond}/s, ${windowS} s after the ramp`);
  const stats: SessionStats[] = [];
  const runs = Array.from({ length: sessions }, (_, index) =>
    new Promise((resolve) => setTimeout(resolve, (index / options.rampPerSecond) * 1000))
      .then(() =>
        runSession({
          relayUrl: target,
          index,
          clips,
          stopAtMs,
          replyTimeoutMs: 20_000,
          pauseMinMs: 200,
          pauseMaxMs: 1_000,
          maxTurns: 1_000,
          transport: 'websocket',
        }),
      )
      .catch((error: unknown) => ({ ...emptyStats(), errors: [String(error)] }))
      .then((result) => void stats.push(result)),
  );
  // Every player stops after its current turn; the scene's outro and coach add up to ~30 s more.
  await Promise.race([Promise.all(runs), new Promise((resolve) => setTimeout(resolve, windowS * 1000 + 120_000))]);
  const sum = (pick: (s: SessionStats) => number) => stats.reduce((total, s) => total + pick(s), 0);
  const errors = stats.flatMap((s) => s.errors);
  return {
    target,
    transport: 'websocket',
    sessions,
    seconds: Math.round((performance.now() - startMs) / 1000),
    sessionsConnected: stats.filter((s) => s.connected).length,
    sessionsCompleted: stats.filter((s) => s.completed).length,
    sessionsFailed: stats.filter((s) => !s.completed || s.errors.length > 0).length + (sessions - stats.length),
    turns: sum((s) => s.turns),
    repliesReceived: sum((s) => s.repliesReceived),
    repliesInterrupted: sum((s) => s.repliesInterrupted),
    replyTimeouts: sum((s) => s.replyTimeouts),
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    downlinkFramesReceived: sum((s) => s.downlinkFramesReceived),
    downlinkFramesMissingAtClient: sum((s) => s.downlinkFramesMissing),
  };
}
