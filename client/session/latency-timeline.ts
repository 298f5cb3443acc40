// When each hop of a turn happened, on the page's performance.now() clock, so a test (or a curious
// player) can split voice-to-voice latency into VAD hangover, relay + model, and playout.

export interface UtteranceTiming {
  utteranceId: number;
  /** Capture time of the utterance's first frame sent (pre-roll included). */
  firstFrameCapturedAtMs: number | null;
  /** Capture time of its last frame sent (the VAD's hangover included). */
  lastFrameCapturedAtMs: number | null;
  /** When `utterance.end` went to the relay. */
  endSentAtMs: number | null;
}

export interface PartnerTurnTiming {
  turnId: number;
  /** The utterance this turn answers (the last one that ended before it). */
  answersUtteranceId: number | null;
  firstFrameReceivedAtMs: number;
  audibleAtMs: number | null;
}

/** Bounded: a long scene keeps the latest entries only. */
export const MAX_TIMELINE_ENTRIES = 64;

export class LatencyTimeline {
  /** performance.now() of the first captured microphone sample; null until the mic runs. */
  captureStartedAtMs: number | null = null;
  readonly utterances: UtteranceTiming[] = [];
  readonly partnerTurns: PartnerTurnTiming[] = [];
  #lastEndedUtteranceId: number | null = null;

  captureStarted(atMs: number): void {
    this.captureStartedAtMs ??= atMs;
  }

  utteranceFrame(utteranceId: number, capturedAtMs: number): void {
    const utterance = this.#utterance(utteranceId);
    utterance.firstFrameCapturedAtMs ??= capturedAtMs;
    utterance.lastFrameCapturedAtMs = capturedAtMs;
  }

  utteranceEnded(utteranceId: number, atMs: number): void {
    this.#utterance(utteranceId).endSentAtMs = atMs;
    this.#lastEndedUtteranceId = utteranceId;
  }

  partnerFrame(turnId: number, atMs: number): void {
    if (this.partnerTurns.some((turn) => turn.turnId === turnId)) return;
    push(this.partnerTurns, {
      turnId,
      answersUtteranceId: this.#lastEndedUtteranceId,
      firstFrameReceivedAtMs: atMs,
      audibleAtMs: null,
    });
  }

  partnerAudible(turnId: number, atMs: number): void {
    const turn = this.partnerTurns.find((entry) => entry.turnId === turnId);
    if (turn && turn.audibleAtMs === null) turn.audibleAtMs = atMs;
  }

  #utterance(utteranceId: number): UtteranceTiming {
    let utterance = this.utterances.find((entry) => entry.utteranceId === utteranceId);
    if (!utterance) {
      utterance = { utteranceId, firstFrameCapturedAtMs: null, lastFrameCapturedAtMs: null, endSentAtMs: null };
      push(this.utterances, utterance);
    }
    return utterance;
  }
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_TIMELINE_ENTRIES) list.shift();
}
