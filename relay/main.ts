// The relay process: `node --import tsx relay/main.ts`. Reads the environment, starts the Live emulator when
// there is no GEMINI_API_KEY (and no LIVE_EMULATOR_URL) and the Firestore emulator when there is no
// GOOGLE_CLOUD_PROJECT (and no FIRESTORE_EMULATOR_HOST), serves until SIGTERM/SIGINT, then drains and saves.
import { configuredModels, loadConfig, productionProblems } from './config.js';
import { type EmulatorProcess, spawnEmulator } from './live/emulator-process.js';
import { createGenAi } from './live/genai-client.js';
import { checkModels } from './live/model-check.js';
import { createLogger } from './log.js';
import { bothObservers, createTurnLogObserver } from './metrics/turn-log-event.js';
import { startRelay } from './server.js';
import { type Persistence, startPersistence } from './store/persistence.js';

/** Cloud Run sends SIGKILL 10 s after SIGTERM; exit on our own before that. */
const HARD_EXIT_MS = 9_500;
/** Writes get what is left of this after the sessions are drained (the data model's 8 s flush budget). */
const STORE_FLUSH_BUDGET_MS = 8_000;
const MIN_STORE_FLUSH_MS = 500;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, { component: 'relay' });
  const problems = productionProblems(config, process.env);
  if (problems.length > 0) {
    throw new Error(`refusing to start in production: ${problems.join('; ')}`);
  }
  // Against Google: every configured model must exist and support what we call on it (docs/models.md).
  if (config.geminiApiKey) {
    const modelProblems = await checkModels(createGenAi({ apiKey: config.geminiApiKey }), configuredModels(config));
    if (modelProblems.length > 0) throw new Error(`refusing to start: ${modelProblems.join('; ')}`);
  }
  let emulator: EmulatorProcess | null = null;
  let persistence: Persistence | null = null;
  const cleanUp = async () => {
    await Promise.allSettled([emulator?.close(), persistence?.close(1_000)]);
  };
  // Both emulators start in parallel: each is a child process with its own event loop.
  const started = await Promise.all([
    !config.geminiApiKey && !config.liveEmulatorUrl
      ? spawnEmulator(logger).then((live) => (emulator = live))
      : Promise.resolve(null),
    startPersistence(config, logger).then((store) => (persistence = store)),
  ]).catch(async (error: unknown) => {
    await cleanUp();
    throw error;
  });
  const [live, store] = started;
  // Resume tokens must verify on whichever instance (or restarted process) the browser reaches next.
  if (!process.env.RELAY_SECRET?.trim() && store.secret) config.relaySecret = store.secret;
  if (live) {
    logger.info('no GEMINI_API_KEY: started the local Live emulator', { url: live.url });
    config.liveEmulatorUrl = live.url;
  }
  const relay = await startRelay(config, {
    logger,
    observer: bothObservers(
      bothObservers(store.recorder, createTurnLogObserver(logger, config.geminiLiveModel)),
      store.dailyLimits.usageObserver(config.geminiLiveModel),
    ),
    ...(store.dailyLimits.active
      ? { admitNewScene: (userId: string | undefined) => store.dailyLimits.admit(userId) }
      : {}),
    authenticator: store.authenticator,
    routes: (router) => store.routes(router),
    readinessReasons: () => store.readinessReasons(),
    takeoverStore: store.store,
    stageSwitch: store.stageSwitch,
  }).catch(async (error: unknown) => {
    await cleanUp();
    throw error;
  });
  logger.info('relay listening', {
    url: relay.url,
    upstream: config.geminiApiKey ? `gemini (${config.geminiLiveModel})` : `emulator at ${config.liveEmulatorUrl}`,
    sessions: store.target,
  });
  // The one plain line for people: where to open the app.
  process.stdout.write(`Improv Olympics Live relay listening on ${relay.url}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const signalledAtMs = performance.now();
    logger.info('shutting down', { signal, sessions: relay.sessions.activeSessions, backlog: store.store.backlog });
    // Exit even if something hangs; node-datachannel's cleanup() is deliberately not called from here.
    setTimeout(() => {
      logger.warn('shutdown timed out; exiting');
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    const hadBrowsers = relay.sessions.activeSessions + relay.sessions.pendingConnections > 0;
    // Hands every live scene off (its turns are stored, it stays active and the browser reconnects to take it
    // over elsewhere) and ends the rest; their writes go into the queue synchronously.
    relay.drain();
    // Give the relay.draining / session.ended messages a moment to leave before the peers close.
    if (hadBrowsers) await new Promise((resolve) => setTimeout(resolve, Math.min(config.shutdownGraceMs, 500)));
    await relay.close();
    const flushMs = Math.max(MIN_STORE_FLUSH_MS, STORE_FLUSH_BUDGET_MS - (performance.now() - signalledAtMs));
    const [saved] = await Promise.all([store.close(flushMs), emulator?.close()]);
    logger.info('shutdown complete', { saved });
    process.exit(saved ? 0 : 1);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ severity: 'ERROR', msg: 'relay failed to start', error: String(error) })}\n`,
  );
  process.exit(1);
});
