// Audio-thread tap on the mic: cuts the capture stream into gapless 20 ms chunks, each stamped
// with the sample index (`currentFrame`) it started at, and posts them to the main thread for
// the Opus encoder. Runs in an AudioContext at 16 kHz, so the chunks are already the encoder's rate.
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

export interface CaptureChunkMessage {
  type: 'chunk';
  /** Context sample index of samples[0]. */
  startFrame: number;
  samples: Float32Array<ArrayBuffer>;
}

class CaptureTapProcessor extends AudioWorkletProcessor {
  private readonly samplesPerChunk: number;
  private chunk: Float32Array<ArrayBuffer>;
  private filled = 0;
  private chunkStartFrame = 0;
  private stopped = false;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const requested = (options.processorOptions as { samplesPerChunk?: number } | undefined)?.samplesPerChunk;
    this.samplesPerChunk = requested ?? 320;
    this.chunk = new Float32Array(this.samplesPerChunk);
    this.port.onmessage = (event: MessageEvent) => {
      if (event.data === 'stop') this.stopped = true;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const input = inputs[0]?.[0];
    if (!input) return true;
    for (let i = 0; i < input.length; i += 1) {
      if (this.filled === 0) this.chunkStartFrame = currentFrame + i;
      this.chunk[this.filled] = input[i] ?? 0;
      this.filled += 1;
      if (this.filled === this.samplesPerChunk) {
        const message: CaptureChunkMessage = { type: 'chunk', startFrame: this.chunkStartFrame, samples: this.chunk };
        this.port.postMessage(message, [this.chunk.buffer]);
        this.chunk = new Float32Array(this.samplesPerChunk);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('capture-tap', CaptureTapProcessor);
