// Local Firestore for dev and tests: @firestore-emulator/server (a Node gRPC implementation that the official
// client speaks to), bound to loopback only, with its documents saved to a data folder so they survive a restart.
//
//   node --import tsx scripts/firestore-emulator.ts --port 8081 --data .data/firestore
//   → prints {"event":"listening","host":"127.0.0.1:8081"} and serves until SIGTERM/SIGINT.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Document } from '@firestore-emulator/proto/dist/google/firestore/v1/document.js';
import { Write } from '@firestore-emulator/proto/dist/google/firestore/v1/write.js';
import { FirestoreServer, type FirestoreState } from '@firestore-emulator/server';
import { type Server, ServerCredentials } from '@grpc/grpc-js';

export interface FirestoreEmulatorOptions {
  /** Only loopback is allowed on this machine; the package itself would bind 0.0.0.0. */
  host?: '127.0.0.1';
  /** 0 (default) picks a free port. */
  port?: number;
  /** Folder holding snapshot.json; omitted = nothing is saved (tests that want a throwaway database). */
  dataDir?: string;
  /** How long after a change the snapshot is written; bounds what a hard kill (SIGKILL) can lose. */
  snapshotDelayMs?: number;
}

export interface FirestoreEmulator {
  /** 'host:port', the form FIRESTORE_EMULATOR_HOST and the client's `host` setting take. */
  host: string;
  port: number;
  /** Saves the snapshot now (awaits nothing on disk beyond a synchronous rename). */
  saveNow(): void;
  stop(): Promise<void>;
}

const SNAPSHOT_FILE = 'snapshot.json';
const SNAPSHOT_VERSION = 1;
const DEFAULT_SNAPSHOT_DELAY_MS = 100;
const GRACEFUL_STOP_MS = 1_000;

interface SnapshotDocument {
  updateTimeMs: number;
  /** The document as Firestore's own protobuf (google.firestore.v1.Document), base64: lossless for every type. */
  documentB64: string;
}
interface SnapshotFile {
  version: number;
  savedAt: string;
  documents: SnapshotDocument[];
}

/** Walks the package's JSON view for document paths; the JSON lacks "exists", so each path is looked up. */
function collectDocumentPaths(node: unknown, out: string[]): void {
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record.path === 'string' && 'fields' in record && record.path.includes('/documents/')) {
    out.push(record.path);
  }
  for (const key of ['projects', 'databases', 'collections', 'documents']) {
    const children = record[key];
    if (children && typeof children === 'object') {
      for (const child of Object.values(children)) collectDocumentPaths(child, out);
    }
  }
}

export function snapshotState(state: FirestoreState): SnapshotFile {
  const paths: string[] = [];
  collectDocumentPaths(state.toJSON(), paths);
  const documents: SnapshotDocument[] = [];
  for (const path of paths) {
    const doc = state.getDocument(path);
    if (!doc.metadata.hasExist) continue;
    documents.push({
      updateTimeMs: doc.metadata.updatedAt.getTime(),
      documentB64: Buffer.from(doc.toV1Document().serializeBinary()).toString('base64'),
    });
  }
  return { version: SNAPSHOT_VERSION, savedAt: new Date().toISOString(), documents };
}

export function restoreState(state: FirestoreState, snapshot: SnapshotFile): number {
  if (snapshot.version !== SNAPSHOT_VERSION) {
    throw new Error(
      `Firestore snapshot version ${snapshot.version} is not ${SNAPSHOT_VERSION}; move the data folder aside.`,
    );
  }
  for (const saved of snapshot.documents) {
    const stored = Document.deserializeBinary(Buffer.from(saved.documentB64, 'base64'));
    // The package rejects writes that carry create/update times, so only name and fields are replayed.
    const update = new Document({ name: stored.name, fields: stored.fields });
    state.writeV1Document(new Date(saved.updateTimeMs), new Write({ update }));
  }
  return snapshot.documents.length;
}

function readSnapshot(dataDir: string): SnapshotFile | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, SNAPSHOT_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return JSON.parse(text) as SnapshotFile;
}

function writeSnapshot(dataDir: string, snapshot: SnapshotFile): void {
  mkdirSync(dataDir, { recursive: true });
  const target = join(dataDir, SNAPSHOT_FILE);
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(snapshot));
  // rename is atomic: a crash mid-save leaves the previous snapshot intact.
  renameSync(temp, target);
}

function bindLoopback(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, boundPort) => {
      if (err) reject(err);
      else resolvePort(boundPort);
    });
  });
}

export async function startFirestoreEmulator(options: FirestoreEmulatorOptions = {}): Promise<FirestoreEmulator> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const snapshotDelayMs = options.snapshotDelayMs ?? DEFAULT_SNAPSHOT_DELAY_MS;
  const emulator = new FirestoreServer();
  // FirestoreServer.start() binds 0.0.0.0; we bind its gRPC server ourselves so it listens on loopback only.
  const grpcServer = (emulator as unknown as { server: Server }).server;
  if (typeof grpcServer?.bindAsync !== 'function') {
    throw new Error('@firestore-emulator/server changed shape: no gRPC server to bind; pin the tested version.');
  }

  if (dataDir) {
    const snapshot = readSnapshot(dataDir);
    if (snapshot) restoreState(emulator.state, snapshot);
  }

  let saveTimer: NodeJS.Timeout | undefined;
  const saveNow = (): void => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    if (dataDir) writeSnapshot(dataDir, snapshotState(emulator.state));
  };
  const scheduleSave = (): void => {
    if (!dataDir || saveTimer) return;
    saveTimer = setTimeout(saveNow, snapshotDelayMs);
  };
  for (const event of ['create-document', 'update-document', 'delete-document', 'clear-all-projects'] as const) {
    emulator.state.emitter.on(event, scheduleSave);
  }

  const port = await bindLoopback(grpcServer, host, options.port ?? 0);
  let stopped = false;
  return {
    host: `${host}:${port}`,
    port,
    saveNow,
    async stop() {
      if (stopped) return;
      stopped = true;
      saveNow();
      // Open streams (onSnapshot listeners) can keep a graceful shutdown waiting forever: give it a moment, then force.
      await new Promise<void>((done) => {
        const force = setTimeout(done, GRACEFUL_STOP_MS);
        grpcServer.tryShutdown(() => {
          clearTimeout(force);
          done();
        });
      });
      grpcServer.forceShutdown();
    },
  };
}

/** Dev/start helper: use FIRESTORE_EMULATOR_HOST when it points at a running emulator, else start one here. */
export async function ensureFirestoreEmulator(
  options: FirestoreEmulatorOptions & { env?: NodeJS.ProcessEnv } = {},
): Promise<{ host: string; stop(): Promise<void> }> {
  const fromEnv = (options.env ?? process.env).FIRESTORE_EMULATOR_HOST;
  if (fromEnv) return { host: fromEnv, stop: async () => {} };
  return startFirestoreEmulator({ dataDir: '.data/firestore', ...options });
}

function argValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const port = Number(argValue(args, '--port') ?? '8081');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`--port must be an integer 0..65535, got ${argValue(args, '--port')}`);
  }
  const dataDir = args.includes('--no-data') ? undefined : (argValue(args, '--data') ?? '.data/firestore');
  const emulator = await startFirestoreEmulator({ host: '127.0.0.1', port, dataDir });
  process.stdout.write(`${JSON.stringify({ event: 'listening', host: emulator.host })}\n`);
  const shutdown = (): void => {
    emulator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
