// What a relay session persists. The relay calls the write methods on the audio path: they only enqueue and
// never throw for Firestore trouble; reads are async and may fail (the HTTP API turns that into a 503).

import type { CoachFeedback, Suggestion } from '../../shared/stage.js';

export const SESSION_STATUSES = ['active', 'completed', 'abandoned'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const SPEAKERS = ['player', 'partner', 'mc', 'audience', 'coach'] as const;
export type Speaker = (typeof SPEAKERS)[number];

export interface UsageTotals {
  inputAudioTokens: number;
  outputAudioTokens: number;
  textTokens: number;
}

export interface AudioQuality {
  framesReceived: number;
  framesLost: number;
  jitterP95Ms: number;
  reconnects: number;
}

export interface LatencySummary {
  p50Ms: number;
  p95Ms: number;
}

/** How the scene was set up: enough for another relay instance to take it over with the same partner. */
export interface SceneSetupRecord {
  suggestion: Suggestion;
  partnerVoice: string;
  mcVoice: string;
  /** The cast (shared/cast.ts ids); absent on scenes stored before personas. */
  persona?: string;
  audience?: string;
}

export interface NewSession {
  /** The relay's own session id when it has one; otherwise a random one is made. */
  id?: string;
  ownerId: string;
  game: string;
  /** Live model name; selects the price row for estimatedCostUsd. */
  model: string;
  phase?: string;
  createdAt?: Date;
  scene?: SceneSetupRecord;
}

/** Fields a live session updates as it goes; each given group replaces the stored one whole. */
export interface SessionPatch {
  phase?: string;
  resumptionHandle?: string | null;
  status?: SessionStatus;
  /** Running totals for the whole session (not deltas), so a repeated write cannot double count. */
  usage?: UsageTotals;
  quality?: AudioQuality;
  latency?: LatencySummary;
  /** The coach's report after the scene (or its fallback). */
  coach?: CoachFeedback;
}

export interface TurnRecord {
  /** 0-based, dense, assigned by the session in order; it is the document id, so a retry rewrites, never adds. */
  seq: number;
  speaker: Speaker;
  text: string;
  startedAt: Date;
  endedAt: Date;
  /** Partner turns: end of player speech → first partner audio. */
  voiceToVoiceMs?: number;
  interrupted?: boolean;
  tokens?: number;
  /** Audience turns: how the room took the exchange (text = its reaction), in [-1, 1]. */
  sentiment?: number;
  /** Audience turns: the room's running mood after this reaction, in [-1, 1] (the scene's mood over time). */
  mood?: number;
  /**
   * Player turns: the browser's utterance id of the line. Another instance taking the scene over knows from the
   * last one which lines are answered, so a line resent after the hand-off is answered once.
   */
  lineId?: number;
}

export interface StoredTurn extends TurnRecord {
  durationMs: number;
}

export interface StoredSession {
  id: string;
  ownerId: string;
  game: string;
  model: string;
  status: SessionStatus;
  phase: string | null;
  resumptionHandle: string | null;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
  expireAt: Date;
  turnCount: number;
  usage: UsageTotals & { estimatedCostUsd: number };
  quality: AudioQuality;
  latency: LatencySummary | null;
  /** Null until the coach wrote a report (and for documents written before there was a coach). */
  coach: CoachFeedback | null;
  /** Null for documents written before the scene setup was stored. */
  scene: SceneSetupRecord | null;
}

export interface SessionStore {
  /** Enqueues the session document; returns its id at once. */
  createSession(init: NewSession): { id: string };
  /** Enqueues the turn and sets the session's turnCount to seq + 1 in the same atomic write. */
  recordTurn(sessionId: string, turn: TurnRecord): void;
  /**
   * This instance plays the scene now (the browser resumed or it was taken over here). Its `holder` becomes us,
   * its writes are plain again (see markDetached), and an abandon from an instance that lost the scene is not
   * written. `known.expireAt`: the stored session's expiry (a takeover), which its new turns carry too.
   */
  claimSession(sessionId: string, known?: { expireAt?: Date }): void;
  updateSession(sessionId: string, patch: SessionPatch): void;
  /**
   * The browser left (it may resume on another instance). Until claimSession, this instance's writes for the scene
   * (turns, usage, handles) are committed only while it still holds it, so they never replace another's.
   */
  markDetached(sessionId: string): void;
  /** Final status and figures; critical, never shed. */
  endSession(sessionId: string, end: SessionPatch & { status: 'completed' | 'abandoned'; endedAt?: Date }): void;
  getSession(sessionId: string): Promise<StoredSession | null>;
  getTurns(sessionId: string): Promise<StoredTurn[]>;
  /** The owner's sessions, newest first. */
  listSessions(ownerId: string, options?: { limit?: number }): Promise<StoredSession[]>;
  /** Removes a session and its turns for good. */
  deleteSession?(sessionId: string): Promise<void>;
  /** Drains the write queue; false when timeoutMs passed first (Cloud Run allows 10 s after SIGTERM). */
  flush(timeoutMs?: number): Promise<boolean>;
  /** For /readyz: false while the backlog is at its bound (Firestore down long enough to fill it). */
  isHealthy(): boolean;
  readonly backlog: number;
  close(timeoutMs?: number): Promise<boolean>;
}
