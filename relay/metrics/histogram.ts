// Fixed-bucket latency histogram: recording is one index computation and one increment (no allocation),
// so it can sit on the per-frame hot path. Percentiles are read from bucket upper bounds.

// Bucket widths grow by decade so resolution stays ~1–10 % of the value: 10 µs below 1 ms,
// 100 µs below 10 ms, 1 ms below 100 ms, 10 ms below 1 s; everything slower lands in one overflow bucket.
const DECADES = [
  { limitMs: 1, widthMs: 0.01 },
  { limitMs: 10, widthMs: 0.1 },
  { limitMs: 100, widthMs: 1 },
  { limitMs: 1000, widthMs: 10 },
] as const;

const BUCKET_UPPER_MS: number[] = [];
{
  let lowerMs = 0;
  for (const { limitMs, widthMs } of DECADES) {
    const count = Math.round((limitMs - lowerMs) / widthMs);
    for (let i = 1; i <= count; i++) BUCKET_UPPER_MS.push(lowerMs + i * widthMs);
    lowerMs = limitMs;
  }
}
const OVERFLOW = BUCKET_UPPER_MS.length;

function bucketIndex(valueMs: number): number {
  if (!(valueMs > 0)) return 0;
  if (valueMs < 1) return Math.floor(valueMs / 0.01);
  if (valueMs < 10) return 100 + Math.floor((valueMs - 1) / 0.1);
  if (valueMs < 100) return 190 + Math.floor((valueMs - 10) / 1);
  if (valueMs < 1000) return 280 + Math.floor((valueMs - 100) / 10);
  return OVERFLOW;
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  maxMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export class LatencyHistogram {
  private readonly buckets = new Uint32Array(OVERFLOW + 1);
  private count = 0;
  private sumMs = 0;
  private maxMs = 0;

  /**
   * @param alsoInto every sample recorded here is recorded there too (e.g. uplink and downlink both feed one
   * combined relay-added histogram): percentiles of two histograms cannot be merged afterwards, and this keeps
   * the call sites to one record() with no allocation.
   */
  constructor(private readonly alsoInto?: LatencyHistogram) {}

  record(valueMs: number): void {
    this.alsoInto?.record(valueMs);
    const index = bucketIndex(valueMs);
    this.buckets[index] = (this.buckets[index] ?? 0) + 1;
    this.count++;
    this.sumMs += valueMs;
    if (valueMs > this.maxMs) this.maxMs = valueMs;
  }

  /** Upper bound of the bucket holding the q-quantile (0 < q ≤ 1); the max itself for the overflow bucket. */
  percentileMs(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i] ?? 0;
      if (seen >= rank) return Math.min(i === OVERFLOW ? this.maxMs : (BUCKET_UPPER_MS[i] ?? this.maxMs), this.maxMs);
    }
    return this.maxMs;
  }

  summary(): LatencySummary {
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return {
      count: this.count,
      meanMs: round(this.count ? this.sumMs / this.count : 0),
      maxMs: round(this.maxMs),
      p50Ms: round(this.percentileMs(0.5)),
      p95Ms: round(this.percentileMs(0.95)),
      p99Ms: round(this.percentileMs(0.99)),
    };
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.sumMs = 0;
    this.maxMs = 0;
  }
}
