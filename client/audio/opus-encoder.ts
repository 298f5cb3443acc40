// WebCodecs Opus encoder for the uplink: 16 kHz mono PCM in, one 20 ms Opus packet out per
// frame, each stamped with the capture time of its first sample. Browser glue.
import { MicError } from './mic-error.js';
import type { EncodedPacket } from './utterance-gate.js';

export interface OpusEncoderSettings {
  sampleRateHz: number;
  bitrateBps: number;
  frameMs: number;
}

export interface UplinkEncoder {
  /** PCM captured at `captureMs` (capture clock); must be at `sampleRateHz`, or AudioEncoder rejects it. */
  encode(samples: Float32Array<ArrayBuffer>, captureMs: number): void;
  close(): void;
}

export async function createOpusEncoder(
  settings: OpusEncoderSettings,
  onPacket: (packet: EncodedPacket) => void,
): Promise<UplinkEncoder> {
  const config = await pickConfig(settings);
  let closed = false;
  const make = (): AudioEncoder => {
    const encoder = new AudioEncoder({
      output: (chunk) => {
        const payload = new Uint8Array(chunk.byteLength);
        chunk.copyTo(payload);
        onPacket({
          payload,
          captureMs: chunk.timestamp / 1000,
          durationMs: chunk.duration ? chunk.duration / 1000 : settings.frameMs,
        });
      },
      // An encoder error closes it; a fresh one loses a frame or two instead of the whole scene.
      error: (error) => {
        console.warn('mic Opus encoder failed, restarting', error);
        if (!closed) current = make();
      },
    });
    encoder.configure(config);
    return encoder;
  };
  let current = make();
  return {
    encode(samples, captureMs) {
      if (closed || current.state !== 'configured') return;
      const data = new AudioData({
        format: 'f32-planar',
        sampleRate: settings.sampleRateHz,
        numberOfChannels: 1,
        numberOfFrames: samples.length,
        timestamp: Math.round(captureMs * 1000),
        data: samples,
      });
      current.encode(data);
      data.close();
    },
    close() {
      closed = true;
      if (current.state !== 'closed') current.close();
    },
  };
}

/** Full settings first; then without the Opus extras, which older browsers reject. */
async function pickConfig(settings: OpusEncoderSettings): Promise<AudioEncoderConfig> {
  const base: AudioEncoderConfig = {
    codec: 'opus',
    sampleRate: settings.sampleRateHz,
    numberOfChannels: 1,
    bitrate: settings.bitrateBps,
  };
  // `application` is in the WebCodecs Opus registration but not yet in lib.dom's types.
  const opus: OpusEncoderConfig & { application?: 'voip' | 'audio' | 'lowdelay' } = {
    frameDuration: settings.frameMs * 1000,
    complexity: 5,
    application: 'voip',
  };
  for (const candidate of [
    { ...base, opus },
    { ...base, opus: { frameDuration: settings.frameMs * 1000 } },
  ]) {
    const support = await AudioEncoder.isConfigSupported(candidate).catch(() => null);
    if (support?.supported) return candidate;
  }
  throw new MicError(
    'mic.unsupported',
    'This browser cannot encode voice for the scene (no Opus in WebCodecs). Please use a current Chrome or Edge.',
  );
}
