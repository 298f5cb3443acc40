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

export class SpeechSynthesisError extends Error {
  readonly code = 'emulator.tts_failed';
}

/** PCM16 LE mono at DOWNLINK_SAMPLE_RATE_HZ (24 kHz), the rate Live answers in. */
export type SpeechPcm = Buffer;

/** `urgent` jobs (a reply is waiting) run before `background` ones (pre-warming). */
export type SynthesisPriority = 'urgent' | 'background';

interface QueuedJob {
  key: string;
  text: string;
  voice: EspeakVoice;
  resolve(pcm: SpeechPcm): void;
  reject(error: Error): void;
}

export class SpeechSynthesizer {
  private worker: Worker;
  private readonly cache = new Map<string, Promise<SpeechPcm>>();
  private readonly urgent: QueuedJob[] = [];
  private readonly background: QueuedJob[] = [];
  private inFlight: (QueuedJob & { id: number }) | undefined;
  private nextJobId = 1;
  private closed = false;
  private broken: string | undefined;

  constructor() {
    this.worker = this.startWorker();
  }

  private startWorker(): Worker {
    const worker = new Worker(new URL('./tts-worker.mjs', import.meta.url));
    let ready = false;
    // The emulator process must be able to exit while the worker idles.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      if (reply.ready) ready = true;
      this.onReply(reply);
    });
    worker.on('error', (error) => this.failInFlight(`speech worker crashed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.closed) return;
      if (!ready) {
        // A worker that cannot even load espeak-ng would fail again: give up rather than respawn forever.
        this.broken = `speech worker failed to start (exit code ${code})`;
        this.failAll(this.broken);
        return;
      }
      // Only the job that crashed it fails; queued jobs go to a fresh worker.
      this.failInFlight(`speech worker exited with code ${code}`);
      this.worker = this.startWorker();
      this.pump();
    });
    return worker;
  }

  /** Speech for `text` in the espeak variant mapped from a Live voice name; cached per voice and text. */
  speak(text: string, voiceName: string | undefined, priority: SynthesisPriority = 'urgent'): Promise<SpeechPcm> {
    const voice = espeakVoiceFor(voiceName);
    const key = `${voice.voice}|${voice.pitchPercent}|${voice.wordsPerMinute}|${text}`;
    const cached = this.cache.get(key);
    if (cached) {
      if (priority === 'urgent') this.promote(key);
      return cached;
    }
    const speech = new Promise<SpeechPcm>((resolve, reject) => {
      if (this.closed || this.broken) {
        reject(new SpeechSynthesisError(this.broken ?? 'speech synthesizer closed'));
        return;
      }
      (priority === 'urgent' ? this.urgent : this.background).push({ key, text, voice, resolve, reject });
    });
    // A failed synthesis is not cached, so a later reply may retry it.
    speech.catch(() => this.cache.delete(key));
    this.cache.set(key, speech);
    this.pump();
    return speech;
  }

  /** Queues every line in the background; a reply asking for one meanwhile moves it to the front. */
  warm(lines: readonly string[], voiceName: string | undefined): Promise<void> {
    return Promise.all(lines.map((line) => this.speak(line, voiceName, 'background'))).then(() => undefined);
  }

  /** Lines synthesized or queued so far. */
  get cachedLineCount(): number {
    return this.cache.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll('speech synthesizer closed');
    await this.worker.terminate();
  }

  private promote(key: string): void {
    const index = this.background.findIndex((job) => job.key === key);
    if (index >= 0) this.urgent.push(...this.background.splice(index, 1));
  }

  // One job at a time in the worker, so an urgent job waits for at most one synthesis (~150 ms).
  private pump(): void {
    if (this.inFlight || this.closed || this.broken) return;
    const job = this.urgent.shift() ?? this.background.shift();
    if (!job) {
      this.worker.unref();
      return;
    }
    this.worker.ref();
    this.inFlight = { ...job, id: this.nextJobId++ };
    this.worker.postMessage({
      id: this.inFlight.id,
      text: job.text,
      ...job.voice,
      outputRateHz: DOWNLINK_SAMPLE_RATE_HZ,
    });
  }

  private onReply(reply: WorkerReply): void {
    const job = this.inFlight;
    if (reply.id === undefined || !job || job.id !== reply.id) return;
    this.inFlight = undefined;
    if (reply.pcm) job.resolve(Buffer.from(reply.pcm));
    else job.reject(new SpeechSynthesisError(reply.error ?? 'speech worker sent no audio'));
    this.pump();
  }

  private failInFlight(message: string): void {
    const job = this.inFlight;
    this.inFlight = undefined;
    job?.reject(new SpeechSynthesisError(message));
  }

  private failAll(message: string): void {
    const jobs = [...this.urgent.splice(0), ...this.background.splice(0)];
    if (this.inFlight) jobs.push(this.inFlight);
    this.inFlight = undefined;
    for (const job of jobs) job.reject(new SpeechSynthesisError(message));
  }
}
