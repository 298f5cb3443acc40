// The figures GET /metrics reports: relay-added latency per direction, sessions, drops, CPU and memory.
import { EventLoopLag, type EventLoopLagSummary } from './event-loop-lag.js';
import { LatencyHistogram, type LatencySummary } from './histogram.js';

export interface MetricsSnapshot {
  uptimeMs: number;
  activeSessions: number;
  activePeers: number;
  draining: boolean;
  /** Every uplink and downlink sample in one histogram: the relay-added latency of any audio frame. */
  relayAdded: LatencySummary;
  /** Audio frame received from the client → its PCM handed to the upstream (sendRealtimeInput returned). */
  uplink: LatencySummary;
  /** Upstream PCM received → the Opus frame made from it sent on `audio`. */
  downlink: LatencySummary;
  /** End of the player's speech (utterance.end) → first partner frame sent; includes model time. */
  response: LatencySummary;
  counters: RelayCounters;
  /** How late the event loop ran (since the last reset): every session's frames wait out this lag. */
  eventLoopLag: EventLoopLagSummary;
  process: { cpuUserMs: number; cpuSystemMs: number; cpuPercent: number; rssBytes: number; heapUsedBytes: number };
}

export interface RelayCounters {
  sessionsStarted: number;
  sessionsEnded: number;
  uplinkFrames: number;
  downlinkFrames: number;
  downlinkFramesDropped: number;
  badInputs: number;
}

export class RelayMetrics {
  /** Fed by uplink and downlink (not by `response`, which includes model time). */
  readonly relayAdded = new LatencyHistogram();
  readonly uplink = new LatencyHistogram(this.relayAdded);
  readonly downlink = new LatencyHistogram(this.relayAdded);
  readonly response = new LatencyHistogram();
  readonly eventLoopLag = new EventLoopLag();
  readonly counters: RelayCounters = {
    sessionsStarted: 0,
    sessionsEnded: 0,
    uplinkFrames: 0,
    downlinkFrames: 0,
    downlinkFramesDropped: 0,
    badInputs: 0,
  };
  private readonly startedAtMs = performance.now();
  private lastCpu = process.cpuUsage();
  private lastCpuAtMs = performance.now();

  snapshot(state: { activeSessions: number; activePeers: number; draining: boolean }): MetricsSnapshot {
    const cpu = process.cpuUsage();
    const nowMs = performance.now();
    // CPU share since the previous snapshot (100 = one full core), so a benchmark can poll it.
    const usedMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    const elapsedMs = nowMs - this.lastCpuAtMs;
    this.lastCpu = cpu;
    this.lastCpuAtMs = nowMs;
    const memory = process.memoryUsage();
    return {
      uptimeMs: Math.round(nowMs - this.startedAtMs),
      ...state,
      relayAdded: this.relayAdded.summary(),
      uplink: this.uplink.summary(),
      downlink: this.downlink.summary(),
      response: this.response.summary(),
      counters: { ...this.counters },
      eventLoopLag: this.eventLoopLag.summary(),
      process: {
        cpuUserMs: Math.round(cpu.user / 1000),
        cpuSystemMs: Math.round(cpu.system / 1000),
        cpuPercent: elapsedMs > 0 ? Math.round((usedMs / elapsedMs) * 1000) / 10 : 0,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
      },
    };
  }

  /** Lets a benchmark measure one phase (e.g. after warm-up) on its own. */
  resetLatency(): void {
    this.relayAdded.reset();
    this.uplink.reset();
    this.downlink.reset();
    this.response.reset();
    this.eventLoopLag.reset();
  }
}
