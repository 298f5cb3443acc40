import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.js';
import { RelayMetrics } from './relay-metrics.js';

describe('LatencyHistogram', () => {
  it('reports percentiles within one bucket of the exact value', () => {
    const histogram = new LatencyHistogram();
    // 1..1000 µs uniformly: p50 ≈ 0.5 ms, p99 ≈ 0.99 ms.
    for (let us = 1; us <= 1000; us++) histogram.record(us / 1000);
    const summary = histogram.summary();
    expect(summary.count).toBe(1000);
    expect(summary.p50Ms).toBeGreaterThanOrEqual(0.5);
    expect(summary.p50Ms).toBeLessThanOrEqual(0.51);
    expect(summary.p99Ms).toBeGreaterThanOrEqual(0.99);
    expect(summary.p99Ms).toBeLessThanOrEqual(1.0);
    expect(summary.maxMs).toBe(1);
    expect(summary.meanMs).toBeCloseTo(0.5005, 3);
  });

  it('handles slow outliers, overflow and reset', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 98; i++) histogram.record(0.2);
    histogram.record(25);
    histogram.record(4000);
    expect(histogram.percentileMs(0.5)).toBeCloseTo(0.21, 5);
    expect(histogram.percentileMs(0.99)).toBe(26);
    expect(histogram.percentileMs(1)).toBe(4000);
    histogram.reset();
    expect(histogram.summary()).toEqual({ count: 0, meanMs: 0, maxMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 });
  });

  it('snapshots process figures', () => {
    const metrics = new RelayMetrics();
    metrics.uplink.record(1.5);
    const snapshot = metrics.snapshot({ activeSessions: 2, activePeers: 3, draining: false });
    expect(snapshot.activeSessions).toBe(2);
    expect(snapshot.uplink.count).toBe(1);
    expect(snapshot.uplink.p99Ms).toBeCloseTo(1.5, 5);
    expect(snapshot.process.rssBytes).toBeGreaterThan(0);
  });
});
