// Voice activity detection: Silero v5 through vad-web's FrameProcessor (its thresholds,
// redemption, pre-pad and min-speech logic), fed from our own capture tap instead of vad-web's
// MicVAD. Why not MicVAD: it runs frames through the (stateful) model from concurrent async
// message handlers, so under CPU load frames overlap and reorder, and its events carry no
// capture time; measured here, on a loaded 2-core box, its frames lagged in bursts of 300+ ms,
// which put the pre-roll on silence. Fed serially from the tap, every event carries the exact
// capture time of the frame that caused it.
import { FrameProcessor, Message } from '@ricky0123/vad-web';
import type { FrameProcessorEvent } from '@ricky0123/vad-web/dist/frame-processor.js';
import type { Model } from '@ricky0123/vad-web/dist/models/index.js';
import { Silero } from '@ricky0123/vad-web/dist/models/index.js';
import * as ort from 'onnxruntime-web/wasm';

/** Silero v5 works on 512-sample (32 ms) frames at 16 kHz. */
export const VAD_FRAME_SAMPLES = 512;
export const VAD_SAMPLE_RATE_HZ = 16_000;
const VAD_FRAME_MS = (VAD_FRAME_SAMPLES / VAD_SAMPLE_RATE_HZ) * 1000;

export interface SpeechDetectorEvents {
  /** First speech frame; it began at `frameStartMs` on the capture clock. */
  onSpeechStart(frameStartMs: number): void;
  /** Enough speech frames (minSpeechMs): a real utterance, confirmed at `frameEndMs`. */
  onSpeechConfirmed(frameEndMs: number): void;
  onMisfire(): void;
  /** Redemption time of non-speech has passed; decided at `frameEndMs`. */
  onSpeechEnd(frameEndMs: number): void;
}

export interface SpeechDetectorTuning {
  redemptionMs: number;
  preSpeechPadMs: number;
  minSpeechMs: number;
}

export interface SpeechDetector {
  /** 16 kHz mono samples whose first sample was captured at `captureStartMs`, gapless, in order. */
  pushSamples(samples: Float32Array, captureStartMs: number): void;
  close(): void;
}

const models = new Map<string, Promise<Model>>();

/** Loads (once per page) the Silero v5 model and onnxruntime's wasm from `assetBaseUrl`. */
export function loadVadModel(assetBaseUrl: string): Promise<Model> {
  let model = models.get(assetBaseUrl);
  if (!model) {
    ort.env.wasm.wasmPaths = assetBaseUrl;
    ort.env.logLevel = 'error';
    model = Silero.new(ort, () =>
      fetch(`${assetBaseUrl}silero_vad_v5.onnx`).then((response) => {
        if (!response.ok) throw new Error(`VAD model: HTTP ${response.status}`);
        return response.arrayBuffer();
      }),
    ).then(warmUp);
    // A failed load (network, missing asset) may be retried by the next startMic.
    model.catch(() => models.delete(assetBaseUrl));
    models.set(assetBaseUrl, model);
  }
  return model;
}

/** Frames run through the model once before the mic opens. */
const WARM_UP_FRAMES = 4;

// The first inferences compile and tune onnxruntime's wasm and are many times slower than the
// rest; run them on silence now, or the VAD starts the scene seconds behind the microphone.
async function warmUp(model: Model): Promise<Model> {
  const silence = new Float32Array(VAD_FRAME_SAMPLES);
  for (let i = 0; i < WARM_UP_FRAMES; i += 1) await model.process(silence);
  model.reset_state();
  return model;
}

export async function createSpeechDetector(
  assetBaseUrl: string,
  tuning: SpeechDetectorTuning,
  events: SpeechDetectorEvents,
): Promise<SpeechDetector> {
  const model = await loadVadModel(assetBaseUrl);
  model.reset_state();
  const processor = new FrameProcessor(
    model.process,
    model.reset_state,
    { positiveSpeechThreshold: 0.3, negativeSpeechThreshold: 0.25, submitUserSpeechOnPause: false, ...tuning },
    VAD_FRAME_MS,
  );
  processor.resume();

  let frame = new Float32Array(VAD_FRAME_SAMPLES);
  let filled = 0;
  let frameStartMs = 0;
  let closed = false;
  // The model keeps state between frames, so frames go through it strictly one after another.
  let queue: Promise<void> = Promise.resolve();

  const runFrame = (samples: Float32Array, startMs: number) => {
    const endMs = startMs + VAD_FRAME_MS;
    const onEvent = (event: FrameProcessorEvent) => {
      if (closed) return;
      switch (event.msg) {
        case Message.SpeechStart:
          events.onSpeechStart(startMs);
          break;
        case Message.SpeechRealStart:
          events.onSpeechConfirmed(endMs);
          break;
        case Message.VADMisfire:
          events.onMisfire();
          break;
        case Message.SpeechEnd:
          events.onSpeechEnd(endMs);
          break;
        default:
          break;
      }
    };
    queue = queue
      .then(() => (closed ? undefined : processor.process(samples, onEvent)))
      .catch((error: unknown) => console.warn('VAD frame failed', error));
  };

  return {
    pushSamples(samples, captureStartMs) {
      for (let i = 0; i < samples.length; i += 1) {
        if (filled === 0) frameStartMs = captureStartMs + (i / VAD_SAMPLE_RATE_HZ) * 1000;
        frame[filled] = samples[i] ?? 0;
        filled += 1;
        if (filled === VAD_FRAME_SAMPLES) {
          runFrame(frame, frameStartMs);
          frame = new Float32Array(VAD_FRAME_SAMPLES);
          filled = 0;
        }
      }
    },
    close() {
      closed = true;
    },
  };
}
