// Adapter from the relay's session events (relay/session/observer.ts) to the SessionStore: assigns turn seqs,
// keeps running usage totals and latency percentiles, so the store only ever gets absolute values.
// A partner turn learns two facts after it ended (the browser's playback latency, Live's usage report): the
// recorder then writes the same turn again under the same seq, which the store treats as an idempotent overwrite.

import type { CoachFeedback } from '../../shared/stage.js';
import type {
  PlaybackStartedEvent,
  SessionEndedEvent,
  SessionObserver,
  SessionStartedEvent,
  SessionTakenOverEvent,
  TurnEndedEvent,
  TurnStartedEvent,
  UsageEvent,
} from '../session/observer.js';
import { addUsage, noUsage } from './pricing.js';
import type { SessionStatus, SessionStore, TurnRecord, UsageTotals } from './session-store.js';

/** The reason relay/session/session.ts gives when the player ends the scene; anything else is abandoned. */
export const DEFAULT_COMPLETED_REASONS: readonly string[] = ['scene ended by the player', 'scene complete'];
export const UNKNOWN_OWNER_ID = 'unknown';

export interface SessionRecorderOptions {
  /** Live model name, for the price row. */
  model: string;
  /** Fallback owner lookup when SessionStartedEvent carries no ownerId. */
  ownerOf?(sessionId: string): string | undefined;
  completedReasons?: readonly string[];
}

/** Partner turns kept for a late rewrite; playback.started and usage arrive within a turn or two. */
const REWRITABLE_PARTNER_TURNS = 4;

interface RecordedSession {
  nextSeq: number;
  usage: UsageTotals;
  /** Voice-to-voice latency by turn seq (a later, better figure for a turn replaces the first). */
  voiceToVoiceMs: Map<number, number>;
  reconnects: number;
  /** The partner turn in progress (usage reported now belongs to it), and the tokens reported so far. */
  openPartnerTurnId: number | null;
  openPartnerTokens: number;
  /** Client playback latency that arrived before its partner turn ended, by partner turn id. */
  playbackLatencyMs: Map<number, number>;
  /** The last few partner turns as written, by partner turn id (insertion order = age). */
  partnerTurns: Map<number, TurnRecord>;
  lastPartnerTurnId: number | null;
  /** Seqs given to turns stored provisionally (onTurnProgress), by `speaker:turnId`, until they end. */
  reservedSeqs: Map<string, number>;
}

function newRecordedSession(): RecordedSession {
  return {
    nextSeq: 0,
    reservedSeqs: new Map(),
    usage: noUsage(),
    voiceToVoiceMs: new Map(),
    reconnects: 0,
    openPartnerTurnId: null,
    openPartnerTokens: 0,
    playbackLatencyMs: new Map(),
    partnerTurns: new Map(),
    lastPartnerTurnId: null,
  };
}

/** A player line's utterance id, stored so a takeover knows which lines are answered; none for a cancelled one. */
function lineIdOf(event: TurnEndedEvent): { lineId?: number } {
  return event.speaker === 'player' && !event.cancelled ? { lineId: event.turnId } : {};
}

/** Nearest-rank percentile of a non-empty list. */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

export class SessionRecorder implements SessionObserver {
  private readonly sessions = new Map<string, RecordedSession>();
  private readonly completedReasons: ReadonlySet<string>;

  constructor(
    private readonly store: SessionStore,
    private readonly options: SessionRecorderOptions,
  ) {
    this.completedReasons = new Set(options.completedReasons ?? DEFAULT_COMPLETED_REASONS);
  }

  onSessionStarted(event: SessionStartedEvent): void {
    this.sessions.set(event.sessionId, newRecordedSession());
    this.store.createSession({
      id: event.sessionId,
      ownerId: event.ownerId ?? this.options.ownerOf?.(event.sessionId) ?? UNKNOWN_OWNER_ID,
      game: event.game ?? 'unknown',
      model: this.options.model,
      createdAt: event.startedAt,
      ...(event.phase ? { phase: event.phase } : {}),
      ...(event.scene ? { scene: event.scene } : {}),
    });
  }

  onSessionTakenOver(event: SessionTakenOverEvent): void {
    const session = this.session(event.sessionId);
    session.nextSeq = Math.max(session.nextSeq, event.turnCount);
    session.usage = { ...event.usage };
    session.reconnects = event.reconnects + 1;
    this.store.claimSession(event.sessionId, event.expireAt ? { expireAt: event.expireAt } : {});
  }

  onSessionHandedOff(sessionId: string): void {
    // Still active in the store: whoever takes it over continues its seqs and totals from there.
    this.sessions.delete(sessionId);
  }

  onScenePhase(sessionId: string, phase: string): void {
    if (this.sessions.has(sessionId)) this.store.updateSession(sessionId, { phase });
  }

  onCoachReport(sessionId: string, report: CoachFeedback): void {
    if (this.sessions.has(sessionId)) this.store.updateSession(sessionId, { coach: report });
  }

  onTurnStarted(event: TurnStartedEvent): void {
    if (event.speaker !== 'partner') return;
    const session = this.sessions.get(event.sessionId);
    if (!session) return;
    session.openPartnerTurnId = event.turnId;
    session.openPartnerTokens = 0;
  }

  onTurnProgress(event: TurnEndedEvent): void {
    const session = this.session(event.sessionId);
    const key = `${event.speaker}:${event.turnId}`;
    let seq = session.reservedSeqs.get(key);
    if (seq === undefined) {
      seq = session.nextSeq++;
      session.reservedSeqs.set(key, seq);
    }
    this.store.recordTurn(event.sessionId, {
      seq,
      speaker: event.speaker,
      text: event.text,
      startedAt: event.startedAt,
      endedAt: event.endedAt,
      interrupted: event.interrupted,
      ...lineIdOf(event),
    });
  }

  onTurnEnded(event: TurnEndedEvent): void {
    const session = this.session(event.sessionId);
    const key = `${event.speaker}:${event.turnId}`;
    const seq = session.reservedSeqs.get(key) ?? session.nextSeq++;
    session.reservedSeqs.delete(key);
    const turn: TurnRecord = {
      seq,
      speaker: event.speaker,
      text: event.text,
      startedAt: event.startedAt,
      endedAt: event.endedAt,
      interrupted: event.interrupted,
      ...(event.sentiment === undefined ? {} : { sentiment: event.sentiment }),
      ...(event.mood === undefined ? {} : { mood: event.mood }),
      ...lineIdOf(event),
    };
    if (event.speaker === 'partner') {
      // The browser's figure (its end of speech → sound out of its speaker) is the real voice-to-voice; the
      // relay's own measure (utterance.end in → first frame out) stands in when the browser sent none.
      const voiceToVoiceMs = session.playbackLatencyMs.get(event.turnId) ?? event.responseLatencyMs;
      session.playbackLatencyMs.delete(event.turnId);
      if (voiceToVoiceMs !== undefined) turn.voiceToVoiceMs = voiceToVoiceMs;
      if (session.openPartnerTurnId === event.turnId) {
        if (session.openPartnerTokens > 0) turn.tokens = session.openPartnerTokens;
        session.openPartnerTurnId = null;
      }
      session.partnerTurns.delete(event.turnId);
      session.partnerTurns.set(event.turnId, turn);
      if (session.partnerTurns.size > REWRITABLE_PARTNER_TURNS) {
        const oldest = session.partnerTurns.keys().next().value;
        if (oldest !== undefined) session.partnerTurns.delete(oldest);
      }
      session.lastPartnerTurnId = event.turnId;
    }
    this.store.recordTurn(event.sessionId, turn);
    if (turn.voiceToVoiceMs !== undefined) this.recordLatency(event.sessionId, session, seq, turn.voiceToVoiceMs);
  }

  onPlaybackStarted(event: PlaybackStartedEvent): void {
    const session = this.sessions.get(event.sessionId);
    if (!session || event.latencyMs === undefined) return;
    const recorded = session.partnerTurns.get(event.turnId);
    if (!recorded) {
      // Usually the turn is still playing: its onTurnEnded picks this up.
      session.playbackLatencyMs.set(event.turnId, event.latencyMs);
      return;
    }
    recorded.voiceToVoiceMs = event.latencyMs;
    this.store.recordTurn(event.sessionId, { ...recorded });
    this.recordLatency(event.sessionId, session, recorded.seq, event.latencyMs);
  }

  onUsage(event: UsageEvent): void {
    const session = this.session(event.sessionId);
    // Live reports each turn's billed tokens; the stored figure is the running total.
    session.usage = addUsage(session.usage, event.usage);
    this.store.updateSession(event.sessionId, { usage: { ...session.usage } });
    this.attributeTokens(event.sessionId, session, event.usage.totalTokens);
  }

  /** A model turn's tokens go on that partner turn: Live reports them with or just after its turnComplete. */
  private attributeTokens(sessionId: string, session: RecordedSession, tokens: number): void {
    if (tokens <= 0) return;
    if (session.openPartnerTurnId !== null) {
      session.openPartnerTokens += tokens;
      return;
    }
    const last = session.lastPartnerTurnId === null ? undefined : session.partnerTurns.get(session.lastPartnerTurnId);
    if (!last) return;
    last.tokens = (last.tokens ?? 0) + tokens;
    this.store.recordTurn(sessionId, { ...last });
  }

  private recordLatency(sessionId: string, session: RecordedSession, seq: number, latencyMs: number): void {
    session.voiceToVoiceMs.set(seq, latencyMs);
    this.store.updateSession(sessionId, { latency: this.latency(session) ?? undefined });
  }

  onResumptionHandle(sessionId: string, handle: string): void {
    this.store.updateSession(sessionId, { resumptionHandle: handle });
  }

  onSessionDetached(sessionId: string): void {
    // While the browser is away it may be playing the scene on another instance, whose writes must stay.
    if (this.sessions.has(sessionId)) this.store.markDetached(sessionId);
  }

  /**
   * A session started on another relay instance and taken over here: continue its seqs after the stored
   * turnCount (from store.getSession), or new turns would overwrite old ones.
   */
  adoptSession(sessionId: string, storedTurnCount: number): void {
    this.session(sessionId).nextSeq = Math.max(this.session(sessionId).nextSeq, storedTurnCount);
  }

  /** A browser re-attached to its session (not in SessionObserver yet; the relay may call it directly). */
  recordReconnect(sessionId: string): void {
    this.session(sessionId).reconnects += 1;
  }

  onSessionResumed(sessionId: string): void {
    if (!this.sessions.has(sessionId)) return;
    this.recordReconnect(sessionId);
    // The browser may have been on another instance meanwhile (and back): the scene is played here again.
    this.store.claimSession(sessionId);
  }

  onSessionEnded(event: SessionEndedEvent): void {
    // A session whose upstream never connected was never created (nor adopted): nothing to end.
    const session = this.sessions.get(event.sessionId);
    if (!session) return;
    const status: Exclude<SessionStatus, 'active'> = this.completedReasons.has(event.reason)
      ? 'completed'
      : 'abandoned';
    this.store.endSession(event.sessionId, {
      status,
      endedAt: event.endedAt,
      usage: { ...session.usage },
      latency: this.latency(session) ?? undefined,
      quality: {
        framesReceived: event.uplink.framesReceived,
        framesLost: event.uplink.framesLost,
        // The uplink keeps a running jitter estimate, not a distribution; it stands in for the p95.
        jitterP95Ms: event.uplink.jitterMs,
        reconnects: session.reconnects,
      },
    });
    this.sessions.delete(event.sessionId);
  }

  private session(sessionId: string): RecordedSession {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = newRecordedSession();
      this.sessions.set(sessionId, session);
    }
    return session;
  }

  private latency(session: RecordedSession): { p50Ms: number; p95Ms: number } | null {
    const values = [...session.voiceToVoiceMs.values()];
    if (values.length === 0) return null;
    return { p50Ms: percentile(values, 0.5), p95Ms: percentile(values, 0.95) };
  }
}
