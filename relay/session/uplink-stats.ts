// Per-session uplink figures: frames and bytes, losses from sequence gaps, and interarrival jitter (RFC 3550 §6.4.1
// estimator, in ms, from the sender's timestamps against our arrival clock).
import { seqDelta } from '../../shared/frame.js';

export interface UplinkCounters {
  framesReceived: number;
  framesLost: number;
  framesLate: number;
  framesRejected: number;
  bytesReceived: number;
  jitterMs: number;
}

export class UplinkStats implements UplinkCounters {
  framesReceived = 0;
  framesLost = 0;
  framesLate = 0;
  framesRejected = 0;
  bytesReceived = 0;
  jitterMs = 0;
  private highestSeq = -1;
  private lastArrivalMs: number | null = null;
  private lastSenderTimestampMs = 0;

  /** Records an accepted frame; returns false when it arrived behind a newer one (late/reordered). */
  record(seq: number, senderTimestampMs: number, arrivalMs: number, bytes: number): boolean {
    this.framesReceived++;
    this.bytesReceived += bytes;
    if (this.highestSeq >= 0) {
      const delta = seqDelta(this.highestSeq, seq);
      if (delta <= 0) {
        this.framesLate++;
        // A late frame still recovers one we had counted lost.
        if (this.framesLost > 0) this.framesLost--;
        return false;
      }
      this.framesLost += delta - 1;
    }
    this.highestSeq = seq;
    if (this.lastArrivalMs !== null) {
      // Sender timestamps are a wrapping u32 ms clock; seqDelta gives their signed difference.
      const d = Math.abs(arrivalMs - this.lastArrivalMs - seqDelta(this.lastSenderTimestampMs, senderTimestampMs));
      this.jitterMs += (d - this.jitterMs) / 16;
    }
    this.lastArrivalMs = arrivalMs;
    this.lastSenderTimestampMs = senderTimestampMs;
    return true;
  }

  /** Between utterances the sender's clock keeps running while nothing is sent; do not count that as jitter. */
  resetJitterReference(): void {
    this.lastArrivalMs = null;
  }

  snapshot(): UplinkCounters {
    return {
      framesReceived: this.framesReceived,
      framesLost: this.framesLost,
      framesLate: this.framesLate,
      framesRejected: this.framesRejected,
      bytesReceived: this.bytesReceived,
      jitterMs: Math.round(this.jitterMs * 100) / 100,
    };
  }
}
