// The one place a Firestore client is made: real Firestore with Application Default Credentials in production,
// the local emulator (scripts/firestore-emulator.ts) in dev and tests.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Firestore, type Settings } from '@google-cloud/firestore';

export interface FirestoreOptions {
  /** 'host:port' of an emulator. Omitted = real Firestore (unless FIRESTORE_EMULATOR_HOST is set; the client prefers it). */
  emulatorHost?: string;
  /** GOOGLE_CLOUD_PROJECT in production; any id for the emulator. */
  projectId: string;
}

// WriteBatch.commit() retries UNAVAILABLE inside one call for up to 10 minutes (the library's own client config,
// which per-client settings cannot change). That would hide an outage from /readyz and from flush(), so Commit
// gets a short budget of its own; past it the call fails with DEADLINE_EXCEEDED and the write queue, which owns
// backoff and health, retries. Reads keep the library's defaults.
export const COMMIT_BUDGET_MS = 5_000;
const COMMIT_RETRY_PARAMS_NAME = 'relay_commit';
// gRPC's default reconnect backoff grows to 120 s; after an outage the backlog should drain within seconds.
const MAX_RECONNECT_BACKOFF_MS = 2_000;

interface GapicClientConfig {
  interfaces: Record<
    string,
    { retry_params: Record<string, Record<string, number>>; methods: Record<string, { retry_params_name: string }> }
  >;
}

function limitCommitRetries(): void {
  const require = createRequire(import.meta.url);
  // The library reads this JSON through require's cache (lazily, at its first request), so this edit is what it sees.
  const configPath = join(dirname(require.resolve('@google-cloud/firestore')), 'v1', 'firestore_client_config.json');
  const config = require(configPath) as GapicClientConfig;
  const service = config.interfaces['google.firestore.v1.Firestore'];
  const commit = service?.methods.Commit;
  if (!service || !commit) throw new Error('@google-cloud/firestore client config changed shape; review firestore.ts');
  service.retry_params[COMMIT_RETRY_PARAMS_NAME] = {
    initial_retry_delay_millis: 100,
    retry_delay_multiplier: 1.3,
    max_retry_delay_millis: 1_000,
    initial_rpc_timeout_millis: COMMIT_BUDGET_MS,
    rpc_timeout_multiplier: 1,
    max_rpc_timeout_millis: COMMIT_BUDGET_MS,
    total_timeout_millis: COMMIT_BUDGET_MS,
  };
  commit.retry_params_name = COMMIT_RETRY_PARAMS_NAME;
}
limitCommitRetries();

export function createFirestore(options: FirestoreOptions): Firestore {
  const settings: Settings = {
    projectId: options.projectId,
    ignoreUndefinedProperties: true,
    preferRest: false,
    // gRPC's default reconnect backoff grows to 120 s; after an outage the backlog should drain within seconds.
    'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS,
  };
  if (options.emulatorHost) {
    settings.host = options.emulatorHost;
    settings.ssl = false;
  }
  if (options.emulatorHost || process.env.FIRESTORE_EMULATOR_HOST) {
    // With no credentials, the auth library would ask the GCE metadata server (a non-loopback address) for the
    // universe domain; naming it here keeps emulator traffic on loopback.
    settings.universeDomain = 'googleapis.com';
  }
  return new Firestore(settings);
}

/** Reads the production/dev choice from the environment: GOOGLE_CLOUD_PROJECT, FIRESTORE_EMULATOR_HOST. */
export function firestoreOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): FirestoreOptions {
  return {
    projectId: env.GOOGLE_CLOUD_PROJECT ?? 'improv-olympics-local',
    emulatorHost: env.FIRESTORE_EMULATOR_HOST || undefined,
  };
}
