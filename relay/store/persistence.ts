// Everything the relay process needs to keep scenes: Firestore (production, an emulator named by
// FIRESTORE_EMULATOR_HOST, or a local emulator child process with its data in FIRESTORE_DATA_DIR), the session
// store and recorder, the owner identity, the history API routes and the readiness check. main.ts wires it in.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import { handleSessionsApi } from '../api/sessions-api.js';
import { createAuthenticator } from '../auth/auth-mode.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { RelayConfig } from '../config.js';
import type { Router } from '../http/router.js';
import { DailyLimits } from '../limits/daily-limits.js';
import { StageSwitch } from '../limits/stage-switch.js';
import type { Logger } from '../log.js';
import { type EmulatorProcess, spawnFirestoreEmulator } from './emulator-process.js';
import { createFirestore } from './firestore.js';
import { FirestoreSessionStore } from './firestore-session-store.js';
import { SessionRecorder } from './session-recorder.js';

export const LOCAL_PROJECT_ID = 'improv-olympics-local';
const IDENTITY_SECRET_FILE = 'identity-secret';
const EMULATOR_KILL_AFTER_MS = 1_000;

export interface Persistence {
  store: FirestoreSessionStore;
  recorder: SessionRecorder;
  authenticator: Authenticator;
  /** The kill switch every instance reads (Firestore `ops/stage`), already read once. */
  stageSwitch: StageSwitch;
  /** Scenes and speaking minutes per player per day, and the fleet's daily spend (Firestore `usage_days`). */
  dailyLimits: DailyLimits;
  /** The secret signing identity cookies (RELAY_SECRET, or the local one kept with the data); resume tokens use it too. */
  secret: string | undefined;
  /** Where sessions go, for the startup log. */
  target: string;
  /** Mounts GET /api/sessions and GET /api/sessions/*. */
  routes(router: Router): void;
  /** /readyz reasons: the write backlog at its bound, or the local emulator gone. */
  readinessReasons(): string[];
  /** Writes everything acknowledged (up to timeoutMs), then releases Firestore and stops a local emulator. */
  close(timeoutMs: number): Promise<boolean>;
}

/** The /readyz reason for a store whose write backlog reached its bound, or null while it keeps up. */
export function storeReadinessReason(store: Pick<FirestoreSessionStore, 'isHealthy' | 'backlog'>): string | null {
  return store.isHealthy() ? null : `firestore backlog ${store.backlog} writes: at its bound, not saving fast enough`;
}

type Mode =
  | { kind: 'production'; projectId: string }
  | { kind: 'external-emulator'; host: string; projectId: string }
  | { kind: 'local-emulator'; dataDir: string; projectId: string };

export function persistenceMode(config: RelayConfig): Mode {
  const projectId = config.googleCloudProject ?? LOCAL_PROJECT_ID;
  if (config.firestoreEmulatorHost) return { kind: 'external-emulator', host: config.firestoreEmulatorHost, projectId };
  if (config.googleCloudProject) return { kind: 'production', projectId };
  return { kind: 'local-emulator', dataDir: config.firestoreDataDir, projectId };
}

/**
 * RELAY_SECRET signs identity cookies. Offline without one, a secret kept beside the local data keeps identities
 * (and so each browser's history) across restarts; in production without one they last one process.
 */
function identitySecret(env: NodeJS.ProcessEnv, mode: Mode, logger: Logger): string | undefined {
  const fromEnv = env.RELAY_SECRET?.trim();
  if (fromEnv) return fromEnv;
  if (mode.kind !== 'local-emulator') {
    logger.warn('RELAY_SECRET is unset: player identities (and their history) last only this process');
    return undefined;
  }
  const path = join(mode.dataDir, IDENTITY_SECRET_FILE);
  try {
    const saved = readFileSync(path, 'utf8').trim();
    if (saved) return saved;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(mode.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export async function startPersistence(
  config: RelayConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Persistence> {
  const mode = persistenceMode(config);
  const log = logger.child({ component: 'persistence' });
  let emulator: EmulatorProcess | null = null;
  let emulatorExited = false;
  let stopping = false;
  if (mode.kind === 'local-emulator') {
    emulator = await spawnFirestoreEmulator({
      port: 0,
      dataDir: mode.dataDir,
      ownedByParent: true,
      onLog: (line) => log.info('firestore emulator', { line }),
    });
    emulator.child.once('exit', (code, signal) => {
      emulatorExited = true;
      if (!stopping) log.error('the Firestore emulator exited; scenes are not being saved', { code, signal });
    });
  }
  const emulatorHost =
    mode.kind === 'local-emulator' ? emulator?.host : mode.kind === 'external-emulator' ? mode.host : undefined;
  const db: Firestore = createFirestore({ projectId: mode.projectId, emulatorHost });
  const store = new FirestoreSessionStore(db, { logger: log.child({ component: 'session-store' }) });
  const recorder = new SessionRecorder(store, { model: config.geminiLiveModel });
  const secret = identitySecret(env, mode, log);
  const stageSwitch = new StageSwitch(db, { pollMs: config.stageSwitchPollMs, logger: log });
  await stageSwitch.start();
  const dailyLimits = new DailyLimits(db, config.dailyLimits, { logger: log });
  const authenticator = createAuthenticator(env, secret);
  const target =
    mode.kind === 'production'
      ? `firestore (${mode.projectId})`
      : `firestore emulator at ${emulatorHost}${mode.kind === 'local-emulator' ? ` (data in ${mode.dataDir})` : ''}`;

  const sessionsApi = async (
    req: Parameters<typeof handleSessionsApi>[0],
    res: Parameters<typeof handleSessionsApi>[1],
  ) => {
    await handleSessionsApi(req, res, { store, auth: authenticator });
  };
  let closing: Promise<boolean> | null = null;
  return {
    store,
    recorder,
    authenticator,
    stageSwitch,
    dailyLimits,
    secret,
    target,
    routes(router) {
      router.add('GET', '/api/sessions', sessionsApi);
      router.add('GET', '/api/sessions/*', sessionsApi);
    },
    readinessReasons() {
      const reasons: string[] = [];
      const backlog = storeReadinessReason(store);
      if (backlog) reasons.push(backlog);
      if (emulatorExited && !stopping) reasons.push('firestore emulator exited');
      return reasons;
    },
    close(timeoutMs) {
      closing ??= (async () => {
        stageSwitch.stop();
        const drained = await store.close(timeoutMs);
        if (!drained) log.error('shutdown: not every write reached Firestore in time', { backlog: store.backlog });
        stopping = true;
        await db.terminate().catch((error: unknown) => log.warn('firestore terminate failed', { error }));
        await emulator?.stop('SIGTERM', EMULATOR_KILL_AFTER_MS);
        return drained;
      })();
      return closing;
    },
  };
}
