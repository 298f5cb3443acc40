// Which of the player's lines this session already has, so a line is answered once however often the browser
// sends it. Lines are the browser's utterance ids (u16, increasing, wrapping), sent in order: two marks suffice.
// `taken`: the line went upstream whole (its utterance.end arrived); a line at or before it is a duplicate and
// never reaches Live again. `acked`: a reply to it started (or Live finished the turn), so the browser may forget
// it (`line.ack`, cumulative). Between the two, a resend is dropped and the ack follows when the reply starts.
// A taken-over scene starts from the last line its stored turns answered (see takeover.ts).
import { streamIdDelta } from '../../shared/frame.js';

export class LineLedger {
  private taken: number | null;
  private takenAtMs = Number.NEGATIVE_INFINITY;
  private ackedUpTo: number | null;
  /** Lines (and their frames) the browser sent again after this session already had them. */
  duplicateLines = 0;

  constructor(answeredBefore?: number) {
    this.taken = answeredBefore ?? null;
    this.ackedUpTo = answeredBefore ?? null;
  }

  get acked(): number | null {
    return this.ackedUpTo;
  }

  /** The session already has this line (taken whole, answered or about to be). */
  has(utteranceId: number): boolean {
    return this.taken !== null && streamIdDelta(this.taken, utteranceId) <= 0;
  }

  /** The line is already acknowledged: a duplicate's utterance.end gets the ack again. */
  isAcked(utteranceId: number): boolean {
    return this.ackedUpTo !== null && streamIdDelta(this.ackedUpTo, utteranceId) <= 0;
  }

  /** The line went upstream whole; `atMs` is performance.now(). */
  took(utteranceId: number, atMs: number): void {
    if (this.has(utteranceId)) return;
    this.taken = utteranceId;
    this.takenAtMs = atMs;
  }

  /**
   * A reply that started at `replyStartedAtMs` (or the upstream's turnComplete, with now) answers every line taken
   * before it. Returns the new cumulative ack, or null when nothing new is acknowledged.
   */
  answered(replyStartedAtMs: number): number | null {
    if (this.taken === null || this.taken === this.ackedUpTo || replyStartedAtMs < this.takenAtMs) return null;
    this.ackedUpTo = this.taken;
    return this.ackedUpTo;
  }
}
