// How late the relay's event loop runs its timers: every session's audio shares this one loop, so a loop held up
// for N ms delays every frame in flight by up to N ms. perf_hooks samples it in libuv (no JS timer of our own).
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** The sampling timer's period: finer costs more wake-ups; 10 ms is Node's default and resolves a 2 ms budget. */
const RESOLUTION_MS = 10;
const NS_PER_MS = 1e6;

export interface EventLoopLagSummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class EventLoopLag {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.histogram.enable();
  }

  /** Delay beyond the sampling period, in ms (0 for a loop that was never late). */
  summary(): EventLoopLagSummary {
    const late = (ns: number) => Math.max(0, Math.round((ns / NS_PER_MS - RESOLUTION_MS) * 100) / 100);
    if (this.histogram.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
    return {
      p50Ms: late(this.histogram.percentile(50)),
      p99Ms: late(this.histogram.percentile(99)),
      maxMs: late(this.histogram.max),
    };
  }

  reset(): void {
    this.histogram.reset();
  }
}
