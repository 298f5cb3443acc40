// What a Session is given: its upstream, its observer, its stage, and how it was started (fresh or taken over).
import type { UpstreamFactory, UpstreamOptions } from '../live/upstream.js';
import type { Logger } from '../log.js';
import type { RelayMetrics } from '../metrics/relay-metrics.js';
import type { TranscriptLine } from '../stage/coach.js';
import type { StageScene } from '../stage/stage-scene.js';
import type { UsageTotals } from '../store/session-store.js';
import type { SessionObserver, SessionTakenOverEvent } from './observer.js';
import type { Session } from './session.js';
import type { StageServices } from './session-stage.js';

export interface SessionDeps {
  sessionId: string;
  game: string | undefined;
  /** The Authenticator user id of the connection that opened the scene; a resume must come from the same one. */
  ownerId?: string;
  upstreamKind: 'gemini' | 'emulator';
  upstreamFactory: UpstreamFactory;
  upstreamOptions: UpstreamOptions;
  /**
   * Context economy: rotate to a fresh upstream told the scene as text once Live's context holds this many audio
   * tokens (LIVE_ROTATE_AFTER_AUDIO_TOKENS); 0 or unset = never.
   */
  rotateAfterAudioTokens?: number;
  /** The list price of usage at the configured Live model (relay/store/pricing.ts): the stage's running cost. */
  costOf?: (usage: UsageTotals) => number;
  issueResumeToken: (sessionId: string) => string;
  metrics: RelayMetrics;
  logger: Logger;
  observer?: SessionObserver;
  /** How long the upstream is kept for a browser that dropped, waiting for it to resume. */
  graceMs: number;
  onClosed: (session: Session) => void;
  /** The scene's stage (game, suggestion, phases); a default one for `game` when omitted. */
  stage?: StageScene;
  /** The text model for the audience and the coach; without it they fall back (neutral / no review). */
  stageServices?: StageServices;
  /** Set when this scene was loaded from the store (another instance ran it): it resumes, it does not start. */
  takeover?: SessionTakeover;
  /**
   * Shutdown hands live scenes to another instance (the store keeps them active and the browser reconnects)
   * instead of ending them. Needs persistence: without a store nobody could take them over.
   */
  handOffOnDrain?: boolean;
}

export interface SessionTakeover {
  /** The scene so far, from the stored turns (for the coach, and to rebuild a fresh upstream's context). */
  transcript: TranscriptLine[];
  stored: Omit<SessionTakenOverEvent, 'sessionId'>;
  /** The last player line the stored turns answered (their `lineId`): a resend of it or older is a duplicate. */
  lineAck?: number;
}
