// Real synthesized speech for the emulator's replies: espeak-ng (wasm) in a worker thread, cached by
// voice and text so a reply never waits on synthesis once its line has been spoken (or pre-warmed).
import { Worker } from 'node:worker_threads';
import { DOWNLINK_SAMPLE_RATE_HZ } from '../../shared/constants.js';
import { type EspeakVoice, espeakVoiceFor } from './voices.js';

interface WorkerReply {
  id?: number;
  ready?: boolean;
  pcm?: ArrayBuffer;
  error?: string;
}

interface PendingJob {
  resolve(pcm: Buffer): void;
  reject(error: Error): void;
}

export class SpeechSynthesisError extends Error {
  readonly code = 'emulator.tts_failed';
}

/** PCM16 LE mono at DOWNLINK_SAMPLE_RATE_HZ (24 kHz), the rate Live answers in. */
export type SpeechPcm = Buffer;

export class SpeechSynthesizer {
  private readonly worker: Worker;
  private readonly cache = new Map<string, Promise<SpeechPcm>>();
  private readonly pending = new Map<number, PendingJob>();
  private nextJobId = 1;
  private closed = false;

  constructor() {
    this.worker = new Worker(new URL('./tts-worker.mjs', import.meta.url));
    // The emulator process must be able to exit while the worker idles.
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.failAll(`speech worker crashed: ${error.message}`));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.failAll(`speech worker exited with code ${code}`);
    });
  }

  /** Speech for `text` in the espeak variant mapped from a Live voice name; cached per voice and text. */
  speak(text: string, voiceName: string | undefined): Promise<SpeechPcm> {
    const voice = espeakVoiceFor(voiceName);
    const key = `${voice.voice}|${voice.pitchPercent}|${voice.wordsPerMinute}|${text}`;
    let speech = this.cache.get(key);
    if (!speech) {
      speech = this.synthesize(text, voice);
      // A failed synthesis is not cached, so a later reply may retry it.
      speech.catch(() => this.cache.delete(key));
      this.cache.set(key, speech);
    }
    return speech;
  }

  /** Synthesizes every line in the background; replies asking for a line meanwhile share its job. */
  warm(lines: readonly string[], voiceName: string | undefined): Promise<void> {
    return Promise.all(lines.map((line) => this.speak(line, voiceName))).then(() => undefined);
  }

  get cachedLineCount(): number {
    return this.cache.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll('speech synthesizer closed');
    await this.worker.terminate();
  }

  private synthesize(text: string, voice: EspeakVoice): Promise<SpeechPcm> {
    if (this.closed) return Promise.reject(new SpeechSynthesisError('speech synthesizer closed'));
    const id = this.nextJobId++;
    return new Promise<SpeechPcm>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive only while a job is in flight.
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, text, ...voice, outputRateHz: DOWNLINK_SAMPLE_RATE_HZ });
    });
  }

  private onReply(reply: WorkerReply): void {
    if (reply.id === undefined) return;
    const job = this.pending.get(reply.id);
    if (!job) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.pcm) job.resolve(Buffer.from(reply.pcm));
    else job.reject(new SpeechSynthesisError(reply.error ?? 'speech worker sent no audio'));
  }

  private failAll(message: string): void {
    for (const job of this.pending.values()) job.reject(new SpeechSynthesisError(message));
    this.pending.clear();
  }
}
