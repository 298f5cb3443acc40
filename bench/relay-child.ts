// The relay process the benchmark runs: what relay/main.ts does (loadConfig + startRelay, SIGTERM → close), plus
// bench-only routes the relay does not expose yet:
//   POST /bench/reset   → resets the latency histograms (RelayMetrics.resetLatency) so the window excludes warm-up
//   GET  /bench/latency → uplink+downlink relay-added latency as ONE histogram (GET /metrics has only per-direction
//                          percentiles, which cannot be merged)
//   GET  /bench/usage?sessionId=… → the Live usageMetadata the session's upstream reported (observer.onUsage)
// The hot path is the relay's own; the wrap below adds one histogram increment per recorded sample.
import { loadConfig } from '../relay/config.js';
import { sendJson } from '../relay/http/respond.js';
import type { UpstreamUsage } from '../relay/live/upstream.js';
import { createLogger } from '../relay/log.js';
import { LatencyHistogram } from '../relay/metrics/histogram.js';
import { type RunningRelay, startRelay } from '../relay/server.js';

const HARD_EXIT_MS = 5_000;
/** Bounds the usage log: a bench run has at most a few thousand turns. */
const MAX_USAGE_EVENTS = 100_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, { component: 'relay' });
  const combined = new LatencyHistogram();
  const usageBySession = new Map<string, UpstreamUsage[]>();
  let usageEvents = 0;
  let running: RunningRelay | null = null;

  const relay = await startRelay(config, {
    logger,
    observer: {
      onUsage: (event) => {
        if (usageEvents >= MAX_USAGE_EVENTS) return;
        usageEvents++;
        const list = usageBySession.get(event.sessionId) ?? [];
        list.push(event.usage);
        usageBySession.set(event.sessionId, list);
      },
    },
    routes: (router) => {
      router.add('POST', '/bench/reset', (_request, response) => {
        running?.metrics.resetLatency();
        combined.reset();
        sendJson(response, 200, { reset: true });
      });
      router.add('GET', '/bench/latency', (_request, response) => sendJson(response, 200, combined.summary()));
      router.add('GET', '/bench/usage', (_request, response, url) => {
        const sessionId = url.searchParams.get('sessionId') ?? '';
        sendJson(response, 200, { sessionId, usage: usageBySession.get(sessionId) ?? [] });
      });
    },
  });
  running = relay;
  for (const histogram of [relay.metrics.uplink, relay.metrics.downlink]) {
    const record = histogram.record.bind(histogram);
    histogram.record = (valueMs: number) => {
      record(valueMs);
      combined.record(valueMs);
    };
  }
  process.stdout.write(`bench relay listening on ${relay.url}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), HARD_EXIT_MS).unref();
    await relay.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ severity: 'ERROR', msg: 'relay failed to start', error: String(error) })}\n`,
  );
  process.exit(1);
});
