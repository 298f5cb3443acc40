// One model turn: think, then stream the line's speech in 40 ms chunks on a clock that does not drift,
// with the output transcription alongside. Cancellable at any point (barge-in, close).
import { setTimeout as sleep } from 'node:timers/promises';
import type { LiveServerMessage } from '@google/genai';
import { DOWNLINK_SAMPLE_RATE_HZ } from '../../shared/constants.js';
import type { HabitPlan } from './habits.js';
import type { SpeechPcm } from './tts.js';

export const REPLY_CHUNK_MS = 40;
const BYTES_PER_SAMPLE = 2;
export const REPLY_CHUNK_BYTES = (DOWNLINK_SAMPLE_RATE_HZ * REPLY_CHUNK_MS * BYTES_PER_SAMPLE) / 1000; // 1920
export const REPLY_MIME_TYPE = `audio/pcm;rate=${DOWNLINK_SAMPLE_RATE_HZ}`;

export type ServerMessage = Omit<LiveServerMessage, 'text' | 'data'>;

export interface ReplyPlan {
  line: string;
  /** Resolves to the line's speech; may still be synthesizing when the reply starts. */
  speech: Promise<SpeechPcm>;
  /** Placeholder input transcription, or undefined when not configured or not an audio turn. */
  inputTranscript: string | undefined;
  sendOutputTranscription: boolean;
  thinkMs: number;
  firstByteDelayMs: number;
  realtime: boolean;
  /** Real-habits timing of the transcripts (habits.ts); undefined = tidy. */
  habits?: HabitPlan;
}

export interface ReplyOutcome {
  /** Audio actually sent; less than the line's duration when interrupted. */
  sentAudioMs: number;
  interrupted: boolean;
  /** Output transcription held back for after turnComplete (real habits), with the delay of each piece. */
  tail: { text: string; delayMs: number }[];
}

/** Splits text into pieces whose concatenation is the text: "Yes," " and" " the" … like Live's. */
export function transcriptPieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

export class ReplyStream {
  private readonly abort = new AbortController();
  private sentAudioMs = 0;
  private sentAny = false;
  private heldBack = false;
  private readonly send: (message: ServerMessage) => void;

  constructor(
    private readonly plan: ReplyPlan,
    send: (message: ServerMessage) => void,
  ) {
    this.send = (message) => {
      this.sentAny = true;
      send(message);
    };
  }

  /** True once the reply has sent anything (the player may be hearing it). */
  get started(): boolean {
    return this.sentAny;
  }

  /** Withdrawn before it began (the client sent content without turnComplete): it never happened. */
  get held(): boolean {
    return this.heldBack;
  }

  /** The service waits for more client messages before answering: this reply is withdrawn unsent. */
  hold(): void {
    this.heldBack = true;
    this.abort.abort();
  }

  /** Resolves when the turn is complete or was cancelled; never rejects on cancellation. */
  async run(): Promise<ReplyOutcome> {
    try {
      const tail = await this.stream();
      return { sentAudioMs: this.sentAudioMs, interrupted: false, tail };
    } catch (error) {
      if (this.abort.signal.aborted) return { sentAudioMs: this.sentAudioMs, interrupted: true, tail: [] };
      throw error;
    }
  }

  cancel(): void {
    this.abort.abort();
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  private async stream(): Promise<ReplyOutcome['tail']> {
    const { signal } = this.abort;
    const { plan } = this;
    const habits = plan.habits;
    if (plan.thinkMs > 0) await sleep(plan.thinkMs, undefined, { signal });
    if (plan.inputTranscript !== undefined && !habits) {
      this.send({ serverContent: { inputTranscription: { text: plan.inputTranscript, finished: true } } });
    }
    const pcm = await abortable(plan.speech, signal);
    if (plan.firstByteDelayMs > 0) await sleep(plan.firstByteDelayMs, undefined, { signal });

    const chunkCount = Math.ceil(pcm.length / REPLY_CHUNK_BYTES);
    const pieces = plan.sendOutputTranscription ? transcriptPieces(plan.line) : [];
    let piecesSent = 0;
    // Real habits: the last pieces wait for after turnComplete, the rest lag the audio; input comes in pieces.
    const spokenPieces = pieces.length - (habits?.tailPieces ?? 0);
    const inputPieces = habits?.inputPieces ?? [];
    let inputSent = 0;
    const sendInput = (upTo: number): void => {
      for (; inputSent < Math.min(upTo, inputPieces.length); inputSent++) {
        this.send({ serverContent: { inputTranscription: { text: inputPieces[inputSent]! } } });
      }
    };
    const startMs = performance.now();
    for (let index = 0; index < chunkCount; index++) {
      // Each chunk is due at start + index·40 ms, so scheduling jitter never accumulates.
      const dueMs = startMs + index * REPLY_CHUNK_MS;
      if (plan.realtime && dueMs > performance.now()) await sleep(dueMs - performance.now(), undefined, { signal });
      signal.throwIfAborted();
      const chunk = pcm.subarray(index * REPLY_CHUNK_BYTES, (index + 1) * REPLY_CHUNK_BYTES);
      this.send({
        serverContent: {
          modelTurn: {
            role: 'model',
            parts: [{ inlineData: { mimeType: REPLY_MIME_TYPE, data: chunk.toString('base64') } }],
          },
        },
      });
      this.sentAudioMs += (chunk.length / BYTES_PER_SAMPLE / DOWNLINK_SAMPLE_RATE_HZ) * 1000;
      if (habits) sendInput(Math.floor((index + 1 - habits.inputAfterChunks) / habits.inputGapChunks) + 1);
      // Words are spread evenly over the audio, each sent no earlier than the chunk it starts in.
      const spokenChunks = Math.max(0, index + 1 - (habits?.outputLagChunks ?? 0));
      const piecesDue = Math.min(spokenPieces, Math.ceil((pieces.length * spokenChunks) / chunkCount));
      if (piecesDue > piecesSent) {
        this.send({ serverContent: { outputTranscription: { text: pieces.slice(piecesSent, piecesDue).join('') } } });
        piecesSent = piecesDue;
      }
    }
    sendInput(inputPieces.length);
    if (spokenPieces > piecesSent) {
      this.send({ serverContent: { outputTranscription: { text: pieces.slice(piecesSent, spokenPieces).join('') } } });
    }
    this.send({ serverContent: { generationComplete: true } });
    // Live holds turnComplete until the audio it sent has had time to play out.
    const playedOutMs = startMs + chunkCount * REPLY_CHUNK_MS;
    if (plan.realtime && playedOutMs > performance.now())
      await sleep(playedOutMs - performance.now(), undefined, { signal });
    signal.throwIfAborted();
    return pieces.slice(spokenPieces).map((text, index) => ({ text, delayMs: habits?.tailDelaysMs[index] ?? 0 }));
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
