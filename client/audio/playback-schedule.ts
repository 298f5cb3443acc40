// The audio thread's chunk queue for partner audio, kept free of AudioWorklet globals so it is
// unit-tested; playback-worklet.ts only feeds it messages and render quanta. A chunk that arrives
// after its scheduled sample (the main thread was starved: decode and hand-off took too long) is
// not dropped: its turn slides later by the lateness plus a margin, and the main thread is told
// the turn's new total shift so its jitter buffer schedules the rest of the turn on the new anchor.

import { RECENT_TURNS_KEPT, rememberTurnId } from './recent-turns.js';

export interface PlaybackChunk {
  turnId: number;
  /** Context sample the chunk should start at, as the main thread scheduled it. */
  startFrame: number;
  samples: Float32Array;
  /** The turn's shift the main thread already counted into `startFrame` (what it had been told). */
  shiftFrames: number;
}

export type PlaybackEvent =
  /** The first sample of a turn was rendered at context sample `frame`. */
  | { type: 'started'; turnId: number; frame: number }
  /** A chunk reached the audio thread `lateSamples` after its slot began; it was slid later, or dropped if it was a straggler. */
  | { type: 'late'; turnId: number; lateSamples: number; dropped: boolean }
  /** The turn now plays `shiftFrames` (total) later than first scheduled; `byFrames` of that is new. */
  | { type: 'shifted'; turnId: number; shiftFrames: number; byFrames: number };

export interface PlaybackScheduleOptions {
  /** Extra slide on top of the lateness, so the chunks right behind a late one are not late too. */
  shiftMarginFrames: number;
  onEvent(event: PlaybackEvent): void;
  /** Samples of `turnId` that were just written to the output. */
  onPlayed?(turnId: number, played: Float32Array): void;
}

interface QueuedChunk {
  turnId: number;
  startFrame: number;
  samples: Float32Array;
  rendered: boolean;
}

interface TurnState {
  shiftFrames: number;
  /** Start of the latest chunk of this turn that began playing; an unplayed chunk before it is a straggler. */
  renderedStartFrame: number;
}

// A main-thread stall that made one chunk late tends to delay the next ones as much; two Opus
// frames of headroom on top of the lateness keeps them from sliding the turn again and again.
export const LATE_SHIFT_MARGIN_MS = 40;

export class PlaybackSchedule {
  /** Sorted by startFrame. */
  private chunks: QueuedChunk[] = [];
  private readonly turns = new Map<number, TurnState>();
  /** Turns cut by barge-in: their later chunks are dropped on purpose. */
  private readonly cutTurnIds: number[] = [];
  private lastStartedTurnId: number | null = null;

  constructor(private readonly options: PlaybackScheduleOptions) {}

  add(chunk: PlaybackChunk): void {
    if (this.cutTurnIds.includes(chunk.turnId)) return;
    let turn = this.turns.get(chunk.turnId);
    let startFrame = chunk.startFrame;
    if (turn) {
      // The main thread had not yet heard of (all of) this turn's shift when it scheduled the chunk.
      startFrame += Math.max(0, turn.shiftFrames - chunk.shiftFrames);
    } else {
      turn = this.rememberTurn(chunk.turnId, chunk.shiftFrames);
      // A new turn was anchored on the previous turn's tail before the main thread heard that tail slid.
      const queuedEndFrame = this.chunks.reduce((end, c) => Math.max(end, c.startFrame + c.samples.length), 0);
      if (queuedEndFrame > startFrame) {
        const byFrames = queuedEndFrame - startFrame;
        turn.shiftFrames += byFrames;
        startFrame += byFrames;
        this.options.onEvent({ type: 'shifted', turnId: chunk.turnId, shiftFrames: turn.shiftFrames, byFrames });
      }
    }
    const queued: QueuedChunk = { turnId: chunk.turnId, startFrame, samples: chunk.samples, rendered: false };
    let index = this.chunks.length;
    while (index > 0 && (this.chunks[index - 1]?.startFrame ?? 0) > startFrame) index -= 1;
    this.chunks.splice(index, 0, queued);
  }

  /** Barge-in: silence everything queued and ignore later chunks of `cutTurnId`. */
  clear(cutTurnId: number | null): void {
    this.chunks = [];
    this.lastStartedTurnId = null;
    // The main thread forgets its turns (and their shifts) on interrupt too; stay in step with it.
    this.turns.clear();
    if (cutTurnId !== null) rememberTurnId(this.cutTurnIds, cutTurnId);
  }

  /** Writes the chunks due in [blockStart, blockStart + out.length) into `out` (which the caller zeroed). */
  render(out: Float32Array, blockStart: number): void {
    const blockEnd = blockStart + out.length;
    while (this.chunks.length > 0) {
      const first = this.chunks[0];
      if (!first?.rendered || first.startFrame + first.samples.length > blockStart) break;
      this.chunks.shift();
    }
    this.slideLateChunks(blockStart);
    for (const chunk of this.chunks) {
      if (chunk.startFrame >= blockEnd) break;
      const from = Math.max(blockStart, chunk.startFrame);
      const to = Math.min(blockEnd, chunk.startFrame + chunk.samples.length);
      if (to <= from) continue;
      if (!chunk.rendered) {
        chunk.rendered = true;
        const turn = this.turns.get(chunk.turnId);
        if (turn) turn.renderedStartFrame = Math.max(turn.renderedStartFrame, chunk.startFrame);
        if (this.lastStartedTurnId !== chunk.turnId) {
          this.lastStartedTurnId = chunk.turnId;
          this.options.onEvent({ type: 'started', turnId: chunk.turnId, frame: from });
        }
      }
      const played = chunk.samples.subarray(from - chunk.startFrame, to - chunk.startFrame);
      out.set(played, from - blockStart);
      this.options.onPlayed?.(chunk.turnId, played);
    }
  }

  /** An unplayed chunk whose start has passed slides, with everything queued after it; a straggler is dropped. */
  private slideLateChunks(blockStart: number): void {
    for (let index = 0; index < this.chunks.length; index += 1) {
      const chunk = this.chunks[index];
      if (!chunk || chunk.startFrame >= blockStart) return;
      if (chunk.rendered) continue;
      const lateSamples = blockStart - chunk.startFrame;
      const turn = this.turns.get(chunk.turnId) ?? this.rememberTurn(chunk.turnId, 0);
      if (chunk.startFrame < turn.renderedStartFrame) {
        // Later audio of its turn already played: playing it now would put it out of order.
        this.options.onEvent({ type: 'late', turnId: chunk.turnId, lateSamples, dropped: true });
        this.chunks.splice(index, 1);
        index -= 1;
        continue;
      }
      this.options.onEvent({ type: 'late', turnId: chunk.turnId, lateSamples, dropped: false });
      this.slideFrom(index, lateSamples + this.options.shiftMarginFrames);
      return;
    }
  }

  /** Moves the chunk at `index` and every unplayed chunk after it (any turn) `byFrames` later; the queue stays sorted. */
  private slideFrom(index: number, byFrames: number): void {
    const slidTurnIds = new Set<number>();
    for (const chunk of this.chunks.slice(index)) {
      if (chunk.rendered) continue;
      chunk.startFrame += byFrames;
      slidTurnIds.add(chunk.turnId);
    }
    // A chunk of another turn that is already playing stays put, so restore the order around it.
    this.chunks.sort((a, b) => a.startFrame - b.startFrame);
    for (const turnId of slidTurnIds) {
      const turn = this.turns.get(turnId) ?? this.rememberTurn(turnId, 0);
      turn.shiftFrames += byFrames;
      this.options.onEvent({ type: 'shifted', turnId, shiftFrames: turn.shiftFrames, byFrames });
    }
  }

  private rememberTurn(turnId: number, shiftFrames: number): TurnState {
    const turn: TurnState = { shiftFrames, renderedStartFrame: Number.NEGATIVE_INFINITY };
    this.turns.set(turnId, turn);
    if (this.turns.size > RECENT_TURNS_KEPT) this.turns.delete(this.turns.keys().next().value as number);
    return turn;
  }
}
