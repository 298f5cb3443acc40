// One improv scene: the browser's connection on one side, one Live upstream on the other. Owns the scene's
// lifecycle (state.ts), turn bookkeeping and transcripts; the audio paths live in player-uplink / partner-downlink.
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import type { ErrorCode } from '../../shared/errors.js';
import { type ClientMessage, parseClientMessage, type RelayMessage } from '../../shared/protocol.js';
import type { UpstreamUsage } from '../live/upstream.js';
import type { Logger } from '../log.js';
import { isSceneLine } from '../stage/phases.js';
import { StageScene } from '../stage/stage-scene.js';
import { addUsage, noUsage } from '../store/pricing.js';
import type { UsageTotals } from '../store/session-store.js';
import type { ClientConnection } from './connection.js';
import { ErrorLimiter } from './error-limiter.js';
import { LineLedger } from './line-ledger.js';
import type { SessionObserver } from './observer.js';
import type { PartnerDownlink, PartnerTurn } from './partner-downlink.js';
import { PlayerUplink } from './player-uplink.js';
import type { SessionDeps } from './session-deps.js';
import { createSessionDownlink, cutDownlinkTurn } from './session-downlink.js';
import { SessionStage } from './session-stage.js';
import { SessionStateMachine } from './state.js';
import { TurnLog } from './turn-log.js';
import { type LinkEvents, toAppError, UpstreamLink } from './upstream-link.js';

export type { SessionDeps, SessionTakeover } from './session-deps.js';

/** session.ended reason when the scene used up its turn budget (the recorder counts it as completed). */
export const SCENE_COMPLETE_REASON = 'scene complete';
/** After the last player turn, the partner's reply may take this long before the scene closes anyway. */
const LAST_REPLY_WAIT_MS = 15_000;

export class Session {
  readonly id: string;
  readonly lifecycle = new SessionStateMachine();
  private connection: ClientConnection | null = null;
  private readonly link: UpstreamLink;
  private readonly uplink: PlayerUplink;
  private readonly downlink: PartnerDownlink;
  private readonly turns: TurnLog;
  private readonly errors = new ErrorLimiter();
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly log: Logger;
  private readonly stage: SessionStage;
  /** The turn budget is used up: no more player audio; the scene closes when the last reply is done. */
  private lastReplyTimer: NodeJS.Timeout | null = null;
  private sceneOver = false;
  /** A half-turn was cancelled (connection drop): its reply and input transcript are dropped until Live ends it. */
  private halfTurnPending = false;
  /** Audio tokens in Live's context after the last reported turn (context economy, `rotateIfDue`). */
  private contextAudioTokens = 0;
  /** The scene's usage so far (a taken-over scene's starts from what the store had): the stage's running cost. */
  private usage: UsageTotals;
  /** The player's lines this scene already has: a line resent after a drop is answered once (line-ledger.ts). */
  private readonly lines: LineLedger;

  constructor(private readonly deps: SessionDeps) {
    this.id = deps.sessionId;
    this.log = deps.logger.child({ sessionId: deps.sessionId });
    this.link = new UpstreamLink({
      factory: deps.upstreamFactory,
      options: deps.upstreamOptions,
      events: this.upstreamEvents(),
      logger: this.log,
      onHandle: (handle) => this.notify((o) => o.onResumptionHandle?.(this.id, handle)),
      onResuming: () => this.cutPartnerTurn(false),
      // An utterance in progress continues on the new upstream; Live needs its activityStart again.
      onResumed: (upstream) => {
        if (this.uplink.utteranceId !== null) upstream.activityStart();
      },
      onFailed: (code, message) => this.fail(code, message),
      // An MC line is not an upstream turn: a resume during it does not wait (nor cut it).
      isBusy: () => this.downlink.currentTurn?.speaker === 'partner' || this.uplink.utteranceId !== null,
      // A handle the upstream no longer honours (expired, or another Live endpoint): a fresh session told the
      // scene so far, so the partner carries on instead of the scene ending.
      // The last exchange is often not final yet (its transcript tail may still come): told as it stands.
      history: (why) => this.stage.historyForFreshUpstream(why, this.turns.openLines()),
    });
    this.lines = new LineLedger(deps.takeover?.lineAck);
    this.usage = deps.takeover ? { ...deps.takeover.stored.usage } : noUsage();
    this.uplink = new PlayerUplink(() => this.link.current, deps.metrics.uplink, {
      hasLine: (utteranceId) => this.lines.has(utteranceId),
      onCarriedOverDropped: (utteranceId) => this.dropHalfLine(utteranceId),
    });
    this.downlink = createSessionDownlink({
      metrics: deps.metrics,
      sendAudio: (frame) => this.connection?.sendAudio(frame) ?? false,
      send: (message) => this.send(message),
      turns: () => this.turns,
    });
    if (deps.takeover) this.downlink.continueTurnIdsAfter(deps.takeover.stored.turnCount + 1);
    this.turns = new TurnLog(
      deps.sessionId,
      deps.observer,
      this.log,
      (message) => this.send(message),
      (latencyMs) => deps.metrics.response.record(latencyMs),
      {
        onLine: (line) => this.stage.addLine(line),
        onExchange: (exchange) => {
          if (this.state === 'live') this.stage.exchangeDone(exchange.playerText, exchange.partnerText);
        },
      },
    );
    this.stage = new SessionStage({
      scene: deps.stage ?? new StageScene({ gameId: deps.game }),
      services: deps.stageServices,
      send: (message) => this.send(message),
      // At the next turn boundary: never cuts the partner nor holds back the reply owed (docs/models.md).
      sendUpstream: (turns) => this.link.sendDirection(turns),
      onPhase: (phase) => this.notify((o) => o.onScenePhase?.(this.id, phase)),
      logger: this.log,
      downlink: this.downlink,
      turns: this.turns,
      playerSpeaking: () => this.uplink.utteranceId !== null,
      onMcLineEnd: (turnId) => this.send({ type: 'partner.end', turnId, interrupted: false }),
    });
    for (const line of deps.takeover?.transcript ?? []) this.stage.addLine(line);
    this.lifecycle.onTransition((to, from) => this.log.debug('session state', { from, to }));
  }

  get state() {
    return this.lifecycle.state;
  }

  get ownerId(): string | undefined {
    return this.deps.ownerId;
  }

  /** Opens the upstream; on success the session is live and the attached browser gets `welcome`. */
  async start(): Promise<void> {
    // The MC's intro is synthesized while the upstream connects, so its voice is ready when the scene goes live.
    if (!this.deps.takeover) this.stage.prepareIntro();
    try {
      await this.link.connect();
    } catch (error) {
      const appError = toAppError(error);
      this.log.warn('upstream connect failed', { error: appError });
      this.fail(appError.code, appError.message);
      return;
    }
    // Ended (scene.end, shutdown) while connecting: the link is already closed.
    if (this.state !== 'open') return;
    this.lifecycle.transition('live');
    const takeover = this.deps.takeover;
    if (takeover) {
      // Taken over from the store: the browser is already attached with its resume; no intro again.
      this.notify((o) => o.onSessionTakenOver?.({ sessionId: this.id, ...takeover.stored }));
      this.sendWelcome(true);
      return;
    }
    this.deps.metrics.counters.sessionsStarted++;
    this.notify((o) =>
      o.onSessionStarted?.({
        sessionId: this.id,
        game: this.deps.game,
        ownerId: this.deps.ownerId,
        upstream: this.deps.upstreamKind,
        startedAt: new Date(),
        phase: this.stage.phase,
        scene: this.stage.setupRecord(),
      }),
    );
    this.sendWelcome(false);
    this.stage.sendIntro();
  }

  /** Binds a browser connection (a new scene, or a resume after a drop); any previous one is closed. */
  attach(connection: ClientConnection, resumed: boolean): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    const previous = this.connection;
    this.connection = connection;
    if (previous && previous !== connection) previous.close('replaced by a resumed connection');
    // A line open on the old connection waits for the browser to resend it (its outbox keeps it until acked).
    if (previous !== connection) this.uplink.carryOver();
    connection.onControl((raw) => this.handleControl(raw));
    connection.onAudio((frame) => this.handleAudio(frame, performance.now()));
    connection.onClose((reason) => this.onConnectionClosed(connection, reason));
    if (resumed) this.notify((o) => o.onSessionResumed?.(this.id));
    if (this.state === 'live') this.sendWelcome(resumed);
  }

  /** Ends the scene: the browser hears why, the upstream closes, observers get the summary. */
  end(reason: string, error?: { code: ErrorCode; message: string }): void {
    if (!this.beginDraining()) return;
    if (error) this.sendError(error.code, error.message, true);
    this.send({ type: 'session.ended', reason });
    this.close(reason);
  }

  /**
   * The scene itself is over (the player ended it, or its turn budget ran out): the MC's outro, then the coach's
   * report (bounded wait) BEFORE session.ended, since the browser closes its transport on session.ended.
   */
  async finishScene(reason: string): Promise<void> {
    if (this.state !== 'live') {
      this.end(reason);
      return;
    }
    // The last reply's transcript tail is part of the scene (bounded by TRANSCRIPT_TAIL_WAIT_MS, turn-log.ts).
    if (this.turns.tailPending) await this.turns.tailSettled();
    if (!this.beginDraining()) return;
    const report = await this.stage.finish();
    this.notify((o) => o.onCoachReport?.(this.id, report));
    this.send({ type: 'coach.report', report });
    this.send({ type: 'session.ended', reason });
    this.close(reason);
  }

  /** Stops the scene's audio both ways and the upstream; false when it was already ending. */
  private beginDraining(): boolean {
    if (this.state === 'closed' || this.state === 'draining') return false;
    this.lifecycle.transition('draining');
    if (this.lastReplyTimer) clearTimeout(this.lastReplyTimer);
    // An utterance still open gets no activityEnd: the upstream closes, the model never answers half a line.
    this.uplink.dispose();
    // The browser stops a turn cut here at once (the outro and the coach may still follow on this connection).
    const cut = this.downlink.interruptTurn(false);
    if (cut) this.send({ type: 'partner.end', turnId: cut.turnId, interrupted: true });
    this.turns.finalizeAll(false, true);
    this.link.close();
    return true;
  }

  private close(reason: string): void {
    if (!this.lifecycle.transition('closed')) return;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    if (this.lastReplyTimer) clearTimeout(this.lastReplyTimer);
    this.stage.dispose();
    this.deps.metrics.counters.sessionsEnded++;
    this.connection?.close(reason);
    this.notify((o) =>
      o.onSessionEnded?.({
        sessionId: this.id,
        reason,
        endedAt: new Date(),
        uplink: this.uplink.stats.snapshot(),
        downlink: { framesSent: this.downlink.framesSent, framesDropped: this.downlink.framesDropped },
        turns: this.turns.count,
      }),
    );
    this.log.info('session ended', { reason, uplink: this.uplink.stats.snapshot(), turns: this.turns.count });
    this.deps.onClosed(this);
  }

  private fail(code: ErrorCode, message: string): void {
    this.end(code, { code, message });
  }

  private onConnectionClosed(connection: ClientConnection, reason: string): void {
    if (connection !== this.connection || this.state === 'closed') return;
    this.connection = null;
    if (this.state !== 'live' || this.deps.graceMs === 0) {
      this.end(`connection closed: ${reason}`);
      return;
    }
    // Keep the upstream for a while: a browser that dropped comes back with its resume token.
    this.notify((o) => o.onSessionDetached?.(this.id));
    // A line the player was speaking stays open upstream: the browser's outbox sends it again whole on its
    // resumed connection (frames Live already has are skipped), so it is answered as one line, once.
    const open = this.uplink.carryOver();
    // A reply cut here is stored as cut now (Live's later turnComplete for it no longer reaches the player).
    const cut = open === null ? this.downlink.interruptTurn(true) : null;
    if (cut) this.turns.partnerInterrupted(cut);
    this.log.info('connection lost, waiting for resume', { reason, graceMs: this.deps.graceMs });
    this.graceTimer = setTimeout(() => this.end('connection lost'), this.deps.graceMs);
  }

  // ---- browser → relay ------------------------------------------------------

  private handleControl(raw: string | Uint8Array): void {
    if (typeof raw !== 'string') {
      this.reject('message.invalid', 'control messages are JSON text, not binary');
      return;
    }
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) {
      this.reject(parsed.code, parsed.message);
      return;
    }
    this.onClientMessage(parsed.value);
  }

  private onClientMessage(message: ClientMessage): void {
    if (this.state !== 'live') {
      // Still connecting upstream (or ending): answer heartbeats, honour scene.end, hold everything else.
      if (message.type === 'ping') this.send({ type: 'pong', t: message.t });
      if (message.type === 'scene.end') this.end('scene ended by the player');
      return;
    }
    switch (message.type) {
      case 'hello':
        this.reject('message.invalid', 'hello was already received on this connection');
        return;
      case 'utterance.start':
        if (this.sceneOver) return;
        if (this.lines.has(message.utteranceId)) {
          this.lines.duplicateLines++;
          return;
        }
        if (this.uplink.startUtterance(message.utteranceId)) this.turns.playerStarted(message.utteranceId);
        return;
      case 'utterance.end':
        // A line this scene already has (its ack was lost): never answered twice; acknowledged again.
        if (this.lines.has(message.utteranceId)) {
          const acked = this.lines.acked;
          if (acked !== null && this.lines.isAcked(message.utteranceId)) this.sendLineAck(acked);
          return;
        }
        if (!this.uplink.endUtterance(message.utteranceId, message.frameCount)) return;
        this.lines.took(message.utteranceId, performance.now());
        this.turns.playerEnded(message.utteranceId);
        // Live interrupted any reply to a cancelled half-turn at this utterance's activityStart: what comes
        // after this utterance's end is the answer to it.
        if (this.halfTurnPending) this.stopDiscardingHalfTurn();
        // A fragment too short to hold a word (a cough, a cut-off start) is answered but never costs a line.
        if (isSceneLine(message.frameCount) && this.stage.playerTurnEnded()) this.awaitLastReply();
        return;
      case 'intro.skip':
        this.stage.skipIntro();
        if (this.downlink.currentTurn?.speaker === 'mc') this.cutPartnerTurn(true);
        return;
      case 'barge-in':
        if (this.downlink.currentTurn?.turnId === message.turnId) this.cutPartnerTurn(true);
        return;
      case 'playback.started':
        this.log.debug('playback started', { turnId: message.turnId, latencyMs: message.latencyMs });
        // The MC's voice is not a reply to the player: no voice-to-voice figure for it.
        if (this.stage.isMcTurn(message.turnId)) return;
        this.notify((o) =>
          o.onPlaybackStarted?.({
            sessionId: this.id,
            turnId: message.turnId,
            latencyMs: message.latencyMs,
            at: new Date(),
          }),
        );
        return;
      case 'ping':
        this.send({ type: 'pong', t: message.t });
        return;
      case 'scene.end':
        void this.finishScene('scene ended by the player');
        return;
    }
  }

  /**
   * Context economy: once Live's context holds `rotateAfterAudioTokens` of audio, the next quiet moment (a reply
   * done, nobody speaking, no reply owed) swaps in a fresh upstream told the scene as text (upstream-link.ts); the
   * old one is still heard for its last turn's transcript tail.
   */
  private rotateIfDue(): void {
    const threshold = this.deps.rotateAfterAudioTokens ?? 0;
    if (threshold <= 0 || this.state !== 'live' || this.sceneOver || this.contextAudioTokens < threshold) return;
    // Not now (busy, or already rotating): the next turn's usage report tries again.
    void this.link.rotate();
  }

  private awaitLastReply(): void {
    this.sceneOver = true;
    this.lastReplyTimer = setTimeout(() => void this.finishScene(SCENE_COMPLETE_REASON), LAST_REPLY_WAIT_MS);
  }

  private stopDiscardingHalfTurn(): void {
    this.halfTurnPending = false;
    this.downlink.stopDiscarding();
  }

  private handleAudio(bytes: Uint8Array, arrivalMs: number): void {
    if (this.state !== 'live' || this.sceneOver) return;
    this.deps.metrics.counters.uplinkFrames++;
    const result = this.uplink.handleFrame(bytes, arrivalMs);
    if (!result.ok) {
      const code = result.error.code;
      this.reject(code, result.error.message);
    } else if (this.uplink.utteranceId !== null && !this.turns.hasPlayerTurn(this.uplink.utteranceId)) {
      // The utterance was opened by its first frame, ahead of utterance.start.
      this.turns.playerStarted(this.uplink.utteranceId);
    }
  }

  // ---- upstream → relay -----------------------------------------------------

  private upstreamEvents(): LinkEvents {
    return {
      onAudio: (pcm, receivedAtMs) => {
        if (this.state !== 'live') return;
        this.downlink.pushAudio(pcm, receivedAtMs);
        this.ackAnsweredLines(this.downlink.currentTurn);
      },
      onInputTranscript: (text) => {
        if (!this.halfTurnPending) this.turns.playerText(text);
      },
      onOutputTranscript: (text) => {
        // The tail of a reply already completed (Live may send it after turnComplete) stays that reply's.
        if (this.turns.partnerTail(text)) return;
        // Words of no reply asked for and none playing: a tail later than the tail wait, never a turn of its own.
        if (!this.link.awaitingReply && this.downlink.currentTurn?.speaker !== 'partner') return;
        const turn = this.state === 'live' ? this.downlink.ensureTurn() : null;
        if (turn) this.turns.partnerText(turn.turnId, text);
        this.ackAnsweredLines(turn);
      },
      onTurnComplete: () => {
        const turn = this.downlink.finishTurn();
        if (turn) this.send({ type: 'partner.end', turnId: turn.turnId, interrupted: false });
        // Live finished its turn: every line it had is answered (also by a reply with no audio).
        const acked = this.lines.answered(performance.now());
        if (acked !== null) this.sendLineAck(acked);
        this.halfTurnPending = false;
        // Final once its transcript's tail is in (turn-log.ts); the last reply's tail too, before the scene closes.
        this.turns.replyCompleted(() => {
          if (this.sceneOver && this.state === 'live') void this.finishScene(SCENE_COMPLETE_REASON);
        });
      },
      onInterrupted: () => {
        this.halfTurnPending = false;
        this.cutPartnerTurn(false);
      },
      onUsage: (usage: UpstreamUsage) => {
        // Each turn is billed for the whole context: after it, the context holds its prompt's audio and its reply's.
        this.contextAudioTokens = usage.inputAudioTokens + usage.outputAudioTokens;
        this.notify((o) => o.onUsage?.({ sessionId: this.id, usage, at: new Date() }));
        this.usage = addUsage(this.usage, usage);
        const costOf = this.deps.costOf;
        if (costOf) this.send({ type: 'scene.cost', usd: costOf(this.usage) });
        // Live reports a turn's usage right after its turnComplete: the quiet moment before the player's next line.
        this.rotateIfDue();
      },
    };
  }

  /** A partner reply that started after a line was taken answers it: the browser may forget the line. */
  private ackAnsweredLines(turn: PartnerTurn | null): void {
    if (turn?.speaker !== 'partner') return;
    const acked = this.lines.answered(turn.startedAtMs);
    if (acked !== null) this.sendLineAck(acked);
  }

  private sendLineAck(utteranceId: number): void {
    this.send({ type: 'line.ack', utteranceId });
  }

  /**
   * The browser moved on from a line a connection change cut (it could not resend it): Live got activityEnd for
   * the half line (not left mid-activity), and whatever it answers to it is dropped, so the scene does not go on
   * with a reply to half a sentence.
   */
  private dropHalfLine(utteranceId: number): void {
    this.turns.playerCancelled(utteranceId);
    const cut = this.downlink.discardReply();
    if (cut) this.turns.partnerInterrupted(cut);
    this.halfTurnPending = true;
  }

  /** Stops the partner mid-turn (or, on a barge-in, the MC): see cutDownlinkTurn. */
  private cutPartnerTurn(byBargeIn: boolean): void {
    cutDownlinkTurn(this.downlink, this.turns, (message) => this.send(message), byBargeIn);
  }

  // ---- relay → browser ------------------------------------------------------

  private sendWelcome(resumed: boolean): void {
    this.send({
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      sessionId: this.id,
      resumeToken: this.deps.issueResumeToken(this.id),
      upstream: this.deps.upstreamKind,
      resumed,
      ...(this.lines.acked !== null ? { lineAck: this.lines.acked } : {}),
    });
    this.stage.sendState();
  }

  private send(message: RelayMessage): void {
    this.connection?.sendControl(message);
  }

  /** A non-fatal error for one bad input, rate-limited so a flood cannot be amplified. */
  private reject(code: ErrorCode, message: string): void {
    this.deps.metrics.counters.badInputs++;
    if (this.errors.allow()) this.sendError(code, message, false);
  }

  private sendError(code: ErrorCode, message: string, fatal: boolean): void {
    this.send({ type: 'error', code, message: message.slice(0, 1024), fatal });
  }

  private notify(call: (observer: SessionObserver) => void): void {
    if (!this.deps.observer) return;
    try {
      call(this.deps.observer);
    } catch (error) {
      this.log.error('session observer failed', { error });
    }
  }

  /**
   * Relay shutdown. A live scene with persistence is handed off: what was said is stored, the scene stays
   * active, and the browser is told to reconnect (another instance, or this one restarted, takes it over with
   * the stored resumption handle). Otherwise (no store, or the scene was ending anyway) it ends here.
   */
  drain(): void {
    if (this.deps.handOffOnDrain && (this.state === 'live' || this.state === 'open') && !this.sceneOver) {
      this.handOff();
      return;
    }
    // A scene waiting for its coach gets the fallback at once and ends.
    this.stage.dispose();
    this.end('relay.draining', {
      code: 'relay.draining',
      message: 'this relay is shutting down; reconnect to continue',
    });
  }

  private handOff(): void {
    this.lifecycle.transition('draining');
    if (this.graceTimer) clearTimeout(this.graceTimer);
    // A line not yet answered (still being spoken, or waiting for its reply) is neither ended upstream nor stored:
    // the browser's outbox sends it whole to the instance that takes over, which answers it. A partner turn in
    // flight is stored as interrupted.
    this.uplink.dispose();
    this.turns.forgetUnansweredPlayer();
    const cut = this.downlink.interruptTurn(false);
    if (cut) this.send({ type: 'partner.end', turnId: cut.turnId, interrupted: true });
    this.turns.finalizeAll(false, true);
    this.link.close();
    this.stage.dispose();
    this.sendError('relay.draining', 'this relay is restarting; reconnecting to continue the scene', false);
    this.lifecycle.transition('closed');
    this.connection?.close('relay.draining');
    this.notify((o) => o.onSessionHandedOff?.(this.id));
    this.log.info('session handed off', { turns: this.turns.count });
    this.deps.onClosed(this);
  }

  counters() {
    return {
      uplink: this.uplink.stats.snapshot(),
      framesOutsideUtterance: this.uplink.framesOutsideUtterance,
      framesWithoutUpstream: this.uplink.framesWithoutUpstream,
      duplicateFrames: this.uplink.duplicateFrames,
      duplicateLines: this.lines.duplicateLines,
      downlink: { framesSent: this.downlink.framesSent, framesDropped: this.downlink.framesDropped },
      errorsSuppressed: this.errors.suppressed,
      upstream: { state: this.link.state, resumes: this.link.resumes, rotations: this.link.rotations },
    };
  }
}
