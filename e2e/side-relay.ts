// A spec's own stack beside the suite's relay: a Firestore emulator and a Live emulator as processes that
// outlive the relay (as Google's services do), and relay/main.ts serving the built client on E2E_PORT + offset.
import { type EmulatorProcess as LiveProcess, spawnEmulator } from '../relay/live/emulator-process.js';
import { createLogger } from '../relay/log.js';
import { type EmulatorProcess, spawnFirestoreEmulator } from '../relay/store/emulator-process.js';
import { type RelayProcess, startRelayProcess } from '../relay/test/relay-process.js';

export interface SideRelay {
  relay: RelayProcess;
  live: LiveProcess;
  firestore: EmulatorProcess;
  /** Kills the relay and stops both emulators. */
  stop(): Promise<void>;
}

/** Offsets in use: relay-restart +11, outbox and transcript-habits +12 (+13), sign-in +14, context-economy +15. */
export async function startSideRelay(portOffset: number, env: Record<string, string> = {}): Promise<SideRelay> {
  const [firestore, live] = await Promise.all([
    spawnFirestoreEmulator({ port: 0 }),
    spawnEmulator(createLogger('warn', { component: 'e2e-live-emulator' })),
  ]);
  const relay = await startRelayProcess({
    PORT: String(Number(process.env.E2E_PORT ?? 8787) + portOffset),
    LIVE_EMULATOR_URL: live.url,
    FIRESTORE_EMULATOR_HOST: firestore.host,
    STATIC_DIR: 'dist',
    ...env,
  }).catch(async (error: unknown) => {
    await Promise.allSettled([firestore.stop('SIGTERM', 2_000), live.close()]);
    throw error;
  });
  return {
    relay,
    live,
    firestore,
    stop: async () => {
      relay.kill();
      await Promise.allSettled([firestore.stop('SIGTERM', 2_000), live.close()]);
    },
  };
}
