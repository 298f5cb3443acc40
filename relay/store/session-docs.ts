// Firestore document shapes for sessions/{id} and sessions/{id}/turns/{seq}, and the queued write that carries them.
import { Timestamp } from '@google-cloud/firestore';
import { z } from 'zod';
import { CoachFeedback, Suggestion } from '../../shared/stage.js';
import type { StoredSession, StoredTurn, TurnRecord } from './session-store.js';
import { SESSION_STATUSES, SPEAKERS } from './session-store.js';
import type { QueuedWrite } from './write-queue.js';

export const SESSIONS_COLLECTION = 'sessions';
export const TURNS_COLLECTION = 'turns';
/** Zero-padded so document ids sort like seq (a scene of a million turns is not a scene). */
export const TURN_ID_DIGITS = 6;
/** Keeps one queued write (and so one commit) well under Firestore's 500 writes per commit. */
export const MAX_TURNS_PER_WRITE = 100;

export function turnDocId(seq: number): string {
  return String(seq).padStart(TURN_ID_DIGITS, '0');
}

export type SessionFields = Record<string, unknown>;

export interface TurnDoc {
  seq: number;
  speaker: TurnRecord['speaker'];
  text: string;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  voiceToVoiceMs: number | null;
  interrupted: boolean;
  tokens: number | null;
  /** Audience turns only: the exchange's sentiment and the room's running mood after it, in [-1, 1]. */
  sentiment?: number;
  mood?: number;
  /** Player turns only: the line's utterance id (relay/session/line-ledger.ts). */
  lineId?: number;
  /** The session's expireAt (TTL field): Firestore TTL does not cascade, so turns carry their own. */
  expireAt?: Date;
}

export function toTurnDoc(turn: TurnRecord): TurnDoc {
  return {
    seq: turn.seq,
    speaker: turn.speaker,
    text: turn.text,
    startedAt: turn.startedAt,
    endedAt: turn.endedAt,
    durationMs: Math.max(0, turn.endedAt.getTime() - turn.startedAt.getTime()),
    voiceToVoiceMs: turn.voiceToVoiceMs ?? null,
    interrupted: turn.interrupted ?? false,
    tokens: turn.tokens ?? null,
    // Absent (not null) on other speakers' turns: Firestore refuses undefined, and the field means nothing there.
    ...(turn.sentiment === undefined ? {} : { sentiment: turn.sentiment }),
    ...(turn.mood === undefined ? {} : { mood: turn.mood }),
    ...(turn.lineId === undefined ? {} : { lineId: turn.lineId }),
  };
}

/**
 * One session's pending writes: a merge into the session document plus whole turn documents. Every field holds
 * an absolute value (turnCount = known count, usage = running totals, client-side timestamps), so committing
 * it twice leaves the same documents as committing it once.
 */
export class SessionWrite implements QueuedWrite {
  constructor(
    readonly key: string,
    public critical: boolean,
    public sessionFields: SessionFields | null,
    public readonly turns: Map<number, TurnDoc> = new Map(),
    /**
     * Commit only while the session document's `holder` is this id (or unset): a relay instance that lost a
     * scene to another (the browser resumed there) must not end it nor write over what that one stored.
     * Checked in a transaction.
     */
    readonly onlyIfHolder: string | null = null,
  ) {}

  get writeCount(): number {
    return (this.sessionFields ? 1 : 0) + this.turns.size;
  }

  absorb(later: SessionWrite): boolean {
    if (later.key !== this.key || this.turns.size + later.turns.size > MAX_TURNS_PER_WRITE) return false;
    // A conditional write stays apart: merged, its condition would hold back (or wave through) the other's.
    if (later.onlyIfHolder !== this.onlyIfHolder) return false;
    if (later.sessionFields) this.sessionFields = { ...this.sessionFields, ...later.sessionFields };
    for (const [seq, turn] of later.turns) this.turns.set(seq, turn);
    this.critical ||= later.critical;
    return true;
  }
}

const timestamp = z.instanceof(Timestamp).transform((value) => value.toDate());
const count = z.number().finite().nonnegative();

const SceneSetupDoc = z.object({
  suggestion: Suggestion,
  partnerVoice: z.string(),
  mcVoice: z.string(),
  persona: z.string().optional(),
  audience: z.string().optional(),
});

const sessionDocSchema = z.object({
  ownerId: z.string(),
  game: z.string(),
  model: z.string().default(''),
  status: z.enum(SESSION_STATUSES),
  phase: z.string().nullable().default(null),
  resumptionHandle: z.string().nullable().default(null),
  createdAt: timestamp,
  updatedAt: timestamp,
  endedAt: timestamp.nullable().default(null),
  expireAt: timestamp,
  turnCount: count.default(0),
  usage: z
    .object({
      inputAudioTokens: count,
      outputAudioTokens: count,
      textTokens: count,
      estimatedCostUsd: count,
    })
    .default({ inputAudioTokens: 0, outputAudioTokens: 0, textTokens: 0, estimatedCostUsd: 0 }),
  quality: z
    .object({ framesReceived: count, framesLost: count, jitterP95Ms: count, reconnects: count })
    .default({ framesReceived: 0, framesLost: 0, jitterP95Ms: 0, reconnects: 0 }),
  latency: z.object({ p50Ms: count, p95Ms: count }).nullable().default(null),
  // A report that no longer parses (an older shape) reads as none rather than hiding the whole session.
  coach: z
    .unknown()
    .optional()
    .transform((value) => CoachFeedback.safeParse(value).data ?? null),
  scene: z
    .unknown()
    .optional()
    .transform((value) => SceneSetupDoc.safeParse(value).data ?? null),
});

const turnDocSchema = z.object({
  seq: z.number().int().nonnegative(),
  speaker: z.enum(SPEAKERS),
  text: z.string(),
  startedAt: timestamp,
  endedAt: timestamp,
  durationMs: count,
  voiceToVoiceMs: count.nullable().default(null),
  interrupted: z.boolean().default(false),
  tokens: count.nullable().default(null),
  sentiment: z.number().min(-1).max(1).optional().catch(undefined),
  mood: z.number().min(-1).max(1).optional().catch(undefined),
  lineId: z.number().int().min(0).max(0xffff).optional().catch(undefined),
});

/** Parses a stored session; null when the document is not one of ours (never trust stored shape blindly). */
export function fromSessionDoc(id: string, data: unknown): StoredSession | null {
  const parsed = sessionDocSchema.safeParse(data);
  return parsed.success ? { id, ...parsed.data } : null;
}

export function fromTurnDoc(data: unknown): StoredTurn | null {
  const parsed = turnDocSchema.safeParse(data);
  if (!parsed.success) return null;
  const { voiceToVoiceMs, tokens, sentiment, mood, lineId, ...rest } = parsed.data;
  return {
    ...rest,
    voiceToVoiceMs: voiceToVoiceMs ?? undefined,
    tokens: tokens ?? undefined,
    ...(sentiment === undefined ? {} : { sentiment }),
    ...(mood === undefined ? {} : { mood }),
    ...(lineId === undefined ? {} : { lineId }),
  };
}
