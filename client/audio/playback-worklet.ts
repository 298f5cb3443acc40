// Audio-thread player for partner audio. The main thread decodes each frame and posts its PCM
// with the context sample index it must start at (the jitter buffer decides that); the queue in
// playback-schedule.ts copies scheduled chunks to the output, so timing is sample-exact, and slides
// a turn later when its chunk arrives after its slot. A `clear` silences everything within one
// render quantum (~3 ms), with a short fade, no click.
// Loaded with Vite's `?worker&url`: the build bundles its imports into one file, and dev serves
// it as a module worklet; anything it imports must not touch window or DOM globals.
import { LATE_SHIFT_MARGIN_MS, type PlaybackEvent, PlaybackSchedule } from './playback-schedule.js';

// AudioWorkletGlobalScope is not in lib.dom; declare just what this file uses.
declare const currentFrame: number;
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: AudioWorkletNodeOptions);
}
declare function registerProcessor(
  name: string,
  processorCtor: new (options: AudioWorkletNodeOptions) => AudioWorkletProcessor,
): void;

export type PlaybackInMessage =
  /** `shiftFrames`: the turn's shift (from `shifted`) already counted into `startFrame`. */
  | { type: 'schedule'; turnId: number; startFrame: number; samples: Float32Array; shiftFrames: number }
  /** Barge-in: silence now; later chunks of `cutTurnId` are dropped. */
  | { type: 'clear'; cutTurnId: number | null };

export type PlaybackOutMessage =
  | PlaybackEvent
  /** What a turn has put out so far: sample count and sum of squares, so the page can tell audible from silent. */
  | { type: 'energy'; turnId: number; samples: number; sumSquares: number }
  /** A `clear` took effect on the audio thread at context sample `frame`. */
  | { type: 'cleared'; frame: number };

const FADE_OUT_SAMPLES = 96; // 2 ms at 48 kHz: enough to avoid a click when cut mid-wave
const ENERGY_REPORT_SAMPLES = 4_800; // report output energy every ~100 ms of a turn

class PartnerPlaybackProcessor extends AudioWorkletProcessor {
  private readonly schedule = new PlaybackSchedule({
    shiftMarginFrames: Math.round((LATE_SHIFT_MARGIN_MS / 1000) * sampleRate),
    onEvent: (event) => this.post(event),
    onPlayed: (turnId, played) => this.countEnergy(turnId, played),
  });
  private lastSample = 0;
  private fadeFrom: number | null = null;
  private energy = { turnId: -1, samples: 0, sumSquares: 0 };

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    this.port.onmessage = (event: MessageEvent<PlaybackInMessage>) => this.onMessage(event.data);
  }

  private onMessage(message: PlaybackInMessage): void {
    if (message.type === 'clear') {
      this.schedule.clear(message.cutTurnId);
      this.fadeFrom = this.lastSample;
      this.reportEnergy();
      this.post({ type: 'cleared', frame: currentFrame });
      return;
    }
    this.schedule.add(message);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0]?.[0];
    if (!out) return true;
    out.fill(0);
    if (this.fadeFrom !== null) {
      for (let i = 0; i < FADE_OUT_SAMPLES && i < out.length; i += 1) {
        out[i] = this.fadeFrom * (1 - i / FADE_OUT_SAMPLES);
      }
      this.fadeFrom = null;
    }
    this.schedule.render(out, currentFrame);
    this.lastSample = out[out.length - 1] ?? 0;
    return true;
  }

  private countEnergy(turnId: number, played: Float32Array): void {
    if (this.energy.turnId !== turnId) {
      this.reportEnergy();
      this.energy.turnId = turnId;
    }
    let sumSquares = 0;
    for (let i = 0; i < played.length; i += 1) sumSquares += (played[i] ?? 0) ** 2;
    this.energy.samples += played.length;
    this.energy.sumSquares += sumSquares;
    if (this.energy.samples >= ENERGY_REPORT_SAMPLES) this.reportEnergy();
  }

  private reportEnergy(): void {
    const { turnId, samples, sumSquares } = this.energy;
    if (samples > 0) this.post({ type: 'energy', turnId, samples, sumSquares });
    this.energy = { turnId, samples: 0, sumSquares: 0 };
  }

  private post(message: PlaybackOutMessage): void {
    this.port.postMessage(message);
  }
}

registerProcessor('partner-playback', PartnerPlaybackProcessor);
