// Partner audio from the upstream to the browser: PCM16 24 kHz chunks of any size → 20 ms frames → Opus →
// shared frames (streamId = partner turn id, Start on the first frame, End on the last) → the lossy `audio` channel.
// The MC speaks through the same downlink in turns of its own (speaker 'mc', see mc-speaker.ts): never mixed with
// the partner's, and the partner's audio always wins (it cuts an MC turn that is still talking).
import { encodeFrame, FrameFlag } from '../../shared/frame.js';
import { DOWNLINK_FRAME_BYTES, DownlinkEncoder } from '../codec/opus.js';
import { PcmFramer } from '../codec/pcm-framer.js';
import type { LatencyHistogram } from '../metrics/histogram.js';

export interface PartnerTurn {
  turnId: number;
  /** Who speaks on this downlink turn: the scene partner (default) or the MC. */
  speaker?: 'partner' | 'mc';
  startedAtMs: number;
  startedAt: Date;
  framesSent: number;
  /** performance.now() when the first frame went out; null until then. */
  firstFrameAtMs: number | null;
}

export interface DownlinkSink {
  /** Called before the first frame of a turn goes out (send `partner.start` here). */
  onTurnStart(turn: PartnerTurn): void;
  /** An MC turn was cut because the partner's audio arrived (send `partner.end` interrupted for it here). */
  onMcTurnCut?(turn: PartnerTurn): void;
  sendFrame(frame: Uint8Array): boolean;
}

const SILENT_FRAME = new Uint8Array(DOWNLINK_FRAME_BYTES);

export class PartnerDownlink {
  private readonly encoder = new DownlinkEncoder();
  private readonly framer = new PcmFramer(DOWNLINK_FRAME_BYTES);
  private nextTurnId = 1;
  private seq = 0;
  private turn: PartnerTurn | null = null;
  private pendingStartFlag = false;
  /** After a barge-in, the rest of that turn still arriving from the upstream is dropped until it ends there. */
  private discarding = false;
  framesSent = 0;
  framesDropped = 0;
  private currentReceivedAtMs = 0;
  private readonly sendPcmFrame = (pcmFrame: Uint8Array) => this.sendEncoded(pcmFrame, 0, true);

  constructor(
    private readonly sink: DownlinkSink,
    private readonly latency: LatencyHistogram,
  ) {}

  /**
   * A scene taken over from another instance: the browser already saw turn ids from that instance's downlink
   * (at most one per stored turn, plus one in flight), and its transcript and barge-in gate are keyed by them.
   */
  continueTurnIdsAfter(usedAtMost: number): void {
    this.nextTurnId = (usedAtMost + 1) & 0xffff || 1;
  }

  get currentTurn(): PartnerTurn | null {
    return this.turn;
  }

  get isDiscarding(): boolean {
    return this.discarding;
  }

  /**
   * Starts a partner turn if none is running (also on transcript-before-audio). Null while discarding. An MC turn
   * still talking is cut first: the partner's reply is never delayed by, nor mixed into, the MC's line.
   */
  ensureTurn(): PartnerTurn | null {
    if (this.discarding) return null;
    if (this.turn?.speaker === 'mc') {
      const cut = this.turn;
      this.endTurn();
      this.sink.onMcTurnCut?.(cut);
    }
    return this.turn ?? this.startTurn('partner');
  }

  /** The MC's own turn, or null while another turn (the partner's, or another MC line) is on the downlink. */
  startMcTurn(): PartnerTurn | null {
    return this.turn ? null : this.startTurn('mc');
  }

  /**
   * One 20 ms PCM frame (DOWNLINK_FRAME_BYTES) of an MC turn; `last` flags it End and closes the turn. False when
   * `turn` is no longer on the downlink (cut by a barge-in, the partner's audio or the scene ending).
   */
  sendMcFrame(turn: PartnerTurn, pcmFrame: Uint8Array, last: boolean): boolean {
    if (this.turn !== turn) return false;
    this.sendEncoded(pcmFrame, last ? FrameFlag.End : 0, false);
    if (last) this.endTurn();
    return true;
  }

  private startTurn(speaker: 'partner' | 'mc'): PartnerTurn {
    const turn: PartnerTurn = {
      turnId: this.nextTurnId,
      speaker,
      startedAtMs: performance.now(),
      startedAt: new Date(),
      framesSent: 0,
      firstFrameAtMs: null,
    };
    this.turn = turn;
    this.nextTurnId = (this.nextTurnId + 1) & 0xffff || 1;
    this.pendingStartFlag = true;
    this.sink.onTurnStart(turn);
    return turn;
  }

  /** Upstream PCM (any length); frames are encoded and sent as soon as 20 ms have accumulated. */
  pushAudio(pcm: Uint8Array, receivedAtMs: number): void {
    if (!this.ensureTurn()) return;
    this.currentReceivedAtMs = receivedAtMs;
    this.framer.push(pcm, this.sendPcmFrame);
  }

  /** The upstream finished the turn: send what is left, flagged End. Returns the finished turn, if any. */
  finishTurn(): PartnerTurn | null {
    this.discarding = false;
    const turn = this.turn;
    // An MC line is not the upstream's to finish (its turnComplete may belong to a reply that never spoke).
    if (!turn || turn.speaker === 'mc') return null;
    const rest = this.framer.flush();
    // The last frame carries End even when no audio is left over: one 20 ms frame of silence.
    this.sendEncoded(rest ?? SILENT_FRAME, FrameFlag.End, false);
    this.endTurn();
    return turn;
  }

  /**
   * Stops the current turn now (barge-in or upstream interruption): nothing more of it is sent.
   * `untilUpstreamEnds` keeps dropping its audio until the upstream reports the turn over.
   */
  interruptTurn(untilUpstreamEnds: boolean): PartnerTurn | null {
    const turn = this.turn;
    // Cutting the MC leaves the upstream's next reply alone: there is no upstream turn to drop.
    this.discarding = untilUpstreamEnds && turn !== null && turn.speaker !== 'mc';
    if (!turn) return null;
    this.endTurn();
    return turn;
  }

  /**
   * Drops the model's next reply (to a half-turn the player never finished) until the upstream ends or
   * interrupts it; a turn in progress is cut too. `stopDiscarding` ends this early.
   */
  discardReply(): PartnerTurn | null {
    const turn = this.interruptTurn(true);
    this.discarding = true;
    return turn;
  }

  stopDiscarding(): void {
    this.discarding = false;
  }

  private endTurn(): void {
    this.framer.clear();
    this.encoder.reset();
    this.turn = null;
  }

  private sendEncoded(pcmFrame: Uint8Array, extraFlags: number, measure: boolean): void {
    const turn = this.turn;
    if (!turn) return;
    let flags = extraFlags;
    if (this.pendingStartFlag) {
      flags |= FrameFlag.Start;
      this.pendingStartFlag = false;
    }
    const frame = encodeFrame({
      flags,
      streamId: turn.turnId,
      seq: this.seq,
      timestampMs: Date.now() >>> 0,
      payload: this.encoder.encode(pcmFrame),
    });
    this.seq = (this.seq + 1) >>> 0;
    if (this.sink.sendFrame(frame)) {
      this.framesSent++;
      turn.framesSent++;
      const sentAtMs = performance.now();
      if (turn.firstFrameAtMs === null) turn.firstFrameAtMs = sentAtMs;
      if (measure) this.latency.record(sentAtMs - this.currentReceivedAtMs);
    } else {
      this.framesDropped++;
    }
  }
}
