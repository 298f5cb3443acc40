// The relay process: `node --import tsx relay/main.ts`. Reads the environment, starts the Live emulator when
// there is no GEMINI_API_KEY (and no LIVE_EMULATOR_URL), serves until SIGTERM/SIGINT, then drains.
import { loadConfig } from './config.js';
import { type EmulatorProcess, spawnEmulator } from './live/emulator-process.js';
import { createLogger } from './log.js';
import { startRelay } from './server.js';

/** Cloud Run gives 10 s after SIGTERM; leave a margin. */
const HARD_EXIT_MS = 8_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, { component: 'relay' });
  let emulator: EmulatorProcess | null = null;
  if (!config.geminiApiKey && !config.liveEmulatorUrl) {
    logger.info('no GEMINI_API_KEY: starting the local Live emulator');
    emulator = await spawnEmulator(logger);
    config.liveEmulatorUrl = emulator.url;
  }
  const relay = await startRelay(config, { logger }).catch(async (error: unknown) => {
    await emulator?.close();
    throw error;
  });
  logger.info('relay listening', {
    url: relay.url,
    upstream: config.geminiApiKey ? `gemini (${config.geminiLiveModel})` : `emulator at ${config.liveEmulatorUrl}`,
  });
  // The one plain line for people: where to open the app.
  process.stdout.write(`Improv Olympics Live relay listening on ${relay.url}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, sessions: relay.sessions.activeSessions });
    // Exit even if something hangs; node-datachannel's cleanup() is deliberately not called from here.
    setTimeout(() => {
      logger.warn('shutdown timed out; exiting');
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    const hadBrowsers = relay.sessions.activeSessions + relay.sessions.pendingConnections > 0;
    relay.drain();
    // Give the relay.draining / session.ended messages a moment to leave before the peers close.
    if (hadBrowsers) await new Promise((resolve) => setTimeout(resolve, Math.min(config.shutdownGraceMs, 500)));
    await relay.close();
    await emulator?.close();
    logger.info('shutdown complete');
    process.exit(0);
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
