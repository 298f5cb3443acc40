// Audio-thread player for partner audio. The main thread decodes each frame and posts its PCM
// with the context sample index it must start at (the jitter buffer decides that); this
// processor only copies scheduled chunks to the output, so timing is sample-exact and a
// `clear` silences everything within one render quantum (~3 ms), with a short fade, no click.
// Loaded with Vite's `?worker&url`, so it must stay self-contained (no imports).

// AudioWorkletGlobalScope is not in lib.dom; declare just what this file uses.
declare const currentFrame: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: AudioWorkletNodeOptions);
}
declare function registerProcessor(
  name: string,
  processorCtor: new (options: AudioWorkletNodeOptions) => AudioWorkletProcessor,
): void;

export type PlaybackInMessage =
  | { type: 'schedule'; turnId: number; startFrame: number; samples: Float32Array }
  | { type: 'clear' };

export type PlaybackOutMessage =
  /** The first sample of a turn was rendered at context sample `frame`. */
  | { type: 'started'; turnId: number; frame: number }
  /** A chunk reached the audio thread after (part of) its slot had already played. */
  | { type: 'late'; turnId: number; lateSamples: number }
  /** What a turn has put out so far: sample count and sum of squares, so the page can tell audible from silent. */
  | { type: 'energy'; turnId: number; samples: number; sumSquares: number }
  /** A `clear` took effect on the audio thread at context sample `frame`. */
  | { type: 'cleared'; frame: number };

interface Chunk {
  turnId: number;
  startFrame: number;
  samples: Float32Array;
  rendered: boolean;
}

const FADE_OUT_SAMPLES = 96; // 2 ms at 48 kHz: enough to avoid a click when cut mid-wave
const ENERGY_REPORT_SAMPLES = 4_800; // report output energy every ~100 ms of a turn

class PartnerPlaybackProcessor extends AudioWorkletProcessor {
  /** Sorted by startFrame. */
  private chunks: Chunk[] = [];
  private lastStartedTurnId: number | null = null;
  private lastSample = 0;
  private fadeFrom: number | null = null;
  private energy = { turnId: -1, samples: 0, sumSquares: 0 };

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    this.port.onmessage = (event: MessageEvent<PlaybackInMessage>) => this.onMessage(event.data);
  }

  private onMessage(message: PlaybackInMessage): void {
    if (message.type === 'clear') {
      this.chunks = [];
      this.lastStartedTurnId = null;
      this.fadeFrom = this.lastSample;
      this.reportEnergy();
      this.post({ type: 'cleared', frame: currentFrame });
      return;
    }
    const chunk: Chunk = { ...message, rendered: false };
    let index = this.chunks.length;
    while (index > 0 && (this.chunks[index - 1]?.startFrame ?? 0) > chunk.startFrame) index -= 1;
    this.chunks.splice(index, 0, chunk);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0]?.[0];
    if (!out) return true;
    out.fill(0);
    const blockStart = currentFrame;
    const blockEnd = blockStart + out.length;
    if (this.fadeFrom !== null) {
      for (let i = 0; i < FADE_OUT_SAMPLES && i < out.length; i += 1) {
        out[i] = this.fadeFrom * (1 - i / FADE_OUT_SAMPLES);
      }
      this.fadeFrom = null;
    }
    while (this.chunks.length > 0) {
      const first = this.chunks[0];
      if (!first || first.startFrame + first.samples.length > blockStart) break;
      if (!first.rendered) this.post({ type: 'late', turnId: first.turnId, lateSamples: first.samples.length });
      this.chunks.shift();
    }
    for (const chunk of this.chunks) {
      if (chunk.startFrame >= blockEnd) break;
      const from = Math.max(blockStart, chunk.startFrame);
      const to = Math.min(blockEnd, chunk.startFrame + chunk.samples.length);
      if (to <= from) continue;
      if (!chunk.rendered) {
        chunk.rendered = true;
        if (chunk.startFrame < blockStart) {
          this.post({ type: 'late', turnId: chunk.turnId, lateSamples: blockStart - chunk.startFrame });
        }
        if (this.lastStartedTurnId !== chunk.turnId) {
          this.lastStartedTurnId = chunk.turnId;
          this.post({ type: 'started', turnId: chunk.turnId, frame: from });
        }
      }
      const played = chunk.samples.subarray(from - chunk.startFrame, to - chunk.startFrame);
      out.set(played, from - blockStart);
      this.countEnergy(chunk.turnId, played);
    }
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
