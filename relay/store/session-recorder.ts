// Adapter from the relay's session events (relay/session/observer.ts) to the SessionStore: assigns turn seqs,
// keeps running usage totals and latency percentiles, so the store only ever gets absolute values.
import type {
  SessionEndedEvent,
  SessionObserver,
  SessionStartedEvent,
  TurnEndedEvent,
  UsageEvent,
} from '../session/observer.js';
import type { SessionStatus, SessionStore, UsageTotals } from './session-store.js';

/** The reason relay/session/session.ts gives when the player ends the scene; anything else is abandoned. */
export const DEFAULT_COMPLETED_REASONS: readonly string[] = ['scene ended by the player'];
export const UNKNOWN_OWNER_ID = 'unknown';

export interface SessionRecorderOptions {
  /** Live model name, for the price row. */
  model: string;
  /** The owner the Authenticator gave the request that opened this session. */
  ownerOf(sessionId: string): string | undefined;
  completedReasons?: readonly string[];
}

interface RecordedSession {
  nextSeq: number;
  usage: UsageTotals;
  voiceToVoiceMs: number[];
  reconnects: number;
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
    this.sessions.set(event.sessionId, {
      nextSeq: 0,
      usage: { inputAudioTokens: 0, outputAudioTokens: 0, textTokens: 0 },
      voiceToVoiceMs: [],
      reconnects: 0,
    });
    this.store.createSession({
      id: event.sessionId,
      ownerId: this.options.ownerOf(event.sessionId) ?? UNKNOWN_OWNER_ID,
      game: event.game ?? 'unknown',
      model: this.options.model,
      createdAt: event.startedAt,
    });
  }

  onTurnEnded(event: TurnEndedEvent): void {
    const session = this.session(event.sessionId);
    const seq = session.nextSeq++;
    this.store.recordTurn(event.sessionId, {
      seq,
      speaker: event.speaker,
      text: event.text,
      startedAt: event.startedAt,
      endedAt: event.endedAt,
      voiceToVoiceMs: event.responseLatencyMs,
      interrupted: event.interrupted,
    });
    if (event.responseLatencyMs !== undefined) {
      session.voiceToVoiceMs.push(event.responseLatencyMs);
      this.store.updateSession(event.sessionId, { latency: this.latency(session) ?? undefined });
    }
  }

  onUsage(event: UsageEvent): void {
    const session = this.session(event.sessionId);
    // Live reports each turn's billed tokens; the stored figure is the running total.
    session.usage = {
      inputAudioTokens: session.usage.inputAudioTokens + event.usage.inputAudioTokens,
      outputAudioTokens: session.usage.outputAudioTokens + event.usage.outputAudioTokens,
      textTokens: session.usage.textTokens + event.usage.inputTextTokens + event.usage.outputTextTokens,
    };
    this.store.updateSession(event.sessionId, { usage: { ...session.usage } });
  }

  onResumptionHandle(sessionId: string, handle: string): void {
    this.store.updateSession(sessionId, { resumptionHandle: handle });
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

  onSessionEnded(event: SessionEndedEvent): void {
    const session = this.session(event.sessionId);
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
      session = {
        nextSeq: 0,
        usage: { inputAudioTokens: 0, outputAudioTokens: 0, textTokens: 0 },
        voiceToVoiceMs: [],
        reconnects: 0,
      };
      this.sessions.set(sessionId, session);
    }
    return session;
  }

  private latency(session: RecordedSession): { p50Ms: number; p95Ms: number } | null {
    if (session.voiceToVoiceMs.length === 0) return null;
    return { p50Ms: percentile(session.voiceToVoiceMs, 0.5), p95Ms: percentile(session.voiceToVoiceMs, 0.95) };
  }
}
