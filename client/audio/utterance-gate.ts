// Decides which encoded mic packets leave the browser. Every 20 ms packet of the mic goes in
// (the encoder runs continuously so the pre-roll is already encoded when speech is confirmed);
// only confirmed utterances come out, as wire frames with Start/PreRoll/End flags.
// Pure: no DOM, no timers; the capture clock is whatever the caller uses, in ms.
import { type AudioFrame, FrameFlag } from '../../shared/frame.js';

export interface EncodedPacket {
  payload: Uint8Array;
  /** Capture time of the packet's first sample, ms on the capture clock. */
  captureMs: number;
  durationMs: number;
}

export interface UtteranceGateEvents {
  onUtteranceStart(utteranceId: number): void;
  onFrame(frame: AudioFrame): void;
  onUtteranceEnd(utteranceId: number, frameCount: number): void;
}

export interface UtteranceGateOptions {
  /** Audio kept from before the VAD's first speech frame, so the first syllable survives. */
  prePadMs: number;
  /** How much encoded audio the idle ring keeps; must exceed prePadMs plus the VAD's confirmation delay. */
  ringMs: number;
  /** Maps a capture time to the frame's wire timestampMs (default: the capture time itself). */
  wireTimestampMs?: (captureMs: number) => number;
}

type GateState = 'idle' | 'pending' | 'speaking';

export class UtteranceGate {
  private state: GateState = 'idle';
  private ring: EncodedPacket[] = [];
  private speechStartMs = 0;
  private confirmedAtMs = 0;
  /** Packet held back one step while speaking so speech end can flag it End without waiting for the encoder. */
  private held: EncodedPacket | null = null;
  /** Set once the VAD ended the utterance: capture time the last frame must reach. */
  private endAtMs: number | null = null;
  private nextSeq = 0;
  private utteranceCounter = 0;
  private utteranceId = 0;
  private framesInUtterance = 0;
  /** End of the last packet sent, so a quick next utterance never resends audio as its pre-roll. */
  private sentUntilMs = Number.NEGATIVE_INFINITY;
  private readonly wireTimestampMs: (captureMs: number) => number;

  constructor(
    private readonly events: UtteranceGateEvents,
    private readonly options: UtteranceGateOptions,
  ) {
    this.wireTimestampMs = options.wireTimestampMs ?? ((ms) => ms);
  }

  get speaking(): boolean {
    return this.state === 'speaking';
  }

  /** Next packet from the encoder, in capture order. */
  pushPacket(packet: EncodedPacket): void {
    if (this.state !== 'speaking') {
      this.ring.push(packet);
      this.trimRing(packet.captureMs + packet.durationMs);
      return;
    }
    if (this.endAtMs !== null) {
      // Speech ended before the encoder caught up: stream on until a packet reaches the end.
      const reachesEnd = packet.captureMs + packet.durationMs >= this.endAtMs;
      this.emit(packet, reachesEnd ? FrameFlag.End : 0);
      if (reachesEnd) this.finish();
      return;
    }
    if (this.held) this.emit(this.held, 0);
    this.held = packet;
  }

  /** The VAD saw its first speech frame, which began at `speechStartMs` (capture clock). */
  speechStart(speechStartMs: number): void {
    if (this.state !== 'idle') return;
    this.state = 'pending';
    this.speechStartMs = speechStartMs;
  }

  /** The VAD confirmed the pending speech (enough speech frames): open the utterance and flush the pre-roll. */
  speechConfirmed(confirmedAtMs: number): void {
    if (this.state === 'speaking') return;
    if (this.state === 'idle') this.speechStartMs = confirmedAtMs;
    this.state = 'speaking';
    this.confirmedAtMs = confirmedAtMs;
    this.endAtMs = null;
    this.framesInUtterance = 0;
    this.utteranceCounter += 1;
    this.utteranceId = ((this.utteranceCounter - 1) % 0xffff) + 1;
    this.events.onUtteranceStart(this.utteranceId);
    const fromMs = Math.max(this.speechStartMs - this.options.prePadMs, this.sentUntilMs);
    const preRoll = this.ring.filter((p) => p.captureMs + p.durationMs > fromMs);
    this.ring = [];
    const last = preRoll.pop();
    for (const packet of preRoll) this.emit(packet, 0);
    this.held = last ?? null;
  }

  /** Blip shorter than the VAD's minimum speech: nothing was sent, nothing will be. */
  misfire(): void {
    if (this.state === 'pending') this.state = 'idle';
  }

  /**
   * The VAD decided speech is over; audio captured up to `speechEndMs` belongs to the utterance.
   * Normally the held packet already reaches that far and goes out as End at once; if the encoder
   * lags (a loaded CPU), packets keep flowing until one reaches `speechEndMs`.
   */
  speechEnd(speechEndMs: number): void {
    if (this.state === 'pending') {
      this.state = 'idle';
      return;
    }
    if (this.state !== 'speaking') return;
    this.endAtMs = speechEndMs;
    const held = this.held;
    if (!held) return;
    this.held = null;
    if (held.captureMs + held.durationMs >= speechEndMs) {
      this.emit(held, FrameFlag.End);
      this.finish();
    } else {
      this.emit(held, 0);
    }
  }

  /** The mic is stopping: end any open utterance now, with End on the held packet if there is one. */
  close(): void {
    if (this.state === 'speaking') {
      const held = this.held;
      this.held = null;
      if (held) this.emit(held, FrameFlag.End);
      this.finish();
    }
    this.state = 'idle';
    this.ring = [];
  }

  private emit(packet: EncodedPacket, extraFlags: number): void {
    let flags = extraFlags;
    if (this.framesInUtterance === 0) flags |= FrameFlag.Start;
    if (packet.captureMs < this.confirmedAtMs) flags |= FrameFlag.PreRoll;
    this.framesInUtterance += 1;
    this.sentUntilMs = packet.captureMs + packet.durationMs;
    const frame: AudioFrame = {
      flags,
      streamId: this.utteranceId,
      seq: this.nextSeq,
      timestampMs: Math.round(this.wireTimestampMs(packet.captureMs)) >>> 0,
      payload: packet.payload,
    };
    this.nextSeq = (this.nextSeq + 1) >>> 0;
    this.events.onFrame(frame);
  }

  private finish(): void {
    const id = this.utteranceId;
    const count = this.framesInUtterance;
    this.state = 'idle';
    this.endAtMs = null;
    this.held = null;
    this.events.onUtteranceEnd(id, count);
  }

  private trimRing(latestEndMs: number): void {
    // While speech is pending, keep everything back to its pre-roll, however long confirmation takes.
    const keepFromMs =
      this.state === 'pending' ? this.speechStartMs - this.options.prePadMs : latestEndMs - this.options.ringMs;
    let drop = 0;
    while (drop < this.ring.length) {
      const packet = this.ring[drop];
      if (!packet || packet.captureMs + packet.durationMs > keepFromMs) break;
      drop += 1;
    }
    if (drop > 0) this.ring.splice(0, drop);
  }
}
