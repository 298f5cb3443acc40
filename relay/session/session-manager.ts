// All sessions of this relay, and the handshake that binds a new browser connection to one: the first
// `control` message must be `hello` with our protocol version; a sessionId + resume token re-attaches.
import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import type { ErrorCode } from '../../shared/errors.js';
import { gameOrDefault } from '../../shared/games.js';
import { type ClientMessage, parseClientMessage } from '../../shared/protocol.js';
import { DEFAULT_LIMITS, type RelayLimits } from '../limits/config.js';
import { GuardedConnection } from '../limits/connection-guard.js';
import type { PendingTicket } from '../limits/pending-budget.js';
import { watchScene } from '../limits/scene-clock.js';
import type { UpstreamFactory, UpstreamOptions } from '../live/upstream.js';
import type { Logger } from '../log.js';
import type { RelayMetrics } from '../metrics/relay-metrics.js';
import type { TurnBudget } from '../stage/phases.js';
import { StageScene } from '../stage/stage-scene.js';
import type { UsageTotals } from '../store/session-store.js';
import type { ClientConnection } from './connection.js';
import { ErrorLimiter } from './error-limiter.js';
import type { SessionObserver } from './observer.js';
import { ResumeTokens } from './resume-token.js';
import { Session } from './session.js';
import type { SessionDeps } from './session-deps.js';
import type { StageServices } from './session-stage.js';
import { type LoadedScene, loadSceneForTakeover, type TakeoverResult, type TakeoverStore } from './takeover.js';

export interface SessionManagerOptions {
  upstreamKind: 'gemini' | 'emulator';
  upstreamFactory: UpstreamFactory;
  /** The audience's and the coach's text model; none = they fall back. */
  stageServices?: StageServices;
  /** Scene length and phase turns (relay/stage/phases.ts defaults when omitted). */
  turnBudget?: Partial<TurnBudget>;
  /**
   * Overrides the per-scene upstream options (system instruction, voice); `game` comes from hello. Without it the
   * partner is set up by the scene's stage: its game, suggestion and voice.
   */
  upstreamOptionsFor?: (game: string | undefined) => UpstreamOptions;
  maxSessions: number;
  relaySecret: string;
  resumeTokenTtlMs: number;
  sessionGraceMs: number;
  /** Context economy (SessionDeps.rotateAfterAudioTokens); 0 or unset = never. */
  rotateAfterAudioTokens?: number;
  /** The stage's running cost (SessionDeps.costOf); unset = none sent. */
  costOf?: (usage: UsageTotals) => number;
  helloTimeoutMs: number;
  metrics: RelayMetrics;
  logger: Logger;
  observer?: SessionObserver;
  /**
   * The session store's reads. With it, a resume for a session this instance does not hold takes the scene
   * over from the store, and shutdown hands live scenes off (kept active) instead of ending them.
   */
  takeoverStore?: TakeoverStore;
  /** Rate, length and per-identity limits (relay/limits); DEFAULT_LIMITS when omitted. */
  limits?: RelayLimits;
  /** False while the kill switch is closed (relay/limits/stage-switch.ts): new scenes refused, resumes go on. */
  stageOpen?: () => boolean;
  /** The per-day limits (relay/limits/daily-limits.ts): admits and counts a new scene, or says which limit refuses. */
  admitNewScene?: (userId: string | undefined) => Promise<{ code: ErrorCode; message: string } | null>;
}

type Hello = Extract<ClientMessage, { type: 'hello' }>;

export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly pending = new Set<ClientConnection>();
  /** Takeovers loading from the store, by session id: a second resume for the same id waits for the first. */
  private readonly takeovers = new Map<string, Promise<TakeoverResult>>();
  private readonly tokens: ResumeTokens;
  private draining = false;
  private readonly limits: RelayLimits;
  /** Each live scene's current browser connection (its rate guard knows when the player last did something). */
  private readonly guards = new Map<string, GuardedConnection>();
  /** Each scene's length and idle limits, stopped when it closes. */
  private readonly clocks = new Map<string, () => void>();

  constructor(private readonly options: SessionManagerOptions) {
    this.tokens = new ResumeTokens(options.relaySecret, options.resumeTokenTtlMs);
    this.limits = options.limits ?? DEFAULT_LIMITS;
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  /** Connections that have not said hello yet. */
  get pendingConnections(): number {
    return this.pending.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Room for one more scene. Connections still in their handshake have a budget of their own (PendingBudget),
   * so a client holding many of them open cannot use up the scenes.
   */
  hasCapacity(): boolean {
    return this.sessions.size < this.options.maxSessions;
  }

  /** Scenes this identity runs here now (not counting ones ending). */
  scenesOf(userId: string): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (session.ownerId === userId && (session.state === 'open' || session.state === 'live')) count++;
    }
    return count;
  }

  getSession(sessionId: string): Session | undefined {
    return this.sessions.get(sessionId);
  }

  /**
   * Takes a freshly opened browser connection through the hello handshake, behind its rate guard. `ticket` is
   * its pending-budget slot, released once it is in a scene or gone.
   */
  accept(raw: ClientConnection, ticket?: PendingTicket): void {
    const connection = new GuardedConnection(raw, this.limits, this.options.logger);
    connection.onClose(() => ticket?.release());
    this.pending.add(connection);
    const errors = new ErrorLimiter();
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(timer);
      this.pending.delete(connection);
      ticket?.release();
    };
    const fatal = (code: ErrorCode, message: string) => {
      finish();
      connection.sendControl({ type: 'error', code, message, fatal: true });
      connection.close(code);
    };
    const timer = setTimeout(
      () => fatal('protocol.hello_required', `no hello within ${this.options.helloTimeoutMs} ms of connecting`),
      this.options.helloTimeoutMs,
    );
    connection.onClose(() => {
      if (!done) finish();
    });
    // Audio before hello belongs to no session; drop it.
    connection.onAudio(() => {});
    connection.onControl((raw) => {
      if (done) return;
      const parsed = typeof raw === 'string' ? parseClientMessage(raw) : null;
      if (!parsed?.ok || parsed.value.type !== 'hello') {
        const code: ErrorCode = parsed && !parsed.ok ? parsed.code : 'protocol.hello_required';
        const message = parsed && !parsed.ok ? parsed.message : 'the first control message must be hello';
        if (errors.allow()) connection.sendControl({ type: 'error', code, message, fatal: false });
        return;
      }
      const hello = parsed.value;
      if (hello.protocolVersion !== PROTOCOL_VERSION) {
        fatal(
          'protocol.version',
          `protocol version ${hello.protocolVersion} is not supported; this relay speaks ${PROTOCOL_VERSION} (reload the page)`,
        );
        return;
      }
      if (hello.sessionId && !this.sessions.has(hello.sessionId) && this.options.takeoverStore) {
        done = true;
        clearTimeout(timer);
        void this.takeOver(connection, hello).then((problem) => {
          if (!problem) finish();
          else if (problem.retry) {
            // The browser keeps its scene and tries again (this instance is stopping, or the store is down).
            finish();
            connection.sendControl({ type: 'error', code: problem.code, message: problem.message, fatal: false });
            connection.close(problem.code);
          } else fatal(problem.code, problem.message);
        });
        return;
      }
      const admit = this.options.admitNewScene;
      if (!hello.sessionId && admit) {
        // This instance's own limits first (no Firestore read for a scene it would refuse anyway), then the day's.
        const refused = this.refuseNewScene(connection);
        if (refused) {
          fatal(refused.code, refused.message);
          return;
        }
        done = true;
        clearTimeout(timer);
        // What the client sends meanwhile (its first line, often) waits for the scene instead of being dropped.
        connection.hold();
        void admit(connection.userId).then((refusal) => {
          const problem = refusal ?? this.create(connection, hello);
          if (problem) fatal(problem.code, problem.message);
          else finish();
          connection.release();
        });
        return;
      }
      const problem = hello.sessionId ? this.resume(connection, hello) : this.create(connection, hello);
      if (problem) fatal(problem.code, problem.message);
      else finish();
    });
  }

  /** A resume for a session this instance does not hold: load it from the store and run it here. */
  private async takeOver(
    connection: GuardedConnection,
    hello: Hello,
  ): Promise<{ code: ErrorCode; message: string; retry?: boolean } | null> {
    const sessionId = hello.sessionId!;
    // Checked before any read: a bad token costs no Firestore read.
    if (!hello.resumeToken || !this.tokens.verify(hello.resumeToken, sessionId)) return notFound(sessionId);
    if (this.draining) {
      return { code: 'relay.draining', message: 'this relay is restarting; reconnecting to continue', retry: true };
    }
    let loading = this.takeovers.get(sessionId);
    if (!loading) {
      loading = loadSceneForTakeover(
        this.options.takeoverStore!,
        sessionId,
        connection.userId,
        this.options.turnBudget,
      );
      this.takeovers.set(sessionId, loading);
      void loading.finally(() => this.takeovers.delete(sessionId));
    }
    const result = await loading;
    // Gone while loading: nothing is started; its next try loads again.
    if (!connection.isOpen) return null;
    // Another connection for the same id got here first (a retry that raced this one): a normal resume.
    if (this.sessions.has(sessionId)) return this.resume(connection, hello);
    if (!result.ok) {
      if (result.code === 'store.unavailable') return { code: result.code, message: result.message, retry: true };
      // Whatever the store found (another owner, ended, missing), the answer is the same: no confirmation.
      return notFound(sessionId);
    }
    if (this.draining) {
      return { code: 'relay.draining', message: 'this relay is restarting; reconnecting to continue', retry: true };
    }
    if (this.sessions.size >= this.options.maxSessions) {
      return { code: 'session.limit', message: 'this relay is at its session limit; try again shortly' };
    }
    const session = this.startTakenOver(sessionId, result.scene);
    this.pending.delete(connection);
    this.bind(session, connection, true);
    void session.start();
    return null;
  }

  /** What every session of this relay gets, new or taken over. */
  private sessionBase() {
    return {
      stageServices: this.options.stageServices,
      upstreamKind: this.options.upstreamKind,
      upstreamFactory: this.options.upstreamFactory,
      issueResumeToken: (id: string) => this.tokens.issue(id),
      metrics: this.options.metrics,
      logger: this.options.logger,
      observer: this.options.observer,
      graceMs: this.options.sessionGraceMs,
      rotateAfterAudioTokens: this.options.rotateAfterAudioTokens,
      costOf: this.options.costOf,
      onClosed: (closed: Session) => this.onSessionClosed(closed),
    } satisfies Partial<SessionDeps>;
  }

  private startTakenOver(sessionId: string, scene: LoadedScene): Session {
    const session = new Session({
      ...this.sessionBase(),
      sessionId,
      game: scene.stage.game.id,
      stage: scene.stage,
      ownerId: scene.stored.ownerId,
      upstreamOptions: {
        ...(this.options.upstreamOptionsFor?.(scene.stage.game.id) ?? scene.stage.partnerSetup()),
        resumptionHandle: scene.resumptionHandle,
      },
      takeover: scene.takeover,
      handOffOnDrain: true,
    });
    this.sessions.set(sessionId, session);
    this.watch(session);
    this.options.logger.info('session taken over from the store', {
      sessionId,
      turns: scene.takeover.stored.turnCount,
      handle: scene.resumptionHandle !== undefined,
    });
    return session;
  }

  private resume(connection: GuardedConnection, hello: Hello): { code: ErrorCode; message: string } | null {
    const sessionId = hello.sessionId!;
    const session = this.sessions.get(sessionId);
    // Someone else's session, an ended one and a bad token all look exactly like a missing one: the answer must
    // not confirm that the id exists.
    if (
      !session ||
      session.state === 'closed' ||
      session.state === 'draining' ||
      session.ownerId !== connection.userId ||
      !hello.resumeToken ||
      !this.tokens.verify(hello.resumeToken, sessionId)
    ) {
      return notFound(sessionId);
    }
    this.pending.delete(connection);
    this.bind(session, connection, true);
    return null;
  }

  /** The scene's browser connection is now `connection`: its rate guard ends the scene when it is abused. */
  private bind(session: Session, connection: GuardedConnection, resumed: boolean): void {
    this.guards.set(session.id, connection);
    connection.onAbuse((code, message) => {
      this.options.logger.warn('client over a limit; ending its scene', { sessionId: session.id, code });
      session.end(code, { code, message });
    });
    session.attach(connection, resumed);
  }

  /** The scene's length and idle limits. */
  private watch(session: Session): void {
    const stop = watchScene({
      maxSceneMs: this.limits.maxSceneMs,
      sceneIdleMs: this.limits.sceneIdleMs,
      lastActivityMs: () => this.guards.get(session.id)?.lastActivityMs ?? performance.now(),
      end: (code, message) => session.end(code, { code, message }),
    });
    this.clocks.set(session.id, stop);
  }

  private onSessionClosed(session: Session): void {
    // A takeover may have replaced the entry with a newer Session under the same id: only remove our own.
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    this.guards.delete(session.id);
    this.clocks.get(session.id)?.();
    this.clocks.delete(session.id);
  }

  /** Why this instance would refuse a new scene now (draining, full, the kill switch, scenes at once), or null. */
  private refuseNewScene(connection: GuardedConnection): { code: ErrorCode; message: string } | null {
    if (this.draining) return { code: 'relay.draining', message: 'this relay is shutting down; reconnect to continue' };
    if (this.options.stageOpen?.() === false) {
      return { code: 'stage.closed', message: 'the stage is closed for now; scenes already playing go on' };
    }
    if (this.sessions.size >= this.options.maxSessions) {
      return { code: 'session.limit', message: 'this relay is at its session limit; try again shortly' };
    }
    const owner = connection.userId;
    if (owner !== undefined && this.scenesOf(owner) >= this.limits.maxScenesPerIdentity) {
      return {
        code: 'limit.scenes_at_once',
        message: `you already have ${this.limits.maxScenesPerIdentity} scenes running; end one to start another`,
      };
    }
    return null;
  }

  private create(connection: GuardedConnection, hello: Hello): { code: ErrorCode; message: string } | null {
    const refused = this.refuseNewScene(connection);
    if (refused) return refused;
    const stage = new StageScene({
      gameId: hello.game,
      // Used only when it comes from the game's own lists (never free text in the prompt); else drawn.
      suggestion: hello.suggestion,
      partnerVoice: hello.partnerVoice,
      persona: hello.persona,
      audience: hello.audience,
      budget: this.options.turnBudget,
    });
    const session = new Session({
      ...this.sessionBase(),
      sessionId: randomUUID(),
      game: gameOrDefault(hello.game).id,
      stage,
      ownerId: connection.userId,
      upstreamOptions: this.options.upstreamOptionsFor?.(hello.game) ?? stage.partnerSetup(),
      handOffOnDrain: this.options.takeoverStore !== undefined,
    });
    this.sessions.set(session.id, session);
    this.watch(session);
    this.pending.delete(connection);
    this.bind(session, connection, false);
    void session.start();
    return null;
  }

  /** Stop taking scenes; tell every browser and end every session. Resolves when all are closed. */
  drain(): void {
    this.draining = true;
    for (const connection of this.pending) {
      connection.sendControl({
        type: 'error',
        code: 'relay.draining',
        message: 'this relay is shutting down; reconnect to continue',
        fatal: true,
      });
      connection.close('relay.draining');
    }
    this.pending.clear();
    for (const session of [...this.sessions.values()]) session.drain();
  }
}

function notFound(sessionId: string): { code: ErrorCode; message: string } {
  return { code: 'session.not_found', message: `session ${sessionId} does not exist or has ended; start a new scene` };
}
