// The player's lines (utterances), kept until the relay acknowledges them (`line.ack`, cumulative). A line the
// connection lost (spoken while reconnecting, or cut by a drop) is still here when the connection returns and
// is sent again whole; one that ended longer ago than the age bound, or that the memory bound pushed out, is
// given back to the caller as lost, so the stage can say so. Pure: no timers, no transport.
import { OUTBOX_MAX_BYTES, OUTBOX_MAX_LINE_AGE_MS } from '../../shared/constants.js';
import { streamIdDelta } from '../../shared/frame.js';

export interface OutboxLine {
  readonly utteranceId: number;
  /** Wire frames as captured (shared/frame.ts), in capture order. */
  readonly frames: Uint8Array[];
  bytes: number;
  /** From utterance.end; null while the player is still speaking it. */
  frameCount: number | null;
  endedAtMs: number | null;
  /** The connection generation that carried the whole line so far; null when it must be sent (again). */
  sentOn: number | null;
  /** Over the memory bound on its own: it can no longer be sent again whole. */
  overflowed: boolean;
}

export interface LineOutboxOptions {
  maxLineAgeMs?: number;
  maxBytes?: number;
}

export class LineOutbox {
  readonly #lines: OutboxLine[] = [];
  readonly #maxLineAgeMs: number;
  readonly #maxBytes: number;
  #bytes = 0;
  /**
   * Lines the memory bound pushed out after they went out whole on a connection that was still up: probably
   * received, not yet acknowledged. If that connection drops, the resumed welcome's ack decides.
   */
  #unprotected: number[] = [];

  constructor(options: LineOutboxOptions = {}) {
    this.#maxLineAgeMs = options.maxLineAgeMs ?? OUTBOX_MAX_LINE_AGE_MS;
    this.#maxBytes = options.maxBytes ?? OUTBOX_MAX_BYTES;
  }

  get lines(): readonly OutboxLine[] {
    return this.#lines;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get unprotected(): readonly number[] {
    return this.#unprotected;
  }

  line(utteranceId: number): OutboxLine | undefined {
    return this.#lines.find((line) => line.utteranceId === utteranceId);
  }

  /** A new line; `sentOn` is the generation it streams on live, or null when it must wait for a connection. */
  start(utteranceId: number, sentOn: number | null): void {
    if (this.line(utteranceId)) return;
    this.#lines.push({
      utteranceId,
      frames: [],
      bytes: 0,
      frameCount: null,
      endedAtMs: null,
      sentOn,
      overflowed: false,
    });
  }

  /**
   * Keeps one frame of line `utteranceId`. Returns the lines the memory bound pushed out, oldest first (never the
   * line being spoken: past the bound on its own, it stops keeping frames and is marked overflowed).
   */
  frame(utteranceId: number, bytes: Uint8Array, currentGeneration: number | null): OutboxLine[] {
    const line = this.line(utteranceId);
    if (!line || line.overflowed) return [];
    line.frames.push(bytes);
    line.bytes += bytes.byteLength;
    this.#bytes += bytes.byteLength;
    const evicted: OutboxLine[] = [];
    while (this.#bytes > this.#maxBytes) {
      const oldest = this.#lines[0]!;
      if (oldest === line) {
        this.#bytes -= line.bytes;
        line.frames.length = 0;
        line.bytes = 0;
        line.overflowed = true;
        break;
      }
      this.#remove(0);
      if (oldest.sentOn !== null && oldest.sentOn === currentGeneration) this.#unprotected.push(oldest.utteranceId);
      else evicted.push(oldest);
    }
    return evicted;
  }

  end(utteranceId: number, frameCount: number, nowMs: number): void {
    const line = this.line(utteranceId);
    if (!line) return;
    line.frameCount = frameCount;
    line.endedAtMs = nowMs;
  }

  /** Cumulative: forgets every line up to and including `utteranceId`. Returns how many lines it forgot. */
  ack(utteranceId: number): number {
    let forgotten = 0;
    while (this.#lines.length > 0 && streamIdDelta(this.#lines[0]!.utteranceId, utteranceId) >= 0) {
      this.#remove(0);
      forgotten++;
    }
    this.#unprotected = this.#unprotected.filter((id) => streamIdDelta(id, utteranceId) < 0);
    return forgotten;
  }

  /** The connection that carried the lines went away: every line still here must be sent again. */
  connectionLost(): void {
    for (const line of this.#lines) line.sentOn = null;
  }

  /**
   * On a resumed connection, after its welcome's ack was applied: the lines that can no longer be delivered
   * (ended more than the age bound ago, overflowed, or pushed out by the memory bound while unacknowledged) are
   * removed and returned, oldest first; what stays is sent again in order.
   */
  takeUndeliverable(nowMs: number): number[] {
    const lost: number[] = [...this.#unprotected];
    this.#unprotected = [];
    for (let i = 0; i < this.#lines.length; ) {
      const line = this.#lines[i]!;
      const stale = line.endedAtMs !== null && nowMs - line.endedAtMs > this.#maxLineAgeMs;
      if (line.sentOn === null && (stale || line.overflowed)) {
        this.#remove(i);
        lost.push(line.utteranceId);
      } else i++;
    }
    return lost;
  }

  /** Lines waiting for a connection to carry them, in order. */
  unsent(): OutboxLine[] {
    return this.#lines.filter((line) => line.sentOn === null);
  }

  clear(): void {
    this.#lines.length = 0;
    this.#bytes = 0;
    this.#unprotected = [];
  }

  #remove(index: number): void {
    const [line] = this.#lines.splice(index, 1);
    if (line) this.#bytes -= line.bytes;
  }
}
