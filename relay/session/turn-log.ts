// Turn bookkeeping for one session: who spoke when, the transcript of each turn (partial updates to the browser,
// final when the turn ends), and the domain events observers persist.
import type { RelayMessage } from '../../shared/protocol.js';
import type { Logger } from '../log.js';
import type { SessionObserver, TurnEndedEvent } from './observer.js';
import type { PartnerTurn } from './partner-downlink.js';

interface OpenTurn {
  turnId: number;
  startedAt: Date;
  endedAt: Date | null;
  text: string;
}

interface PlayerTurn extends OpenTurn {
  /** performance.now() at utterance.end: the start of the partner's response latency. */
  speechEndedAtMs: number | null;
  /** Stored provisionally already (its reply started): later text updates that record. */
  checkpointed: boolean;
}

interface PartnerRecord extends OpenTurn {
  turn: PartnerTurn;
  /** The player turn this partner turn answers, for response latency. */
  answering: PlayerTurn | null;
  /** The upstream completed it (turnComplete): only its transcript's tail may still come. */
  completed: boolean;
  /** The audience already heard about this exchange (at turnComplete, not after the tail wait). */
  exchangeReported?: boolean;
}

/**
 * Live's output transcription can end after turnComplete (reported of the real service; no `finished` flag marks the
 * end), so a completed reply keeps taking its tail this long before it is stored and shown as final, unless the
 * player's next line ends first (from then on the model's words are the next reply's).
 */
export const TRANSCRIPT_TAIL_WAIT_MS = 1_500;

export interface TurnHooks {
  /** A finished line of the scene (a cancelled half-turn is not one), for the coach's transcript. */
  onLine?(line: { speaker: 'player' | 'partner'; text: string }): void;
  /** A partner turn ended that answered a player turn: one exchange, for the audience. */
  onExchange?(exchange: { playerText: string; partnerText: string; interrupted: boolean }): void;
}

interface McRecord {
  /** From mcStarted: the voicer's reports name the line they are about. */
  line: number;
  text: string;
  startedAt: Date;
  /** The downlink turn that voices the line; null while it is text only (or its audio is still coming). */
  turn: PartnerTurn | null;
}

/** The room's reaction to one exchange, stored as an audience turn (text = the reaction). */
export interface AudienceLine {
  reaction: string;
  sentiment: number;
  /** The running mood after this reaction. */
  mood: number;
}

export class TurnLog {
  private player: PlayerTurn | null = null;
  private partner: PartnerRecord | null = null;
  /** The MC line being said (or waiting for its voice); stored when it ends, or before any turn after it. */
  private mc: McRecord | null = null;
  private mcLines = 0;
  private tailTimer: NodeJS.Timeout | null = null;
  private onSettled: (() => void) | null = null;
  private readonly settledWaiters: Array<() => void> = [];
  count = 0;

  constructor(
    private readonly sessionId: string,
    private readonly observer: SessionObserver | undefined,
    private readonly log: Logger,
    private readonly send: (message: RelayMessage) => void,
    private readonly onResponseLatency: (latencyMs: number) => void = () => {},
    private readonly hooks: TurnHooks = {},
  ) {}

  hasPlayerTurn(utteranceId: number): boolean {
    return this.player?.turnId === utteranceId;
  }

  playerStarted(utteranceId: number): void {
    // The line a completed reply answered is final; the reply itself may still take its tail until this one ends.
    // One with no words that nothing answered (the VAD split a line at a pause, and its second piece began before
    // a reply did) is no line of its own: Live hears the two pieces as one turn, and any late words of the first
    // land on the second.
    if (this.player) this.finalizePlayer(this.player.checkpointed ? 'done' : 'superseded');
    this.player = {
      turnId: utteranceId,
      startedAt: new Date(),
      endedAt: null,
      text: '',
      speechEndedAtMs: null,
      checkpointed: false,
    };
    this.emit((o) =>
      o.onTurnStarted?.({
        sessionId: this.sessionId,
        speaker: 'player',
        turnId: utteranceId,
        startedAt: this.player!.startedAt,
      }),
    );
  }

  playerEnded(utteranceId: number): void {
    if (this.player?.turnId !== utteranceId) return;
    // The next reply is asked for: what the model says from here is not the last one's tail.
    this.settle();
    this.player.endedAt = new Date();
    this.player.speechEndedAtMs = performance.now();
  }

  /**
   * The player's utterance was cut by a connection drop and cancelled upstream: its turn ends now, stored as
   * interrupted + cancelled, and nothing that arrives later (transcript, reply) is attributed to it.
   */
  playerCancelled(utteranceId: number): void {
    if (this.player?.turnId !== utteranceId) return;
    this.player.endedAt = new Date();
    this.finalizePlayer('cancelled');
  }

  /**
   * The scene moves to another instance while the player's line has no reply yet: it is not stored here (the
   * browser's outbox sends it whole to the instance that takes over, which answers and stores it).
   */
  forgetUnansweredPlayer(): void {
    if (this.player && !this.player.checkpointed) this.player = null;
  }

  playerText(text: string): void {
    if (!this.player) return;
    this.player.text += text;
    // A finished line is stored as soon as its words are shown, not when its reply starts: a relay killed while
    // the reply is still being made must not lose a line the page already showed.
    if (this.player.endedAt !== null) this.player.checkpointed = true;
    if (this.player.checkpointed) this.checkpoint('player', this.player, this.player.endedAt === null);
    this.send({
      type: 'transcript',
      speaker: 'player',
      streamId: this.player.turnId,
      text: clip(this.player.text),
      final: false,
    });
  }

  /**
   * The player's and the partner's lines not final yet (a reply's transcript waits for its tail), with words, in
   * the order they were spoken: a fresh upstream's history must hold the last exchange too.
   */
  openLines(): Array<{ speaker: 'player' | 'partner'; text: string }> {
    const player = this.player?.text ? [{ speaker: 'player' as const, text: this.player.text }] : [];
    const partner = this.partner?.text ? [{ speaker: 'partner' as const, text: this.partner.text }] : [];
    return this.partner && this.partner.answering === this.player ? [...player, ...partner] : [...partner, ...player];
  }

  partnerStarted(turn: PartnerTurn): void {
    this.settle();
    if (this.partner) this.finalizePartner(false);
    // The reply begins: the line it answers is stored now (and updated as its transcript grows), so a relay
    // killed mid-reply loses no line the player said. It keeps its place ahead of the reply.
    if (this.player) {
      this.player.checkpointed = true;
      this.checkpoint('player', this.player, this.player.endedAt === null);
    }
    this.partner = {
      turnId: turn.turnId,
      startedAt: turn.startedAt,
      endedAt: null,
      text: '',
      turn,
      answering: this.player,
      completed: false,
    };
    this.emit((o) =>
      o.onTurnStarted?.({
        sessionId: this.sessionId,
        speaker: 'partner',
        turnId: turn.turnId,
        startedAt: turn.startedAt,
      }),
    );
  }

  partnerText(turnId: number, text: string): void {
    if (this.partner?.turnId !== turnId) return;
    this.partner.text += text;
    // Stored as cut until it completes: that is what it is if this relay dies now.
    this.checkpoint('partner', this.partner, !this.partner.completed);
    this.send({
      type: 'transcript',
      speaker: 'partner',
      streamId: turnId,
      text: clip(this.partner.text),
      final: false,
    });
  }

  /**
   * The upstream completed its turn (turnComplete): the reply's audio is over, but its transcript's tail may still
   * come (partnerTail). Its lines are final at the first of: TRANSCRIPT_TAIL_WAIT_MS, the player's next line ending,
   * another reply, the scene ending. `onSettled` runs then (not when the scene ending stores it).
   */
  replyCompleted(onSettled?: () => void): void {
    this.settle();
    const partner = this.partner;
    if (!partner) {
      this.finalizeAll(false);
      onSettled?.();
      return;
    }
    partner.completed = true;
    partner.endedAt = new Date();
    this.checkpoint('partner', partner, false);
    // The room reacts now (with the words so far); the coach and the store get the line once its tail is in.
    this.reportExchange(partner, false);
    this.onSettled = onSettled ?? null;
    this.tailTimer = setTimeout(() => this.settle(), TRANSCRIPT_TAIL_WAIT_MS);
  }

  /** Output transcription while a completed reply takes its tail: it is that reply's. False when none is. */
  partnerTail(text: string): boolean {
    const partner = this.partner;
    if (!partner?.completed) return false;
    this.partnerText(partner.turnId, text);
    return true;
  }

  /** A completed reply is still taking its transcript's tail. */
  get tailPending(): boolean {
    return this.tailTimer !== null;
  }

  /** Resolves once no completed reply is waiting for its tail (at once when none is): before the scene closes. */
  tailSettled(): Promise<void> {
    if (!this.tailTimer) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** A completed reply (and the line it answered) becomes final now. */
  private settle(): void {
    if (!this.tailTimer) return;
    const onSettled = this.onSettled;
    this.finalizeAll(false);
    onSettled?.();
  }

  partnerInterrupted(turn: PartnerTurn): void {
    if (this.partner?.turnId === turn.turnId) this.finalizePartner(true);
  }

  /**
   * The upstream finished a turn (or the scene ends): the partner's text is final, and so is the player's it answered.
   * The scene ending (End scene, turn budget, shutdown) stores what is open by one rule: a line whose audio was still
   * going to the player is `interrupted`, with the text they were shown (the partner's transcript so far; the MC's
   * line whole, shown at once); a text-only MC line is not. A player still speaking: their words so far, interrupted,
   * or no turn at all without words (never an empty turn).
   */
  finalizeAll(interrupted: boolean, sceneEnding = false): void {
    if (this.tailTimer) clearTimeout(this.tailTimer);
    this.tailTimer = null;
    this.onSettled = null;
    for (const resolve of this.settledWaiters.splice(0)) resolve();
    if (sceneEnding) this.finalizeMc(this.mc?.turn !== null && this.mc?.turn !== undefined);
    // A player still speaking keeps their turn open (their transcript may still grow), unless the scene is ending.
    const player = this.player?.endedAt || sceneEnding ? this.player : null;
    const playerEnd = sceneEnding ? (player?.endedAt ? 'sceneEnded' : 'cut') : 'done';
    // Turns end (and get their seq) in the order they started: the player's line, then the reply to it.
    if (player && (!this.partner || player.startedAt <= this.partner.startedAt)) this.finalizePlayer(playerEnd);
    // A completed reply is whole whatever ends it now (only a late tail could still have come).
    if (this.partner) this.finalizePartner(!this.partner.completed && (interrupted || sceneEnding));
    if (player && this.player === player) this.finalizePlayer(playerEnd);
  }

  /**
   * The MC starts a line (shown as text at once; its voice may follow). A line still open is stored first.
   * Returns the line's id: the voicer's reports about it carry it, so a late report of a line already stored
   * (cut by another turn or by the scene ending) never touches the next one.
   */
  mcStarted(text: string): number {
    this.finalizeMc(false);
    const line = ++this.mcLines;
    this.mc = { line, text, startedAt: new Date(), turn: null };
    this.emit((o) =>
      o.onTurnStarted?.({ sessionId: this.sessionId, speaker: 'mc', turnId: 0, startedAt: this.mc!.startedAt }),
    );
    return line;
  }

  /** True while MC line `line` is open: nothing else has been stored since it started. */
  mcLineOpen(line: number): boolean {
    return this.mc?.line === line;
  }

  /** MC line `line`, if still open, is voiced on this downlink turn. */
  mcVoiced(line: number, turn: PartnerTurn): void {
    if (this.mc?.line === line) this.mc.turn = turn;
  }

  /** MC line `line` ended: played out, text only (`interrupted` false), or cut (true). A stored line stays as is. */
  mcEnded(line: number, interrupted: boolean): void {
    if (this.mc?.line === line) this.finalizeMc(interrupted);
  }

  /** The room reacted to an exchange: one audience turn with the reaction's sentiment and the room's mood. */
  audienceReacted(line: AudienceLine): void {
    const at = new Date();
    this.emit((o) => o.onTurnStarted?.({ sessionId: this.sessionId, speaker: 'audience', turnId: 0, startedAt: at }));
    this.ended({
      sessionId: this.sessionId,
      speaker: 'audience',
      turnId: 0,
      startedAt: at,
      endedAt: at,
      text: line.reaction,
      interrupted: false,
      sentiment: line.sentiment,
      mood: line.mood,
    });
  }

  private finalizeMc(interrupted: boolean): void {
    const record = this.mc;
    if (!record) return;
    this.mc = null;
    this.ended({
      sessionId: this.sessionId,
      speaker: 'mc',
      turnId: record.turn?.turnId ?? 0,
      startedAt: record.startedAt,
      endedAt: new Date(),
      text: record.text,
      interrupted,
      ...(record.turn ? { framesSent: record.turn.framesSent } : {}),
    });
  }

  /**
   * `done`: the line ended and was answered (or the upstream moved on); `cancelled`: cut by a connection drop and
   * cancelled upstream; `cut`: the scene ended while the player spoke; `sceneEnded`: the scene ended after the line.
   */
  private finalizePlayer(end: 'done' | 'cancelled' | 'cut' | 'sceneEnded' | 'superseded' = 'done'): void {
    const turn = this.player;
    if (!turn) return;
    this.player = null;
    const cancelled = end === 'cancelled';
    // No words, nothing stored yet: no line to keep (a provisional record, once written, is finalized as it is).
    if ((end === 'cut' || end === 'sceneEnded' || end === 'superseded') && !turn.text && !turn.checkpointed) return;
    if (turn.text)
      this.send({ type: 'transcript', speaker: 'player', streamId: turn.turnId, text: clip(turn.text), final: true });
    if (turn.text && !cancelled) this.hooks.onLine?.({ speaker: 'player', text: turn.text });
    this.ended({
      sessionId: this.sessionId,
      speaker: 'player',
      turnId: turn.turnId,
      startedAt: turn.startedAt,
      endedAt: turn.endedAt ?? new Date(),
      text: turn.text,
      interrupted: cancelled || end === 'cut',
      ...(cancelled ? { cancelled } : {}),
    });
  }

  private finalizePartner(interrupted: boolean): void {
    const record = this.partner;
    if (!record) return;
    this.partner = null;
    this.send({
      type: 'transcript',
      speaker: 'partner',
      streamId: record.turnId,
      text: clip(record.text),
      final: true,
    });
    if (record.text) this.hooks.onLine?.({ speaker: 'partner', text: record.text });
    this.reportExchange(record, interrupted);
    const speechEndedAtMs = record.answering?.speechEndedAtMs ?? null;
    const firstFrameAtMs = record.turn.firstFrameAtMs;
    const event: TurnEndedEvent = {
      sessionId: this.sessionId,
      speaker: 'partner',
      turnId: record.turnId,
      startedAt: record.startedAt,
      endedAt: new Date(),
      text: record.text,
      interrupted,
      framesSent: record.turn.framesSent,
    };
    if (speechEndedAtMs !== null && firstFrameAtMs !== null && firstFrameAtMs >= speechEndedAtMs) {
      event.responseLatencyMs = Math.round((firstFrameAtMs - speechEndedAtMs) * 10) / 10;
      this.onResponseLatency(firstFrameAtMs - speechEndedAtMs);
    }
    this.ended(event);
  }

  private reportExchange(record: PartnerRecord, interrupted: boolean): void {
    if (!record.answering || record.exchangeReported) return;
    record.exchangeReported = true;
    this.hooks.onExchange?.({ playerText: record.answering.text, partnerText: record.text, interrupted });
  }

  /**
   * A provisional record of a turn still open (same seq as its final one; the write queue folds repeats, so
   * this is one write per batch at most). Only what a hard kill would otherwise lose: lines the player heard.
   */
  private checkpoint(speaker: 'player' | 'partner', record: OpenTurn, interrupted: boolean): void {
    if (this.mc) this.finalizeMc(this.mc.turn !== null);
    this.emit((o) =>
      o.onTurnProgress?.({
        sessionId: this.sessionId,
        speaker,
        turnId: record.turnId,
        startedAt: record.startedAt,
        endedAt: record.endedAt ?? new Date(),
        text: record.text,
        interrupted,
      }),
    );
  }

  private ended(event: TurnEndedEvent): void {
    // Stored in scene order: an MC line that began before this turn ended is stored ahead of it (cut short,
    // when its voice was still on the downlink; the partner's audio cuts it before any partner turn can end).
    if (event.speaker !== 'mc' && this.mc) this.finalizeMc(this.mc.turn !== null);
    this.count++;
    this.log.debug('turn ended', {
      speaker: event.speaker,
      turnId: event.turnId,
      interrupted: event.interrupted,
      responseLatencyMs: event.responseLatencyMs,
    });
    this.emit((o) => o.onTurnEnded?.(event));
  }

  private emit(call: (observer: SessionObserver) => void): void {
    if (!this.observer) return;
    try {
      call(this.observer);
    } catch (error) {
      this.log.error('session observer failed', { error });
    }
  }
}

/** The wire schema caps transcript text at 8192 characters; keep the latest words. */
function clip(text: string): string {
  return text.length > 8192 ? text.slice(-8192) : text;
}
