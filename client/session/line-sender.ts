// Every player line goes to the relay through here, in order, whatever the connection does. While connected
// and nothing older waits, a line streams live as it is spoken. A line the connection lost (spoken while
// reconnecting, or cut by a drop) waits in the outbox and, once a resumed connection is up, is sent again whole:
// `utterance.start { resent }`, its frames flagged Resent and paced at RESEND_MAX_SPEEDUP× real time (the lossy
// `audio` channel drops what it cannot buffer, and the relay's uplink limit allows only that much catch-up),
// then `utterance.end`. A line still being spoken catches up and then continues live. Lines the outbox can no
// longer deliver are reported, never dropped silently.
import { OPUS_FRAME_MS, RESEND_MAX_SPEEDUP } from '../../shared/constants.js';
import { FrameFlag } from '../../shared/frame.js';
import type { ClientMessage } from '../../shared/protocol.js';
import { LineOutbox, type LineOutboxOptions, type OutboxLine } from './line-outbox.js';

export interface LineSenderContext {
  now(): number;
  /** The generation of the open, welcomed connection; null while there is none. */
  generation(): number | null;
  send(message: ClientMessage): void;
  sendFrame(frame: Uint8Array): void;
  /** Lines that will never reach the relay (the stage says so, the transcript marks them). */
  onLinesLost(utteranceIds: number[]): void;
  /** A line's utterance.end went out (live or resent), for the reply's voice-to-voice figure. */
  onLineEndSent?(utteranceId: number, atMs: number): void;
}

/** A resend tick every frame's worth of time, with this many frames in it. */
const RESEND_TICK_MS = OPUS_FRAME_MS;

export class LineSender {
  readonly outbox: LineOutbox;
  /** The line streaming live on the current connection (its frames go out as they are captured). */
  #live: number | null = null;
  /** The line being resent, and how many of its frames went out so far. */
  #resending: { line: OutboxLine; generation: number; sentFrames: number } | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  /** Lines sent again after a drop (tests and the instrumentation read it). */
  resentLines = 0;

  constructor(
    private readonly context: LineSenderContext,
    options: LineOutboxOptions = {},
  ) {
    this.outbox = new LineOutbox(options);
  }

  lineStarted(utteranceId: number): void {
    const generation = this.context.generation();
    const goesLive = generation !== null && this.#resending === null && this.outbox.unsent().length === 0;
    this.outbox.start(utteranceId, goesLive ? generation : null);
    if (!goesLive) return;
    this.#live = utteranceId;
    this.context.send({ type: 'utterance.start', utteranceId });
  }

  lineFrame(utteranceId: number, frame: Uint8Array): void {
    const lost = this.outbox.frame(utteranceId, frame, this.context.generation());
    if (lost.length > 0) this.context.onLinesLost(lost.map((line) => line.utteranceId));
    if (this.#live === utteranceId && this.context.generation() !== null) this.context.sendFrame(frame);
  }

  lineEnded(utteranceId: number, frameCount: number): void {
    this.outbox.end(utteranceId, frameCount, this.context.now());
    if (this.#live !== utteranceId) return;
    this.#live = null;
    if (this.context.generation() === null) return;
    this.context.send({ type: 'utterance.end', utteranceId, frameCount });
    this.context.onLineEndSent?.(utteranceId, this.context.now());
  }

  /** `line.ack` from the relay (cumulative). */
  acked(utteranceId: number): void {
    this.outbox.ack(utteranceId);
  }

  /** The connection dropped: whatever it carried that was not acknowledged goes again on the next one. */
  connectionLost(): void {
    this.#stopResend();
    this.#live = null;
    this.outbox.connectionLost();
  }

  /**
   * A resumed connection is up (welcomed). `ackedUpTo` is the relay's cumulative ack from the welcome: lines it
   * already has are forgotten first, lines that can no longer be delivered are reported, the rest go out in order.
   */
  resumed(ackedUpTo: number | undefined): void {
    if (ackedUpTo !== undefined) this.outbox.ack(ackedUpTo);
    const lost = this.outbox.takeUndeliverable(this.context.now());
    if (lost.length > 0) this.context.onLinesLost(lost);
    this.#resendNext();
  }

  /** The scene is over: the lines still waiting will never be sent (reported as lost when `report`). */
  dispose(report: boolean): void {
    this.#stopResend();
    this.#live = null;
    const waiting = this.outbox.unsent().map((line) => line.utteranceId);
    this.outbox.clear();
    if (report && waiting.length > 0) this.context.onLinesLost(waiting);
  }

  #resendNext(): void {
    const generation = this.context.generation();
    const line = this.outbox.unsent()[0];
    if (generation === null || !line) return;
    this.resentLines++;
    this.#resending = { line, generation, sentFrames: 0 };
    this.context.send({ type: 'utterance.start', utteranceId: line.utteranceId, resent: true });
    this.#pump();
    if (this.#resending && this.#timer === null) this.#timer = setInterval(() => this.#pump(), RESEND_TICK_MS);
  }

  /** One tick: up to RESEND_MAX_SPEEDUP frames of the line being resent; then its end, or it goes live. */
  #pump(): void {
    const resending = this.#resending;
    if (!resending) return;
    if (this.context.generation() !== resending.generation) {
      this.#stopResend();
      return;
    }
    const { line } = resending;
    for (let n = 0; n < RESEND_MAX_SPEEDUP && resending.sentFrames < line.frames.length; n++) {
      this.context.sendFrame(asResent(line.frames[resending.sentFrames]!));
      resending.sentFrames++;
    }
    if (resending.sentFrames < line.frames.length) return;
    line.sentOn = resending.generation;
    this.#stopResend();
    if (line.frameCount === null) {
      // Still being spoken: caught up, so the rest of it streams live.
      this.#live = line.utteranceId;
      return;
    }
    this.context.send({ type: 'utterance.end', utteranceId: line.utteranceId, frameCount: line.frameCount });
    this.context.onLineEndSent?.(line.utteranceId, this.context.now());
    this.#resendNext();
  }

  #stopResend(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#resending = null;
  }
}

/** A copy of `frame` flagged Resent (the outbox keeps the original as captured). */
function asResent(frame: Uint8Array): Uint8Array {
  const copy = frame.slice();
  if (copy.byteLength > 1) copy[1] = copy[1]! | FrameFlag.Resent;
  return copy;
}
