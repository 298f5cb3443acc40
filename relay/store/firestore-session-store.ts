// SessionStore on Firestore: writes go through the WriteQueue (batched, retried, idempotent), reads go direct.
import { randomUUID } from 'node:crypto';
import type { DocumentData, DocumentReference, Firestore, Transaction, WriteBatch } from '@google-cloud/firestore';
import { createLogger, type Logger } from '../log.js';
import { DocWriteRate } from './doc-write-rate.js';
import { estimateCostUsd, type ModelPriceUsdPerMillionTokens, priceFor } from './pricing.js';
import {
  fromSessionDoc,
  fromTurnDoc,
  SESSIONS_COLLECTION,
  type SessionFields,
  SessionWrite,
  TURNS_COLLECTION,
  toTurnDoc,
  turnDocId,
} from './session-docs.js';
import type { NewSession, SessionPatch, SessionStore, StoredSession, StoredTurn, TurnRecord } from './session-store.js';
import { WriteQueue, type WriteQueueOptions } from './write-queue.js';

export const DEFAULT_RETENTION_DAYS = 90;
export const DEFAULT_FLUSH_TIMEOUT_MS = 8_000; // inside Cloud Run's 10 s between SIGTERM and SIGKILL
export const DEFAULT_LIST_LIMIT = 50;
/**
 * One session's documents (its session doc and turn docs share the queue key) commit at most once per this long:
 * Firestore sustains about one write per second per document, and while a reply streams its transcript grows
 * every ~100 ms. What arrives meanwhile folds into the waiting write. SIGTERM's flush does not wait; a SIGKILL
 * loses at most this much of a scene's writes (the browser's outbox still holds every line not yet answered).
 */
export const DEFAULT_MIN_DOC_WRITE_INTERVAL_MS = 1_000;
const DAY_MS = 86_400_000;

export interface FirestoreSessionStoreOptions
  extends Partial<Omit<WriteQueueOptions<SessionWrite>, 'commit' | 'onPermanentFailure'>> {
  /** Sessions get expireAt = createdAt + retentionDays; a Firestore TTL policy on expireAt deletes them. */
  retentionDays?: number;
  prices?: Readonly<Record<string, ModelPriceUsdPerMillionTokens>>;
  now?: () => Date;
  logger?: Pick<Logger, 'error' | 'warn'>;
  /** This relay instance, written as the session's `holder` when it creates, resumes or takes over a scene. */
  holderId?: string;
}

/** What this instance knows of a live session, so writes can carry absolute values (never increments). */
interface LiveSession {
  model: string;
  turnCount: number;
  /** The session document's expireAt: its turns expire with it (TTL policies on both collections). */
  expireAt: Date | null;
}

export class FirestoreSessionStore implements SessionStore {
  private readonly queue: WriteQueue<SessionWrite>;
  private readonly live = new Map<string, LiveSession>();
  /** Sessions whose browser left: their writes are conditional on this instance still holding them. */
  private readonly detached = new Set<string>();
  private readonly retentionDays: number;
  private readonly now: () => Date;
  private readonly logger: Pick<Logger, 'error' | 'warn'>;
  readonly holderId: string;
  readonly #writeRate = new DocWriteRate();

  constructor(
    private readonly db: Firestore,
    private readonly options: FirestoreSessionStoreOptions = {},
  ) {
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger ?? createLogger('info', { component: 'session-store' });
    this.holderId = options.holderId ?? randomUUID();
    this.queue = new WriteQueue<SessionWrite>({
      minKeyIntervalMs: DEFAULT_MIN_DOC_WRITE_INTERVAL_MS,
      ...options,
      commit: async (writes, startedAtMs) => {
        // Counted when issued (an attempt that fails may still have landed), at the moment the pacing counts from:
        // read a moment later, two commits a second apart could fall in one window (CI saw 2 for 1 once).
        this.#writeRate.record(writes.flatMap(docPathsOf), startedAtMs);
        await commitSessionWrites(db, writes, (write, holder) =>
          this.logger.warn('scene held by another relay instance: this write from here was left out', {
            sessionId: write.key,
            holder,
            fields: Object.keys(write.sessionFields ?? {}).filter((field) => field !== 'updatedAt'),
          }),
        );
      },
      onPermanentFailure: (writes, err) =>
        this.logger.error('a write Firestore refused for good was dropped', {
          sessions: writes.map((write) => write.key),
          turns: writes.reduce((sum, write) => sum + write.turns.size, 0),
          error: (err instanceof Error ? err.message : String(err)).slice(0, 300),
        }),
    });
  }

  get backlog(): number {
    return this.queue.backlog;
  }

  get stats() {
    return this.queue.stats;
  }

  /** The most commits that wrote one document within a sliding second (the bench prints it; aim: ≤ 1). */
  get maxWritesPerDocPerSecond(): number {
    return this.#writeRate.maxWritesPerSecond;
  }

  /** Starts the figure above afresh (e.g. after a benchmark's warm-up). */
  resetWriteRate(): void {
    this.#writeRate.reset();
  }

  isHealthy(): boolean {
    return this.queue.isHealthy();
  }

  createSession(init: NewSession): { id: string } {
    const id = init.id ?? randomUUID();
    const createdAt = init.createdAt ?? this.now();
    const expireAt = new Date(createdAt.getTime() + this.retentionDays * DAY_MS);
    this.live.set(id, { model: init.model, turnCount: 0, expireAt });
    this.enqueue(
      new SessionWrite(id, true, {
        ownerId: init.ownerId,
        game: init.game,
        model: init.model,
        status: 'active',
        holder: this.holderId,
        phase: init.phase ?? null,
        resumptionHandle: null,
        createdAt,
        updatedAt: createdAt,
        endedAt: null,
        expireAt,
        turnCount: 0,
        usage: { inputAudioTokens: 0, outputAudioTokens: 0, textTokens: 0, estimatedCostUsd: 0 },
        quality: { framesReceived: 0, framesLost: 0, jitterP95Ms: 0, reconnects: 0 },
        latency: null,
        coach: null,
        scene: init.scene ? (JSON.parse(JSON.stringify(init.scene)) as unknown) : null,
      }),
    );
    return { id };
  }

  recordTurn(sessionId: string, turn: TurnRecord): void {
    const live = this.liveSession(sessionId);
    live.turnCount = Math.max(live.turnCount, turn.seq + 1);
    const write = this.write(sessionId, true, { turnCount: live.turnCount, updatedAt: this.now() });
    // A session this instance did not create (and whose expiry it was not told): the retention from now.
    live.expireAt ??= new Date(this.now().getTime() + this.retentionDays * DAY_MS);
    write.turns.set(turn.seq, { ...toTurnDoc(turn), expireAt: live.expireAt });
    this.enqueue(write);
  }

  claimSession(sessionId: string, known: { expireAt?: Date } = {}): void {
    if (known.expireAt) this.liveSession(sessionId).expireAt = known.expireAt;
    this.detached.delete(sessionId);
    this.enqueue(this.write(sessionId, true, { holder: this.holderId, updatedAt: this.now() }));
  }

  updateSession(sessionId: string, patch: SessionPatch): void {
    this.enqueue(this.write(sessionId, patch.status !== undefined, this.patchFields(sessionId, patch)));
  }

  markDetached(sessionId: string): void {
    this.detached.add(sessionId);
  }

  endSession(sessionId: string, end: SessionPatch & { status: 'completed' | 'abandoned'; endedAt?: Date }): void {
    const fields = this.patchFields(sessionId, end);
    fields.endedAt = end.endedAt ?? this.now();
    // The player ends a scene where they play it; an abandon (grace expired here) may come from an instance
    // the browser has left for another, which holds the scene now.
    // Abandons are conditional even while the browser is attached: one may end a scene (graceMs 0, or a failure)
    // after it was taken over elsewhere without this instance having seen its browser leave.
    this.enqueue(this.write(sessionId, true, fields, end.status === 'abandoned' || this.detached.has(sessionId)));
    this.live.delete(sessionId);
    this.detached.delete(sessionId);
  }

  async getSession(sessionId: string): Promise<StoredSession | null> {
    const snapshot = await this.db.collection(SESSIONS_COLLECTION).doc(sessionId).get();
    return snapshot.exists ? fromSessionDoc(snapshot.id, snapshot.data()) : null;
  }

  async getTurns(sessionId: string): Promise<StoredTurn[]> {
    const snapshot = await this.db
      .collection(SESSIONS_COLLECTION)
      .doc(sessionId)
      .collection(TURNS_COLLECTION)
      .orderBy('seq', 'asc')
      .get();
    return snapshot.docs.map((doc) => fromTurnDoc(doc.data())).filter((turn) => turn !== null);
  }

  /** Deletes the session and all its turns (the owner asked; the caller checked ownership). */
  async deleteSession(sessionId: string): Promise<void> {
    const sessionRef = this.db.collection(SESSIONS_COLLECTION).doc(sessionId);
    const turns = await sessionRef.collection(TURNS_COLLECTION).get();
    // Batches of up to 500 writes (Firestore's limit); turns first, so a failure never orphans them.
    for (let index = 0; index < turns.docs.length; index += 450) {
      const batch = this.db.batch();
      for (const doc of turns.docs.slice(index, index + 450)) batch.delete(doc.ref);
      await batch.commit();
    }
    await sessionRef.delete();
  }

  async listSessions(ownerId: string, options: { limit?: number } = {}): Promise<StoredSession[]> {
    // Needs the composite index (ownerId ASC, createdAt DESC) in firestore.indexes.json.
    const snapshot = await this.db
      .collection(SESSIONS_COLLECTION)
      .where('ownerId', '==', ownerId)
      .orderBy('createdAt', 'desc')
      .limit(options.limit ?? DEFAULT_LIST_LIMIT)
      .get();
    return snapshot.docs.map((doc) => fromSessionDoc(doc.id, doc.data())).filter((session) => session !== null);
  }

  flush(timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS): Promise<boolean> {
    return this.queue.flush(timeoutMs);
  }

  close(timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS): Promise<boolean> {
    return this.queue.close(timeoutMs);
  }

  /** A write for the session, conditional on this instance holding it while its browser is away (markDetached). */
  private write(
    sessionId: string,
    critical: boolean,
    fields: SessionFields,
    conditional = this.detached.has(sessionId),
  ): SessionWrite {
    return new SessionWrite(sessionId, critical, fields, new Map(), conditional ? this.holderId : null);
  }

  private liveSession(sessionId: string): LiveSession {
    let live = this.live.get(sessionId);
    if (!live) {
      // A session this instance did not create (taken over from another relay): learn it as it goes.
      live = { model: '', turnCount: 0, expireAt: null };
      this.live.set(sessionId, live);
    }
    return live;
  }

  private patchFields(sessionId: string, patch: SessionPatch): SessionFields {
    const fields: SessionFields = { updatedAt: this.now() };
    if (patch.phase !== undefined) fields.phase = patch.phase;
    if (patch.resumptionHandle !== undefined) fields.resumptionHandle = patch.resumptionHandle;
    if (patch.status !== undefined) fields.status = patch.status;
    if (patch.quality) fields.quality = { ...patch.quality };
    if (patch.latency) fields.latency = { ...patch.latency };
    // A plain JSON copy: Firestore refuses undefined fields (and zod output may carry optional ones).
    if (patch.coach) fields.coach = JSON.parse(JSON.stringify(patch.coach)) as unknown;
    if (patch.usage) {
      const price = priceFor(this.liveSession(sessionId).model, this.options.prices);
      fields.usage = { ...patch.usage, estimatedCostUsd: estimateCostUsd(patch.usage, price) };
    }
    return fields;
  }

  private enqueue(write: SessionWrite): void {
    if (!this.queue.enqueue(write) && write.critical) {
      this.logger.error('write queue at its memory cap: write refused', {
        sessionId: write.key,
        turns: write.turns.size,
        backlog: this.queue.backlog,
      });
    }
  }
}

/** The documents one queued write touches (for the per-document write rate). */
function docPathsOf(write: SessionWrite): string[] {
  const session = `${SESSIONS_COLLECTION}/${write.key}`;
  const paths = write.sessionFields ? [session] : [];
  for (const seq of write.turns.keys()) paths.push(`${session}/${TURNS_COLLECTION}/${turnDocId(seq)}`);
  return paths;
}

/**
 * Commits queued session writes atomically; safe to repeat (deterministic ids, absolute values). Plain writes go
 * in one batch; when some are conditional on the holder, one transaction reads those sessions first and leaves
 * out the writes whose scene another instance holds (`onSkipped` hears of each).
 */
export async function commitSessionWrites(
  db: Firestore,
  writes: readonly SessionWrite[],
  onSkipped?: (write: SessionWrite, holder: string) => void,
): Promise<void> {
  const conditional = writes.filter((write) => write.onlyIfHolder !== null);
  if (conditional.length === 0) {
    const batch = db.batch();
    const set = setterOf(batch);
    for (const write of writes) addSessionWrite(db, set, write);
    await batch.commit();
    return;
  }
  const skipped = await db.runTransaction(async (tx) => {
    const refs = conditional.map((write) => db.collection(SESSIONS_COLLECTION).doc(write.key));
    const snapshots = await tx.getAll(...refs);
    const held = new Map<SessionWrite, string>();
    conditional.forEach((write, i) => {
      const holder: unknown = snapshots[i]?.get('holder');
      if (typeof holder === 'string' && holder !== write.onlyIfHolder) held.set(write, holder);
    });
    const set = setterOf(tx);
    for (const write of writes) if (!held.has(write)) addSessionWrite(db, set, write);
    return held;
  });
  for (const [write, holder] of skipped) onSkipped?.(write, holder);
}

/** What a batch and a transaction both do (their `set` overloads do not unite into one callable type). */
type SetDoc = (ref: DocumentReference, data: DocumentData, mergeFields?: string[]) => void;

function setterOf(target: WriteBatch | Transaction): SetDoc {
  return (ref, data, mergeFields) => {
    if (mergeFields) (target as WriteBatch).set(ref, data, { mergeFields });
    else (target as WriteBatch).set(ref, data);
  };
}

function addSessionWrite(db: Firestore, set: SetDoc, write: SessionWrite): void {
  const sessionRef = db.collection(SESSIONS_COLLECTION).doc(write.key);
  // Merge only the fields this write carries, so it never erases the others; each one (a map such as `latency`
  // included) is replaced whole. (`merge: true` would merge maps leaf by leaf, and the local emulator then
  // silently drops a map written over a stored null, e.g. the first `latency`.)
  if (write.sessionFields) {
    set(sessionRef, write.sessionFields, Object.keys(write.sessionFields));
  }
  for (const [seq, turn] of write.turns)
    set(sessionRef.collection(TURNS_COLLECTION).doc(turnDocId(seq)), turn as unknown as DocumentData);
}
