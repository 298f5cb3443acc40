import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayMetrics } from '../metrics/relay-metrics.js';
import { createMetricsResetHandler, isLoopbackAddress } from './metrics-reset-route.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('POST /metrics/reset', () => {
  it('clears the relay-added latency histograms for a loopback caller', async () => {
    const metrics = new RelayMetrics();
    metrics.uplink.record(0.4);
    metrics.downlink.record(0.7);
    metrics.response.record(350);
    expect(metrics.snapshot({ activeSessions: 0, activePeers: 0, draining: false }).relayAdded.count).toBe(2);
    const server = createServer(
      createMetricsResetHandler({ resetLatency: () => metrics.resetLatency(), debugRoutes: false }),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const reply = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics/reset`, {
      method: 'POST',
    });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ reset: true });
    const snapshot = metrics.snapshot({ activeSessions: 0, activePeers: 0, draining: false });
    expect([snapshot.relayAdded, snapshot.uplink, snapshot.downlink, snapshot.response].map((h) => h.count)).toEqual([
      0, 0, 0, 0,
    ]);
  });

  it('knows loopback addresses (what a non-debug relay serves the route to)', () => {
    for (const address of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
    for (const address of ['10.0.0.7', '169.254.1.1', '::ffff:10.0.0.7', 'fe80::1', '', undefined]) {
      expect(isLoopbackAddress(address), String(address)).toBe(false);
    }
  });
});
