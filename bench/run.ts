// `npm run bench [-- --sessions N --seconds S --warmup S --ramp-per-second R --warm-sessions W --cost | --no-cost]
//   [--long-minutes M --rotate-at T1,T2,…]`
// `npm run bench -- --target https://… --sessions N --seconds S`: WebSocket players against a deployment (target.ts).
// Starts the Live emulator and the product relay (relay/main.ts, which starts its own local Firestore emulator in a
// fresh temp folder: persistence on, as offline `npm start`) as child processes on 127.0.0.1, drives N synthetic
// WebRTC players, and measures the relay: added latency, CPU per session-second, RSS per session, uplink bitrate. Then (unless
// --no-cost) the cost phase: one scene VAD-gated vs streamed continuously, and a long scene (--long-minutes, 10;
// 0 = none) played at once on one relay per context-economy setting (--rotate-at: LIVE_ROTATE_AFTER_AUDIO_TOKENS
// values, 0 = never; default "0,<the relay's default>"). Progress goes to stderr; the LAST stdout line is one JSON
// object with the figures.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_ROTATE_AFTER_AUDIO_TOKENS } from '../relay/config.js';
import type { LatencySummary } from '../relay/metrics/histogram.js';
import type { MetricsSnapshot } from '../relay/metrics/relay-metrics.js';
import { loadCostScene, loadUtteranceClips } from './audio.js';
import {
  childPids,
  killChildren,
  processCommandLine,
  processCpuMs,
  processRssBytes,
  startEmulator,
  startRelayProcess,
} from './children.js';
import { measureCost } from './cost.js';
import { JournalWriteCounter } from './firestore-writes.js';
import { type LongSceneResult, monthlyUsd, playLongScene } from './long-scene.js';
import { emptyStats, runSession, type SessionStats } from './session-load.js';
import { runTarget } from './target.js';

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
const load = () => loadavg().map((value) => round(value, 2));

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      'ramp-per-second': { type: 'string' },
      'warm-sessions': { type: 'string' },
      target: { type: 'string' },
      cost: { type: 'boolean' },
      'no-cost': { type: 'boolean' },
      'long-minutes': { type: 'string' },
      'rotate-at': { type: 'string' },
    },
  });
  return {
    sessions: Math.round(positive('--sessions/BENCH_SESSIONS', values.sessions ?? process.env.BENCH_SESSIONS, 50)),
    windowS: positive('--seconds/BENCH_SECONDS', values.seconds ?? process.env.BENCH_SECONDS, 30),
    // 20 s: the players let the MC's ~15 s voiced intro play out before their first line.
    warmupS: positive('--warmup/BENCH_WARMUP_SECONDS', values.warmup ?? process.env.BENCH_WARMUP_SECONDS, 20),
    // New sessions per second: 200 at once made every Live setup queue behind the emulator's speech synthesis.
    rampPerSecond: positive('--ramp-per-second', values['ramp-per-second'] ?? process.env.BENCH_RAMP_PER_SECOND, 5),
    // Whole scenes played before the ramp (not measured): the emulator's first synthesis loads espeak-ng
    // (~17 s under load), which would otherwise land on the first sessions' Live setups.
    warmSessions: Math.round(
      values['warm-sessions'] === '0' ? 0 : positive('--warm-sessions', values['warm-sessions'], 2),
    ),
    target: values.target,
    costOnly: values.cost ?? false,
    skipCost: values['no-cost'] ?? false,
    longMinutes: values['long-minutes'] === '0' ? 0 : positive('--long-minutes', values['long-minutes'], 10),
    rotateAt: (values['rotate-at'] ?? `0,${DEFAULT_ROTATE_AFTER_AUDIO_TOKENS}`).split(',').map((raw) => {
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 0) throw new Error(`--rotate-at takes integers >= 0, got "${raw}"`);
      return value;
    }),
  };
}

async function getJson<T>(url: string, method = 'GET', timeoutMs = 10_000): Promise<T> {
  const reply = await fetch(url, { method, signal: AbortSignal.timeout(timeoutMs) });
  if (!reply.ok) throw new Error(`${method} ${url} answered ${reply.status}`);
  return (await reply.json()) as T;
}

/**
 * A loaded relay can take seconds to answer while hundreds of offers queue; only a relay that stays silent for
 * `attempts` tries of 20 s ends the run (one slow answer once did, with 200 sessions ramping).
 */
async function getJsonRetrying<T>(url: string, method = 'GET', attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getJson<T>(url, method, 20_000);
    } catch (error) {
      if (attempt >= attempts) throw error;
      log(`${method} ${url} failed (${(error as Error).message}); retrying`);
    }
  }
}

const cpuMs = (m: MetricsSnapshot) => m.process.cpuUserMs + m.process.cpuSystemMs;
const percentiles = (s: LatencySummary) => ({ count: s.count, p50: s.p50Ms, p95: s.p95Ms, p99: s.p99Ms, max: s.maxMs });

/** Summed CPU ms of these processes (null if none could be read). */
function cpuMsOf(pids: number[]): number | null {
  const values = pids.map(processCpuMs).filter((ms): ms is number => ms !== null);
  return values.length ? values.reduce((a, b) => a + b, 0) : null;
}

const percentOfWindow = (startMs: number | null, endMs: number | null, windowS: number) =>
  startMs === null || endMs === null ? null : round(((endMs - startMs) / (windowS * 1000)) * 100, 1);

/** Plays `count` whole scenes (intro, one line and its reply, outro, coach) in parallel; their figures are dropped. */
async function warmUp(relayUrl: string, clips: ReturnType<typeof loadUtteranceClips>, count: number): Promise<void> {
  if (count === 0) return;
  const startedMs = performance.now();
  const warmed = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      runSession({
        relayUrl,
        index: 10_000 + index,
        clips,
        stopAtMs: Number.POSITIVE_INFINITY,
        replyTimeoutMs: 60_000,
        pauseMinMs: 0,
        pauseMaxMs: 0,
        maxTurns: 1,
      }).catch((error: unknown) => ({ ...emptyStats(), errors: [String(error)] })),
    ),
  );
  const replies = warmed.reduce((total, s) => total + s.repliesReceived, 0);
  const errors = warmed.flatMap((s) => s.errors);
  log(
    `warmed up with ${count} scenes in ${Math.round(performance.now() - startedMs)} ms: ${replies} replies` +
      (errors.length ? `, errors: ${errors.slice(0, 3).join('; ')}` : ''),
  );
}

async function runLoad(
  relayUrl: string,
  pids: { relay: number; emulator: number },
  options: ReturnType<typeof parseOptions>,
  firestoreDataDir: string,
) {
  const clips = loadUtteranceClips();
  log(`encoded ${clips.length} utterance clips once (${clips.map((c) => c.name).join(', ')})`);
  // The figures the run reports (before, window start and end): patient, a saturated relay answers late.
  const metrics = () => getJsonRetrying<MetricsSnapshot>(`${relayUrl}/metrics`, 'GET', 8);
  // Progress and peak RSS: one short try; a relay too busy to answer is logged, and the run goes on to its end.
  const progress = () =>
    getJson<MetricsSnapshot>(`${relayUrl}/metrics`, 'GET', 5_000).catch(() => {
      log('relay /metrics unanswered within 5 s (saturated); going on');
      return null;
    });
  await warmUp(relayUrl, clips, options.warmSessions);
  const writes = new JournalWriteCounter(firestoreDataDir);
  const before = await metrics();
  const rampMs = (options.sessions / options.rampPerSecond) * 1000;
  const startMs = performance.now();
  // Every session, the last one started too, gets the whole warm-up (the MC's intro) before the window.
  const windowStartMs = startMs + rampMs + options.warmupS * 1000;
  // Moved when the window actually opens: on a loaded machine /metrics can answer late.
  let windowEndMs = windowStartMs + options.windowS * 1000;
  log(`starting ${options.sessions} sessions over ${rampMs} ms; window ${options.windowS} s after warm-up`);

  const stats: SessionStats[] = [];
  const runs: Promise<void>[] = [];
  for (let index = 0; index < options.sessions; index++) {
    const run = sleep((index * rampMs) / options.sessions).then(async () => {
      const result = await runSession({
        relayUrl,
        index,
        clips,
        stopAtMs: () => windowEndMs,
        replyTimeoutMs: 20_000,
        pauseMinMs: 200,
        pauseMaxMs: 1_000,
        maxTurns: 10_000,
      }).catch((error: unknown) => ({ ...emptyStats(), errors: [String(error)] }));
      stats.push(result);
    });
    runs.push(run);
  }

  // Progress until the window opens, then reset the latency histograms and take the CPU baseline.
  // 1 s steps: on a loaded machine a /metrics answer can take seconds, and overshooting eats into the window.
  for (let tick = 1; performance.now() < windowStartMs; tick++) {
    await sleep(Math.min(1_000, windowStartMs - performance.now()));
    writes.poll();
    if (tick % 5 !== 0) continue;
    const m = await progress();
    if (m) log(`warm-up: ${m.activeSessions} sessions, relay cpu ${m.process.cpuPercent}%, load ${load().join(' ')}`);
  }
  await getJsonRetrying(`${relayUrl}/metrics/reset`, 'POST', 8);
  writes.poll();
  writes.reset();
  const windowStart = await metrics();
  windowEndMs = performance.now() + options.windowS * 1000;
  // The relay's own CPU comes from its /metrics (process.cpuUsage: that process only). Its children (the local
  // Firestore emulator) are separate processes, read from /proc.
  // (tsx also gives the relay an esbuild helper child; only the Firestore emulator is counted.)
  const firestorePids = childPids(pids.relay).filter((pid) => processCommandLine(pid).includes('firestore-emulator'));
  const firestoreCpuStartMs = cpuMsOf(firestorePids);
  const emulatorCpuStartMs = processCpuMs(pids.emulator);
  const benchCpuStart = process.cpuUsage();
  const loadAtStart = load();
  log(`window open: ${windowStart.activeSessions} active sessions`);
  // RSS swings with GC, so it is sampled every second for the peak too; progress is logged every 5 s.
  let peakRssBytes = windowStart.process.rssBytes;
  for (let tick = 1; performance.now() < windowEndMs; tick++) {
    await sleep(Math.max(0, Math.min(1_000, windowEndMs - performance.now())));
    const m = await progress();
    writes.poll();
    if (!m) continue;
    peakRssBytes = Math.max(peakRssBytes, m.process.rssBytes);
    if (tick % 5 === 0) {
      log(
        `window: ${m.activeSessions} sessions, relay rss ${round(m.process.rssBytes / 2 ** 20, 1)} MB, load ${load()[0]}`,
      );
    }
  }
  const windowEnd = await metrics();
  writes.poll();
  const writeRate = writes.summary();
  const emulatorCpuEndMs = processCpuMs(pids.emulator);
  const firestoreCpuEndMs = cpuMsOf(firestorePids);
  const benchCpu = process.cpuUsage(benchCpuStart);
  // uplink + downlink samples in one histogram, since the reset at the window's start.
  const combined = windowEnd.relayAdded;
  const loadAtEnd = load();
  const actualWindowS = (windowEnd.uptimeMs - windowStart.uptimeMs) / 1000;
  log('window closed; letting the sessions finish their last turn');
  // Each session stops after its current utterance + reply (bounded by its reply timeout).
  const settled = await Promise.race([Promise.all(runs).then(() => true), sleep(60_000).then(() => false)]);
  if (!settled) log('some sessions did not finish within 60 s of the window end; counting what finished');
  await sleep(500);
  const after = await metrics();

  const sum = (pick: (s: SessionStats) => number) => stats.reduce((total, s) => total + pick(s), 0);
  const speechS = sum((s) => s.speechMsSent) / 1000;
  const errors = stats.flatMap((s) => s.errors);
  const windowCpuMs = cpuMs(windowEnd) - cpuMs(windowStart);
  return {
    sessions: options.sessions,
    relayAddedMsP50: combined.p50Ms,
    relayAddedMsP95: combined.p95Ms,
    relayAddedMsP99: combined.p99Ms,
    cpuMsPerSessionSecond: round(windowCpuMs / (options.sessions * actualWindowS)),
    rssMbPerSession: round((windowEnd.process.rssBytes - before.process.rssBytes) / 2 ** 20 / options.sessions),
    eventLoopLagMsP99: windowEnd.eventLoopLag.p99Ms,
    maxWritesPerDocumentPerSecond: writeRate.maxWritesPerDocumentPerSecond,
    uplinkKbpsSpeaking: round((sum((s) => s.uplinkBytesSent) * 8) / speechS / 1000, 2),
    relayAddedMsMax: combined.maxMs,
    eventLoopLagMs: windowEnd.eventLoopLag,
    firestoreWrites: { ...writeRate, source: 'the local emulator journal, in the window' },
    rampPerSecond: options.rampPerSecond,
    relayAddedSamples: combined.count,
    uplinkMs: percentiles(windowEnd.uplink),
    downlinkMs: percentiles(windowEnd.downlink),
    responseMs: percentiles(windowEnd.response),
    windowSeconds: round(actualWindowS, 2),
    activeSessionsInWindow: windowStart.activeSessions,
    // Where the 2 shared cores went during the window (the emulator and the clients run on the same machine).
    emulatorCpuPercentInWindow: percentOfWindow(emulatorCpuStartMs, emulatorCpuEndMs, actualWindowS),
    // The relay's child process running its local Firestore emulator: NOT included in relayCpuPercentInWindow.
    firestoreEmulatorCpuPercentInWindow: percentOfWindow(firestoreCpuStartMs, firestoreCpuEndMs, actualWindowS),
    firestoreEmulatorProcesses: firestorePids.length,
    firestoreEmulatorRssMbEnd: (() => {
      const rss = firestorePids.map(processRssBytes).filter((bytes): bytes is number => bytes !== null);
      return rss.length ? round(rss.reduce((a, b) => a + b, 0) / 2 ** 20, 1) : null;
    })(),
    clientsCpuPercentInWindow: round(((benchCpu.user + benchCpu.system) / 1000 / (actualWindowS * 1000)) * 100, 1),
    relayCpuPercentInWindow: round((windowCpuMs / (actualWindowS * 1000)) * 100, 1),
    relayRssMbBefore: round(before.process.rssBytes / 2 ** 20, 1),
    relayRssMbEnd: round(windowEnd.process.rssBytes / 2 ** 20, 1),
    relayRssMbPeak: round(Math.max(peakRssBytes, windowEnd.process.rssBytes) / 2 ** 20, 1),
    rssMbPerSessionPeak: round(
      (Math.max(peakRssBytes, windowEnd.process.rssBytes) - before.process.rssBytes) / 2 ** 20 / options.sessions,
    ),
    sessionsConnected: stats.filter((s) => s.connected).length,
    sessionsCompleted: stats.filter((s) => s.completed).length,
    // A session that errored, never connected or never completed a turn: counted, never fatal to the bench.
    sessionsFailed: stats.filter((s) => !s.completed || s.errors.length > 0).length + (options.sessions - stats.length),
    turns: sum((s) => s.turns),
    repliesReceived: sum((s) => s.repliesReceived),
    repliesInterrupted: sum((s) => s.repliesInterrupted),
    replyTimeouts: sum((s) => s.replyTimeouts),
    errors: errors.length,
    errorSamples: [...new Set(errors)].slice(0, 5),
    speechSecondsSent: round(speechS, 1),
    uplinkFramesSent: sum((s) => s.uplinkFramesSent),
    uplinkFramesLost: sum((s) => s.uplinkFramesSent) - (after.counters.uplinkFrames - before.counters.uplinkFrames),
    downlinkFramesDroppedByRelay: after.counters.downlinkFramesDropped - before.counters.downlinkFramesDropped,
    downlinkFramesMissingAtClient: sum((s) => s.downlinkFramesMissing),
    downlinkFramesReceived: sum((s) => s.downlinkFramesReceived),
    loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
  };
}

async function main(): Promise<void> {
  const options = parseOptions();
  log(
    `bench: ${options.sessions} sessions, ${options.windowS} s window, ${options.warmupS} s warm-up; load ${load().join(' ')}`,
  );
  // Hard bound on the whole run, whatever hangs.
  // (+ 480 s: the three patient /metrics reads of a saturated relay may take up to 160 s each.)
  const budgetS =
    options.warmupS +
    options.windowS +
    options.sessions / options.rampPerSecond +
    300 +
    480 +
    (options.skipCost ? 0 : options.longMinutes * 60 + 120);
  setTimeout(() => void fail(new Error(`the bench did not finish within ${budgetS} s`)), budgetS * 1000).unref();

  if (options.target) {
    const figures = await runTarget({ ...options, target: options.target }, log);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    process.exit(0);
  }
  const emulator = await startEmulator(log);
  log(`Live emulator (pid ${emulator.pid}) at ${emulator.url}, think 0 ms, real-time replies`);
  const relay = await startRelayProcess(emulator.url, log);
  log(`relay/main.ts (pid ${relay.pid}) ready at ${relay.url}; Firestore data in ${relay.firestoreDataDir}`);

  const result: Record<string, unknown> = options.costOnly
    ? { sessions: 0, loadAverage: load() }
    : await runLoad(relay.url, { relay: relay.pid, emulator: emulator.pid }, options, relay.firestoreDataDir);
  if (!options.skipCost) {
    const sceneName = 'conversation.wav';
    log(`cost phase: ${sceneName} VAD-gated vs continuous, two sessions in parallel (~30 s)`);
    const cost = await measureCost(relay.url, loadCostScene(sceneName), sceneName);
    log(
      `cost (stored): input audio tokens VAD ${cost.vad.inputAudioTokens} vs continuous ` +
        `${cost.continuous.inputAudioTokens} → saving ${(cost.inputAudioSavingRatio * 100).toFixed(1)}%; ` +
        `cost $${cost.vad.estimatedCostUsd} vs $${cost.continuous.estimatedCostUsd} → saving ` +
        `${(cost.costSavingRatio * 100).toFixed(1)}%`,
    );
    Object.assign(result, {
      costInputAudioTokensVad: cost.vad.inputAudioTokens,
      costInputAudioTokensContinuous: cost.continuous.inputAudioTokens,
      costInputAudioSavingRatio: cost.inputAudioSavingRatio,
      costUsdVad: cost.vad.estimatedCostUsd,
      costUsdContinuous: cost.continuous.estimatedCostUsd,
      costUsdSavingRatio: cost.costSavingRatio,
      cost,
    });
  }
  if (!options.skipCost && options.longMinutes > 0) Object.assign(result, await longScenePhase(emulator.url, options));
  await killChildren();
  result.uncaughtErrors = uncaughtErrors;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

/** The long scene, once per context-economy setting, all at once (one relay each, the same emulator). */
async function longScenePhase(
  emulatorUrl: string,
  options: ReturnType<typeof parseOptions>,
): Promise<{ longScene: LongSceneResult[] }> {
  const scene = loadCostScene('conversation.wav');
  log(
    `long-scene phase: ${options.longMinutes} min, rotate at ${options.rotateAt.join(', ')} audio tokens ` +
      `(0 = never), ${options.rotateAt.length} relays at once`,
  );
  const results = await Promise.all(
    options.rotateAt.map(async (threshold) => {
      const relay = await startRelayProcess(emulatorUrl, log, 40_000, {
        LIVE_ROTATE_AFTER_AUDIO_TOKENS: String(threshold),
        // Long enough a scene: the default budget ends it after 15 player turns.
        SCENE_MAX_PLAYER_TURNS: '200',
      });
      return playLongScene(relay.url, scene, options.longMinutes, threshold, log);
    }),
  );
  for (const r of results) {
    log(
      `long scene, rotate at ${r.rotateAfterAudioTokens || 'never'}: ${r.minutes} min, ${r.exchanges} exchanges, ` +
        `input audio ${r.inputAudioTokens}, output audio ${r.outputAudioTokens}, text ${r.textTokens} tokens → ` +
        `$${r.estimatedCostUsd} ($${r.usdPer10Minutes} per 10 min, $${r.usdPerPlayerHour} per player-hour; ` +
        `50 players around the clock $${monthlyUsd(r.usdPerPlayerHour, 50)}/month, 1,000 ` +
        `$${monthlyUsd(r.usdPerPlayerHour, 1_000)}/month); reply starts p50 ${r.replyStartP50Ms} ms, p95 ` +
        `${r.replyStartP95Ms} ms after the line; by minute ${r.costByMinuteUsd.join(', ')}`,
    );
  }
  return { longScene: results };
}

let failing = false;
async function fail(error: unknown): Promise<void> {
  if (failing) return;
  failing = true;
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await killChildren(1_000);
  process.exit(1);
}

// A player's socket failing inside a callback must cost that session, not the run (it once crashed on a heartbeat
// sent after close); each such error is counted in the figures.
let uncaughtErrors = 0;
process.on('uncaughtException', (error) => {
  uncaughtErrors++;
  log(`uncaught (counted, bench goes on): ${error instanceof Error ? error.message : String(error)}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping the children`);
    void killChildren(1_000).then(() => process.exit(130));
  });
}
main().catch(fail);
