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

  it('feeds uplink and downlink samples (not response) into one relayAdded histogram, and resets it', () => {
    const metrics = new RelayMetrics();
    // 90 fast uplink samples and 10 slow downlink ones: only the combined histogram's p95 sees the slow ones.
    for (let i = 0; i < 90; i++) metrics.uplink.record(0.3);
    for (let i = 0; i < 10; i++) metrics.downlink.record(4.2);
    metrics.response.record(900);
    const snapshot = metrics.snapshot({ activeSessions: 0, activePeers: 0, draining: false });
    expect(snapshot.relayAdded.count).toBe(100);
    expect(snapshot.relayAdded.p50Ms).toBeCloseTo(0.31, 5);
    expect(snapshot.relayAdded.p95Ms).toBeCloseTo(4.2, 5); // bucket bound 4.3, capped at the max
    expect(snapshot.relayAdded.maxMs).toBe(4.2);
    expect(snapshot.uplink.p95Ms).toBeCloseTo(0.3, 5);
    expect(snapshot.uplink.count).toBe(90);
    expect(snapshot.downlink.count).toBe(10);
    metrics.resetLatency();
    expect(metrics.snapshot({ activeSessions: 0, activePeers: 0, draining: false }).relayAdded.count).toBe(0);
    metrics.downlink.record(1.5);
    expect(metrics.relayAdded.summary().count).toBe(1);
  });
});
