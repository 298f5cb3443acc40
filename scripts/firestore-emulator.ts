// Local Firestore for dev and tests: @firestore-emulator/server (a Node gRPC implementation that the official
// client speaks to), bound to loopback only, with its documents saved to a data folder so they survive a restart.
//
//   node --import tsx scripts/firestore-emulator.ts --port 8081 --data .data/firestore
//   → prints {"event":"listening","host":"127.0.0.1:8081"} and serves until SIGTERM/SIGINT.
//   --exit-with-stdin: also stop (saving) when stdin closes, i.e. when the parent that piped it has died.
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Document } from '@firestore-emulator/proto/dist/google/firestore/v1/document.js';
import { Write } from '@firestore-emulator/proto/dist/google/firestore/v1/write.js';
import { FirestoreServer, type FirestoreState, type FirestoreStateDocument } from '@firestore-emulator/server';
import { type Server, ServerCredentials } from '@grpc/grpc-js';

export interface FirestoreEmulatorOptions {
  /** Only loopback is allowed on this machine; the package itself would bind 0.0.0.0. */
  host?: '127.0.0.1';
  /** 0 (default) picks a free port. */
  port?: number;
  /** Folder holding snapshot.json + journal.ndjson; omitted = nothing is saved (a throwaway database). */
  dataDir?: string;
}

export interface FirestoreEmulator {
  /** 'host:port', the form FIRESTORE_EMULATOR_HOST and the client's `host` setting take. */
  host: string;
  port: number;
  /** Writes a full snapshot now and empties the journal (compaction). */
  saveNow(): void;
  stop(): Promise<void>;
}

const SNAPSHOT_FILE = 'snapshot.json';
const JOURNAL_FILE = 'journal.ndjson';
const SNAPSHOT_VERSION = 1;
/** The journal is folded into a fresh snapshot once it holds this many changes (and at every start/stop). */
const JOURNAL_COMPACT_LINES = 20_000;
const GRACEFUL_STOP_MS = 1_000;

interface SnapshotDocument {
  updateTimeMs: number;
  /** The document as Firestore's own protobuf (google.firestore.v1.Document), base64: lossless for every type. */
  documentB64: string;
}
/** One journal line: a document's state after a change, or its deletion. */
interface JournalEntry {
  path: string;
  updateTimeMs?: number;
  documentB64?: string;
  deleted?: true;
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

function encodeDocument(doc: FirestoreStateDocument): SnapshotDocument {
  if (!doc.metadata.hasExist) throw new Error(`cannot save missing document ${doc.getPath()}`);
  return {
    updateTimeMs: doc.metadata.updatedAt.getTime(),
    documentB64: Buffer.from(doc.toV1Document().serializeBinary()).toString('base64'),
  };
}

function replayDocument(state: FirestoreState, saved: SnapshotDocument): void {
  const stored = Document.deserializeBinary(Buffer.from(saved.documentB64, 'base64'));
  // The package rejects writes that carry create/update times, so only name and fields are replayed.
  const update = new Document({ name: stored.name, fields: stored.fields });
  state.writeV1Document(new Date(saved.updateTimeMs), new Write({ update }));
}

export function snapshotState(state: FirestoreState): SnapshotFile {
  const paths: string[] = [];
  collectDocumentPaths(state.toJSON(), paths);
  const documents: SnapshotDocument[] = [];
  for (const path of paths) {
    const doc = state.getDocument(path);
    if (!doc.metadata.hasExist) continue;
    documents.push(encodeDocument(doc));
  }
  return { version: SNAPSHOT_VERSION, savedAt: new Date().toISOString(), documents };
}

export function restoreState(state: FirestoreState, snapshot: SnapshotFile): number {
  if (snapshot.version !== SNAPSHOT_VERSION) {
    throw new Error(
      `Firestore snapshot version ${snapshot.version} is not ${SNAPSHOT_VERSION}; move the data folder aside.`,
    );
  }
  for (const saved of snapshot.documents) replayDocument(state, saved);
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

/** Replays journal lines in order; a torn last line (killed mid-append) is ignored. Returns lines applied. */
function replayJournal(state: FirestoreState, dataDir: string): number {
  let text: string;
  try {
    text = readFileSync(join(dataDir, JOURNAL_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let applied = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      continue;
    }
    if (entry.deleted) state.writeV1Document(new Date(), new Write({ delete: entry.path }));
    else if (entry.documentB64 && entry.updateTimeMs !== undefined) {
      replayDocument(state, { updateTimeMs: entry.updateTimeMs, documentB64: entry.documentB64 });
    }
    applied += 1;
  }
  return applied;
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
  const emulator = new FirestoreServer();
  // FirestoreServer.start() binds 0.0.0.0; we bind its gRPC server ourselves so it listens on loopback only.
  const grpcServer = (emulator as unknown as { server: Server }).server;
  if (typeof grpcServer?.bindAsync !== 'function') {
    throw new Error('@firestore-emulator/server changed shape: no gRPC server to bind; pin the tested version.');
  }

  let saveNow = (): void => {};
  if (dataDir) {
    const dir = dataDir;
    const snapshot = readSnapshot(dir);
    if (snapshot) restoreState(emulator.state, snapshot);
    replayJournal(emulator.state, dir);
    let journalLines = 0;
    const dirtyPaths = new Set<string>();
    saveNow = (): void => {
      dirtyPaths.clear();
      writeSnapshot(dir, snapshotState(emulator.state));
      writeFileSync(join(dir, JOURNAL_FILE), '');
      journalLines = 0;
    };
    saveNow();

    // Each change is journaled once the write that made it is done (transforms such as increments are applied
    // after the change event), so a kill loses at most the changes of the current tick.
    const appendJournal = (): void => {
      if (dirtyPaths.size === 0) return;
      const lines: string[] = [];
      for (const path of dirtyPaths) {
        const doc = emulator.state.getDocument(path);
        const entry: JournalEntry = doc.metadata.hasExist ? { path, ...encodeDocument(doc) } : { path, deleted: true };
        lines.push(JSON.stringify(entry));
      }
      dirtyPaths.clear();
      appendFileSync(join(dir, JOURNAL_FILE), `${lines.join('\n')}\n`);
      journalLines += lines.length;
      if (journalLines >= JOURNAL_COMPACT_LINES) saveNow();
    };
    const markDirty = ({ document }: { document: FirestoreStateDocument }): void => {
      if (dirtyPaths.size === 0) setImmediate(appendJournal);
      dirtyPaths.add(document.getPath());
    };
    emulator.state.emitter.on('create-document', markDirty);
    emulator.state.emitter.on('update-document', markDirty);
    emulator.state.emitter.on('delete-document', markDirty);
    emulator.state.emitter.on('clear-all-projects', () => saveNow());
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
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
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
  if (args.includes('--exit-with-stdin')) {
    process.stdin.on('end', shutdown);
    process.stdin.on('error', shutdown);
    process.stdin.resume();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
