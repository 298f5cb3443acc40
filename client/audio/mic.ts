// Mic capture → VAD → Opus. Browser glue; what gets sent is decided by utterance-gate.ts.
//
// One AudioContext runs at 16 kHz, so Chromium's own resampler converts the mic once, with proper
// filtering, and AudioEncoder gets the rate it is configured for (it rejects any other):
//   mic ─► MediaStreamAudioSourceNode ─► capture-worklet (gapless 20 ms chunks, sample-stamped)
//            ├─► speech-detector (Silero v5, 32 ms frames) ─► VAD events at exact capture times ─┐
//            └─► AudioEncoder (Opus, 20 ms) ─► encoded packets ─────────────────────────────────┴► gate
// The encoder runs on all audio (a few % of a core) so the pre-roll is already encoded when the
// VAD confirms speech; the gate keeps ~1 s of packets and sends only confirmed utterances.
// vad-web's own MicVAD/worklet is not used; speech-detector.ts says why.
import {
  OPUS_FRAME_MS,
  UPLINK_BITRATE_BPS,
  UPLINK_SAMPLE_RATE_HZ,
  UPLINK_SAMPLES_PER_FRAME,
  VAD_MIN_SPEECH_MS,
  VAD_PRE_SPEECH_PAD_MS,
  VAD_REDEMPTION_MS,
} from '../../shared/constants.js';
import { encodeFrame } from '../../shared/frame.js';
import type { CaptureChunkMessage } from './capture-worklet.js';
import captureWorkletUrl from './capture-worklet.ts?worker&url';
import { LevelMeter } from './level-meter.js';
import { MicError } from './mic-error.js';
import { createOpusEncoder } from './opus-encoder.js';
import { createSpeechDetector, loadVadModel, type SpeechDetector } from './speech-detector.js';
import { UtteranceGate } from './utterance-gate.js';

export { MicError, type MicErrorCode } from './mic-error.js';

export interface MicEvents {
  /** The VAD confirmed speech; pre-roll frames of this utterance follow immediately via onFrame. */
  onUtteranceStart(utteranceId: number): void;
  /** One wire frame (shared/frame.ts encodeFrame: header + one 20 ms Opus packet), streamId = utteranceId. */
  onFrame(frame: Uint8Array): void;
  onUtteranceEnd(utteranceId: number, frameCount: number): void;
  /** Mic level 0..1 for the UI meter, ~20 times a second. */
  onLevel(level: number): void;
  /** Once: the microphone stream opened at `atMs` (performance.now() clock, like frame timestamps). */
  onCaptureStarted?(atMs: number): void;
}

export interface Mic {
  stop(): Promise<void>;
}

/**
 * Silero flags a soft onset ("Wh…") up to ~120 ms after it starts (measured on the fixtures), so
 * the pre-roll reaches this much further back than the VAD's own pad to keep ≥ 200 ms before it.
 */
const PRE_ROLL_EXTRA_MS = 100;
/** Audio kept after the last speech frame, so a word's fading end is not clipped. */
const SPEECH_TAIL_MS = 120;
/** Idle ring of encoded packets: pre-pad plus the VAD's confirmation delay, with room to spare. */
const PRE_ROLL_RING_MS = 1_000;
const DEFAULT_ASSET_BASE_URL = '/vad/';
const LEVEL_WINDOW_SAMPLES = UPLINK_SAMPLE_RATE_HZ / 20;

/**
 * Starts loading the VAD model and onnxruntime wasm (seconds on a slow machine) ahead of
 * startMic, e.g. when the page opens; startMic reuses the load. Never rejects; startMic reports.
 */
export function preloadMic(options: { assetBaseUrl?: string } = {}): Promise<void> {
  return loadVadModel(options.assetBaseUrl ?? DEFAULT_ASSET_BASE_URL).then(
    () => undefined,
    () => undefined,
  );
}

export async function startMic(events: MicEvents, options: { assetBaseUrl?: string } = {}): Promise<Mic> {
  const assetBaseUrl = options.assetBaseUrl ?? DEFAULT_ASSET_BASE_URL;
  if (
    typeof AudioEncoder === 'undefined' ||
    typeof WebAssembly === 'undefined' ||
    typeof AudioWorkletNode === 'undefined' ||
    !navigator.mediaDevices?.getUserMedia
  ) {
    throw new MicError(
      'mic.unsupported',
      'This browser cannot record for the scene. Please use a current Chrome or Edge.',
    );
  }
  // The VAD's callbacks reach the gate through this, once it exists.
  let gate: UtteranceGate | null = null;
  // Load the VAD (model + onnxruntime wasm: seconds on a slow machine) before opening the mic,
  // so speech that starts right after the permission prompt is not lost while it compiles.
  let detector: SpeechDetector;
  try {
    detector = await createSpeechDetector(
      assetBaseUrl,
      { redemptionMs: VAD_REDEMPTION_MS, preSpeechPadMs: VAD_PRE_SPEECH_PAD_MS, minSpeechMs: VAD_MIN_SPEECH_MS },
      {
        onSpeechStart: (frameStartMs) => gate?.speechStart(frameStartMs),
        onSpeechConfirmed: (frameEndMs) => gate?.speechConfirmed(frameEndMs),
        onMisfire: () => gate?.misfire(),
        // The last speech frame ended a redemption period before the decision; keep a short tail after it.
        onSpeechEnd: (frameEndMs) => gate?.speechEnd(frameEndMs - VAD_REDEMPTION_MS + SPEECH_TAIL_MS),
      },
    );
  } catch (error) {
    throw new MicError(
      'mic.unsupported',
      `The voice detector could not load (${errorText(error)}). Check your connection and reload the page.`,
    );
  }

  const cleanups: Array<() => unknown> = [() => detector.close()];
  try {
    const stream = await openMicStream();
    // The device starts capturing when its stream opens (a fake device starts its file then), even
    // though our tap joins a little later.
    events.onCaptureStarted?.(performance.now());
    cleanups.push(() => {
      for (const track of stream.getTracks()) track.stop();
    });
    const context = new AudioContext({ sampleRate: UPLINK_SAMPLE_RATE_HZ, latencyHint: 'interactive' });
    cleanups.push(() => context.close());
    void context.resume();

    let wireOffsetMs: number | null = null;
    const openGate = new UtteranceGate(
      {
        onUtteranceStart: (id) => events.onUtteranceStart(id),
        onFrame: (frame) => events.onFrame(encodeFrame(frame)),
        onUtteranceEnd: (id, count) => events.onUtteranceEnd(id, count),
      },
      {
        prePadMs: VAD_PRE_SPEECH_PAD_MS + PRE_ROLL_EXTRA_MS,
        ringMs: PRE_ROLL_RING_MS,
        // Capture clock → the wire's timestampMs, on the page's performance.now() clock.
        wireTimestampMs: (captureMs) => {
          wireOffsetMs ??= performance.now() - context.currentTime * 1000;
          return captureMs + wireOffsetMs;
        },
      },
    );
    gate = openGate;

    const encoder = await createOpusEncoder(
      { sampleRateHz: UPLINK_SAMPLE_RATE_HZ, bitrateBps: UPLINK_BITRATE_BPS, frameMs: OPUS_FRAME_MS },
      (packet) => openGate.pushPacket(packet),
    );
    cleanups.unshift(() => encoder.close());

    await context.audioWorklet.addModule(captureWorkletUrl);
    const tap = new AudioWorkletNode(context, 'capture-tap', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: 'explicit',
      processorOptions: { samplesPerChunk: UPLINK_SAMPLES_PER_FRAME },
    });
    const meter = new LevelMeter(LEVEL_WINDOW_SAMPLES);
    tap.port.onmessage = (event: MessageEvent<CaptureChunkMessage>) => {
      const { startFrame, samples } = event.data;
      const captureMs = (startFrame / context.sampleRate) * 1000;
      for (const level of meter.push(samples)) events.onLevel(level);
      detector.pushSamples(samples, captureMs);
      encoder.encode(samples, captureMs);
    };
    const source = new MediaStreamAudioSourceNode(context, { mediaStream: stream });
    source.connect(tap);
    cleanups.unshift(() => {
      tap.port.postMessage('stop');
      source.disconnect();
    });

    let stopped = false;
    return {
      async stop() {
        if (stopped) return;
        stopped = true;
        // Mid-utterance: the held packet goes out flagged End, so the relay closes the turn.
        openGate.close();
        gate = null;
        await runCleanups(cleanups);
      },
    };
  } catch (error) {
    await runCleanups(cleanups);
    throw error instanceof MicError
      ? error
      : new MicError(
          'mic.unsupported',
          `The microphone could not be started (${errorText(error)}). Reload the page and try again.`,
        );
  }
}

async function openMicStream(): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      throw new MicError(
        'mic.denied',
        'Microphone access was blocked. Allow the microphone for this site (the icon in the address bar) and try again.',
      );
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError') {
      throw new MicError('mic.unavailable', 'No microphone was found. Plug one in, then try again.');
    }
    if (name === 'NotReadableError' || name === 'AbortError') {
      throw new MicError(
        'mic.unavailable',
        'The microphone is in use by another app or could not be opened. Close the other app, then try again.',
      );
    }
    throw new MicError('mic.unsupported', `The microphone could not be opened (${errorText(error)}).`);
  }
}

async function runCleanups(cleanups: Array<() => unknown>): Promise<void> {
  for (const cleanup of cleanups.splice(0)) {
    try {
      await cleanup();
    } catch (error) {
      console.warn('mic cleanup step failed', error);
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
