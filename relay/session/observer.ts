// Domain events a session emits for persistence (a SessionStore adapter implements this) and analytics.
// Observers run synchronously on the session's path: keep them cheap and queue any I/O.
import type { Speaker } from '../../shared/protocol.js';
import type { CoachFeedback, ScenePhase } from '../../shared/stage.js';
import type { UpstreamUsage } from '../live/upstream.js';
import type { SceneSetupRecord } from '../store/session-store.js';
import type { UplinkCounters } from './uplink-stats.js';

export interface SessionStartedEvent {
  sessionId: string;
  /** The game id (gameOrDefault of the hello's `game`, so never an unknown id). */
  game: string | undefined;
  /** The Authenticator's user id for the request that opened the session; undefined when the relay has none. */
  ownerId?: string;
  upstream: 'gemini' | 'emulator';
  startedAt: Date;
  /** The scene's phase at the start (relay/stage/phases.ts). */
  phase?: ScenePhase;
  /** The suggestion and voices, stored so another relay instance can take the scene over. */
  scene?: SceneSetupRecord;
}

/** A session this instance loaded from the store (its relay died or drained) and now runs. */
export interface SessionTakenOverEvent {
  sessionId: string;
  /** Stored turnCount: new turns continue after it. */
  turnCount: number;
  /** Stored running totals: new usage adds to them. */
  usage: { inputAudioTokens: number; outputAudioTokens: number; textTokens: number };
  reconnects: number;
  /** The stored session's expiry: the turns written from here on expire with it. */
  expireAt?: Date;
}

export interface TurnStartedEvent {
  sessionId: string;
  speaker: Speaker;
  /**
   * Uplink: the utterance id; partner: the partner turn id (the frames' streamId); MC: its downlink turn id when
   * the line was voiced, else 0; audience: 0.
   */
  turnId: number;
  startedAt: Date;
}

export interface TurnEndedEvent extends TurnStartedEvent {
  endedAt: Date;
  text: string;
  interrupted: boolean;
  /** Player turns: the utterance was cut by a connection drop and cancelled upstream (then also interrupted). */
  cancelled?: boolean;
  /** Partner turns: end of the player's speech (utterance.end) → first partner frame sent, in ms. */
  responseLatencyMs?: number;
  /** Partner and voiced MC turns: audio frames sent for this turn. */
  framesSent?: number;
  /** Audience turns: how the room took the exchange, in [-1, 1]. */
  sentiment?: number;
  /** Audience turns: the room's running mood after this reaction, in [-1, 1]. */
  mood?: number;
}

export interface UsageEvent {
  sessionId: string;
  usage: UpstreamUsage;
  at: Date;
}

export interface SessionEndedEvent {
  sessionId: string;
  reason: string;
  endedAt: Date;
  uplink: UplinkCounters;
  downlink: { framesSent: number; framesDropped: number };
  turns: number;
}

/** The browser played the first audible sound of a partner turn (`playback.started`). */
export interface PlaybackStartedEvent {
  sessionId: string;
  /** The partner turn id (the frames' streamId). */
  turnId: number;
  /** Client-measured: its end of player speech → first partner sound played. */
  latencyMs?: number;
  at: Date;
}

export interface SessionObserver {
  onSessionStarted?(event: SessionStartedEvent): void;
  onTurnStarted?(event: TurnStartedEvent): void;
  onTurnEnded?(event: TurnEndedEvent): void;
  /** A player/partner turn still open, stored provisionally under the seq its onTurnEnded will reuse. */
  onTurnProgress?(event: TurnEndedEvent): void;
  onUsage?(event: UsageEvent): void;
  /** May arrive before or after the partner turn's onTurnEnded. */
  onPlaybackStarted?(event: PlaybackStartedEvent): void;
  /** A browser re-attached to its session after a drop (counted as a reconnect). */
  onSessionResumed?(sessionId: string): void;
  /** The browser's connection dropped; the scene waits out its grace period (the browser may resume elsewhere). */
  onSessionDetached?(sessionId: string): void;
  /** The latest Live resumption handle; persist it so another relay instance can resume the upstream. */
  onResumptionHandle?(sessionId: string, handle: string): void;
  /** The scene moved to another phase (support → fallible → closing → ended). */
  onScenePhase?(sessionId: string, phase: ScenePhase): void;
  /** The coach's report (or its fallback) after the scene; arrives before onSessionEnded. */
  onCoachReport?(sessionId: string, report: CoachFeedback): void;
  onSessionEnded?(event: SessionEndedEvent): void;
  /** Taken over from the store (instead of onSessionStarted). */
  onSessionTakenOver?(event: SessionTakenOverEvent): void;
  /** This relay let go of a live scene (shutdown) for another instance to take over: not ended, still active. */
  onSessionHandedOff?(sessionId: string): void;
}
