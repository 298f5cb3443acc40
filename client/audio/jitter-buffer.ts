// Adaptive jitter buffer for partner audio. Pure: the caller passes the playout clock (ms) and
// decodes/schedules what comes out. Each accepted frame gets a playout time: turn anchor + seq
// offset × 20 ms, so reordering is free and a lost frame becomes 20 ms of concealed silence.
// A turn starts as soon as `targetMs` of audio is buffered (a burst starts at once) or
// `targetMs` after its first frame arrived, whichever is first. When the audio thread had to slide
// a turn later (its chunks reached it late), shiftTurn moves the turn's anchor so the rest of the
// turn, its drain time and the turn queued behind it follow the audio actually playing.
import { type AudioFrame, FrameFlag, seqDelta } from '../../shared/frame.js';
import { rememberTurnId } from './recent-turns.js';

export interface JitterBufferOptions {
  targetMinMs: number;
  targetMaxMs: number;
  frameMs: number;
  /** Time a frame needs between leaving the buffer and its playout (decode + hand-off to the audio thread). */
  scheduleMarginMs: number;
  /** A turn whose End frame was lost counts as drained after this long without frames. */
  endTimeoutMs: number;
}

export interface ScheduledFrame {
  frame: AudioFrame;
  playoutMs: number;
  /** The turn's shift (from shiftTurn) already counted into playoutMs. */
  shiftMs: number;
}

export interface JitterBufferStats {
  bufferedMs: number;
  targetMs: number;
  underruns: number;
  lateFrames: number;
  duplicateFrames: number;
  concealedMs: number;
  jitterMs: number;
}

interface Turn {
  turnId: number;
  /** Frames waiting for the turn to start; empty once it plays. */
  pending: AudioFrame[];
  firstArrivalMs: number;
  lastArrivalMs: number;
  started: boolean;
  anchorSeq: number;
  anchorMs: number;
  firstPlayoutMs: number;
  /** End of the latest scheduled frame. */
  scheduledEndMs: number;
  maxSeq: number;
  received: Set<number>;
  /** Last seq whose slot was checked for concealment. */
  checkedSeq: number;
  endSeen: boolean;
  /** How much later than first scheduled the audio thread plays this turn (shiftTurn). */
  shiftMs: number;
}

const MAX_PLAUSIBLE_JITTER_MS = 2_000;

export class JitterBuffer {
  private turns: Turn[] = [];
  /** Turns that ended with their End frame: later frames of them are stale (late). */
  private readonly endedTurnIds: number[] = [];
  /** Turns cut by barge-in: later frames of them are dropped on purpose, not counted as late. */
  private readonly cutTurnIds: number[] = [];
  private jitterMs = 0;
  private lastTransit: { seq: number; turnId: number; transitMs: number } | null = null;
  private boostMs = 0;
  private underruns = 0;
  private lateFrames = 0;
  private duplicateFrames = 0;
  private concealedMs = 0;

  constructor(private readonly options: JitterBufferOptions) {}

  /** Delay the next turn start (or rebuffer) aims for: base + 3× measured jitter + a boost after underruns. */
  get targetMs(): number {
    const { targetMinMs, targetMaxMs } = this.options;
    return Math.min(targetMaxMs, Math.max(targetMinMs, Math.round(targetMinMs + 3 * this.jitterMs + this.boostMs)));
  }

  /** The turn currently playing or about to, or null when silent. */
  get activeTurnId(): number | null {
    return this.turns.at(-1)?.turnId ?? null;
  }

  push(frame: AudioFrame, nowMs: number): ScheduledFrame[] {
    if (this.cutTurnIds.includes(frame.streamId)) return [];
    if (this.endedTurnIds.includes(frame.streamId)) {
      this.lateFrames += 1;
      return [];
    }
    this.measureJitter(frame, nowMs);
    let turn = this.turns.find((t) => t.turnId === frame.streamId);
    if (!turn) {
      turn = this.openTurn(frame, nowMs);
    } else if (turn.received.has(frame.seq) || turn.pending.some((f) => f.seq === frame.seq)) {
      this.duplicateFrames += 1;
      return [];
    }
    turn.lastArrivalMs = nowMs;
    if (frame.flags & FrameFlag.End) turn.endSeen = true;
    if (!turn.started) {
      turn.pending.push(frame);
      return this.maybeStart(turn, nowMs);
    }
    return this.place(turn, frame, nowMs);
  }

  /** Call every few ms: starts turns whose wait is over, counts concealment, reports drained turns. */
  poll(nowMs: number): { scheduled: ScheduledFrame[]; drainedTurnIds: number[] } {
    const scheduled: ScheduledFrame[] = [];
    const drainedTurnIds: number[] = [];
    for (const turn of [...this.turns]) {
      if (!turn.started) {
        scheduled.push(...this.maybeStart(turn, nowMs));
        continue;
      }
      this.countConcealment(turn, nowMs);
      const playedOut = nowMs >= turn.scheduledEndMs;
      const quiet = nowMs - turn.lastArrivalMs >= this.options.endTimeoutMs;
      if (playedOut && (turn.endSeen || quiet)) {
        this.turns.splice(this.turns.indexOf(turn), 1);
        // A turn that only went quiet may resume (the model paused); one that sent End is over.
        if (turn.endSeen) rememberTurnId(this.endedTurnIds, turn.turnId);
        drainedTurnIds.push(turn.turnId);
      }
    }
    return { scheduled, drainedTurnIds };
  }

  /**
   * The audio thread plays turn `turnId` `totalShiftMs` later than first scheduled (it received a
   * chunk after its slot). Moves the rest of the turn there; an older, smaller total is ignored.
   */
  shiftTurn(turnId: number, totalShiftMs: number): void {
    const turn = this.turns.find((t) => t.turnId === turnId);
    // A turn still waiting to start has sent the audio thread nothing that could have slid.
    if (!turn?.started || totalShiftMs <= turn.shiftMs) return;
    const byMs = totalShiftMs - turn.shiftMs;
    turn.shiftMs = totalShiftMs;
    turn.anchorMs += byMs;
    turn.scheduledEndMs += byMs;
  }

  /** Barge-in: forget all queued audio and ignore later frames of the active turn. */
  interrupt(nowMs: number): { turnId: number | null; playedMs: number } {
    const turn = this.turns.at(-1);
    // Every queued turn is dropped, so every one is cut: a later frame of an older one must not start it afresh.
    for (const dropped of this.turns) rememberTurnId(this.cutTurnIds, dropped.turnId);
    this.turns = [];
    if (!turn) return { turnId: null, playedMs: 0 };
    // The slide left a gap of shiftMs inside the turn's span that played nothing.
    const spanMs = Math.min(nowMs, turn.scheduledEndMs) - turn.firstPlayoutMs;
    const playedMs = turn.started ? Math.max(0, spanMs - turn.shiftMs) : 0;
    return { turnId: turn.turnId, playedMs: Math.round(playedMs) };
  }

  stats(nowMs: number): JitterBufferStats {
    let bufferedMs = 0;
    for (const turn of this.turns) {
      bufferedMs += turn.started
        ? Math.max(0, turn.scheduledEndMs - Math.max(nowMs, turn.firstPlayoutMs))
        : turn.pending.length * this.options.frameMs;
    }
    return {
      bufferedMs,
      targetMs: this.targetMs,
      underruns: this.underruns,
      lateFrames: this.lateFrames,
      duplicateFrames: this.duplicateFrames,
      concealedMs: Math.round(this.concealedMs),
      jitterMs: Math.round(this.jitterMs * 10) / 10,
    };
  }

  private openTurn(frame: AudioFrame, nowMs: number): Turn {
    // A fresh turn forgets half the boost a past underrun earned: the network may have recovered.
    this.boostMs /= 2;
    const turn: Turn = {
      turnId: frame.streamId,
      pending: [],
      firstArrivalMs: nowMs,
      lastArrivalMs: nowMs,
      started: false,
      anchorSeq: frame.seq,
      anchorMs: 0,
      firstPlayoutMs: 0,
      scheduledEndMs: 0,
      maxSeq: frame.seq,
      received: new Set(),
      checkedSeq: frame.seq,
      endSeen: false,
      shiftMs: 0,
    };
    this.turns.push(turn);
    return turn;
  }

  private maybeStart(turn: Turn, nowMs: number): ScheduledFrame[] {
    const target = this.targetMs;
    const bufferedMs = turn.pending.length * this.options.frameMs;
    const waitedMs = nowMs - turn.firstArrivalMs;
    if (bufferedMs < target && waitedMs < target && !turn.endSeen) return [];
    const pending = turn.pending.sort((a, b) => seqDelta(b.seq, a.seq));
    turn.pending = [];
    const first = pending[0];
    if (!first) return [];
    // Play right away, but never on top of the previous turn's tail.
    const previous = this.turns[this.turns.indexOf(turn) - 1];
    turn.started = true;
    turn.anchorSeq = first.seq;
    turn.anchorMs = Math.max(nowMs + this.options.scheduleMarginMs, previous?.scheduledEndMs ?? 0);
    turn.firstPlayoutMs = turn.anchorMs;
    turn.scheduledEndMs = turn.anchorMs;
    turn.maxSeq = first.seq;
    turn.checkedSeq = (first.seq - 1) >>> 0;
    return pending.flatMap((frame) => this.place(turn, frame, nowMs));
  }

  private place(turn: Turn, frame: AudioFrame, nowMs: number): ScheduledFrame[] {
    const { frameMs, scheduleMarginMs } = this.options;
    let playoutMs = turn.anchorMs + seqDelta(turn.anchorSeq, frame.seq) * frameMs;
    if (playoutMs < nowMs + scheduleMarginMs) {
      if (seqDelta(turn.maxSeq, frame.seq) <= 0) {
        // A straggler whose slot already played (as concealment).
        this.lateFrames += 1;
        return [];
      }
      // The buffer ran dry: re-anchor so this frame plays after a fresh target delay.
      this.underruns += 1;
      this.boostMs += 10;
      const resumeMs = nowMs + scheduleMarginMs + this.targetMs - frameMs;
      this.concealedMs += Math.max(0, resumeMs - turn.scheduledEndMs);
      turn.anchorSeq = frame.seq;
      turn.anchorMs = resumeMs;
      turn.checkedSeq = (frame.seq - 1) >>> 0;
      playoutMs = resumeMs;
    }
    turn.received.add(frame.seq);
    if (seqDelta(turn.maxSeq, frame.seq) > 0) turn.maxSeq = frame.seq;
    turn.scheduledEndMs = Math.max(turn.scheduledEndMs, playoutMs + frameMs);
    return [{ frame, playoutMs, shiftMs: turn.shiftMs }];
  }

  /** Slots up to the newest received frame that played with no frame in them were concealed. */
  private countConcealment(turn: Turn, nowMs: number): void {
    const { frameMs } = this.options;
    while (seqDelta(turn.checkedSeq, turn.maxSeq) > 0) {
      const seq = (turn.checkedSeq + 1) >>> 0;
      const slotEndMs = turn.anchorMs + (seqDelta(turn.anchorSeq, seq) + 1) * frameMs;
      if (slotEndMs > nowMs) break;
      if (!turn.received.has(seq)) {
        this.concealedMs += frameMs;
        // One underrun per run of missing slots, not one per slot.
        if (turn.received.has((seq - 1) >>> 0)) this.underruns += 1;
      }
      turn.checkedSeq = seq;
    }
  }

  /** RFC 3550 interarrival jitter over consecutive frames of a turn, against the sender's timestamps. */
  private measureJitter(frame: AudioFrame, nowMs: number): void {
    const transitMs = nowMs - frame.timestampMs;
    const last = this.lastTransit;
    if (last && last.turnId === frame.streamId && seqDelta(last.seq, frame.seq) > 0) {
      const d = Math.abs(transitMs - last.transitMs);
      // A jump of seconds is the sender's u32 clock wrapping or restarting, not network jitter.
      if (d < MAX_PLAUSIBLE_JITTER_MS) this.jitterMs += (d - this.jitterMs) / 16;
    }
    if (!last || last.turnId !== frame.streamId || seqDelta(last.seq, frame.seq) > 0) {
      this.lastTransit = { seq: frame.seq, turnId: frame.streamId, transitMs };
    }
  }
}
