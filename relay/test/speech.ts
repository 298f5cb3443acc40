// Test audio: reads the shared WAV fixtures and turns speech into the Opus frames a browser would send.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Encoder } from '@evan/opus';
import { UPLINK_BITRATE_BPS, UPLINK_SAMPLE_RATE_HZ, UPLINK_SAMPLES_PER_FRAME } from '../../shared/constants.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../../e2e/fixtures/audio/', import.meta.url));

export interface Wav {
  sampleRateHz: number;
  samples: Int16Array;
}

/** Minimal RIFF/WAVE reader for mono PCM16 files. */
export function readWav(path: string): Wav {
  const bytes = readFileSync(path);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path} is not a WAV file`);
  }
  let offset = 12;
  let sampleRateHz = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      const channels = bytes.readUInt16LE(body + 2);
      const bits = bytes.readUInt16LE(body + 14);
      if (channels !== 1 || bits !== 16) throw new Error(`${path}: need mono 16-bit, got ${channels} ch ${bits} bit`);
      sampleRateHz = bytes.readUInt32LE(body + 4);
    } else if (id === 'data') {
      const samples = new Int16Array(size >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(body + 2 * i);
      return { sampleRateHz, samples };
    }
    offset = body + size + (size & 1);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Integer-ratio downsampling with a box filter (enough for speech into a 16 kHz codec). */
export function downsample(samples: Int16Array, fromHz: number, toHz: number): Int16Array {
  const ratio = fromHz / toHz;
  if (!Number.isInteger(ratio)) throw new Error(`cannot downsample ${fromHz} → ${toHz}`);
  const out = new Int16Array(Math.floor(samples.length / ratio));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let j = 0; j < ratio; j++) sum += samples[i * ratio + j]!;
    out[i] = Math.round(sum / ratio);
  }
  return out;
}

/** 16 kHz speech from a fixture, cut to [startS, endS). */
export function fixtureSpeech16k(name: string, startS: number, endS: number): Int16Array {
  const wav = readWav(`${FIXTURES_DIR}${name}`);
  const pcm = downsample(wav.samples, wav.sampleRateHz, UPLINK_SAMPLE_RATE_HZ);
  return pcm.subarray(Math.floor(startS * UPLINK_SAMPLE_RATE_HZ), Math.floor(endS * UPLINK_SAMPLE_RATE_HZ));
}

/** Encodes 16 kHz PCM into 20 ms Opus packets, as the browser's WebCodecs encoder would. */
export function encodeSpeech(pcm16k: Int16Array): Uint8Array[] {
  const encoder = new Encoder({ channels: 1, sample_rate: UPLINK_SAMPLE_RATE_HZ, application: 'voip' });
  encoder.bitrate = UPLINK_BITRATE_BPS;
  const packets: Uint8Array[] = [];
  for (let offset = 0; offset + UPLINK_SAMPLES_PER_FRAME <= pcm16k.length; offset += UPLINK_SAMPLES_PER_FRAME) {
    packets.push(encoder.encode(pcm16k.slice(offset, offset + UPLINK_SAMPLES_PER_FRAME)));
  }
  return packets;
}
