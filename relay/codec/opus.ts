// Opus at the relay's two edges: uplink packets decode straight to PCM16 16 kHz for Live, Live's PCM16 24 kHz
// encodes straight to Opus for the browser, so the relay never resamples. One codec pair per session (they keep state).
import { Decoder, Encoder } from '@evan/opus';
import {
  DOWNLINK_BITRATE_BPS,
  DOWNLINK_SAMPLE_RATE_HZ,
  DOWNLINK_SAMPLES_PER_FRAME,
  OPUS_FRAME_MS,
  UPLINK_SAMPLE_RATE_HZ,
  UPLINK_SAMPLES_PER_FRAME,
} from '../../shared/constants.js';
import { AppError } from '../../shared/errors.js';
import { opusPacketDurationTenthsMs } from './opus-packet.js';

export const UPLINK_FRAME_BYTES = UPLINK_SAMPLES_PER_FRAME * 2; // 640
export const DOWNLINK_FRAME_BYTES = DOWNLINK_SAMPLES_PER_FRAME * 2; // 960
/** Mid complexity: near-best speech quality at a fraction of the CPU of 10 (this runs per frame, per session). */
export const ENCODER_COMPLEXITY = 5;

export class CodecError extends AppError {
  constructor(message: string) {
    super('frame.bad_codec', message);
    this.name = 'CodecError';
  }
}

export class UplinkDecoder {
  private readonly decoder = new Decoder({ channels: 1, sample_rate: UPLINK_SAMPLE_RATE_HZ });

  /** One 20 ms Opus packet → PCM16 LE mono 16 kHz (a view on fresh memory, no copy). Throws CodecError. */
  decode(packet: Uint8Array): Buffer {
    const durationTenthsMs = opusPacketDurationTenthsMs(packet);
    if (typeof durationTenthsMs === 'string') throw new CodecError(`audio payload is not Opus: ${durationTenthsMs}`);
    if (durationTenthsMs !== OPUS_FRAME_MS * 10) {
      throw new CodecError(`Opus packet holds ${durationTenthsMs / 10} ms of audio, expected ${OPUS_FRAME_MS} ms`);
    }
    let pcm: Uint8Array;
    try {
      pcm = this.decoder.decode(packet);
    } catch (error) {
      throw new CodecError(`Opus decoder rejected the packet: ${(error as Error).message}`);
    }
    if (pcm.byteLength !== UPLINK_FRAME_BYTES) {
      throw new CodecError(
        `Opus packet decoded to ${pcm.byteLength / 2} samples, expected ${UPLINK_SAMPLES_PER_FRAME}`,
      );
    }
    return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  }
}

export class DownlinkEncoder {
  private readonly encoder: Encoder;

  constructor(bitrateBps = DOWNLINK_BITRATE_BPS) {
    this.encoder = new Encoder({ channels: 1, sample_rate: DOWNLINK_SAMPLE_RATE_HZ, application: 'voip' });
    this.encoder.complexity = ENCODER_COMPLEXITY;
    this.encoder.bitrate = bitrateBps;
    this.encoder.signal = 'voice';
  }

  /** Exactly one 20 ms frame of PCM16 LE mono 24 kHz (960 bytes) → one Opus packet. */
  encode(pcmFrame: Uint8Array): Uint8Array {
    if (pcmFrame.byteLength !== DOWNLINK_FRAME_BYTES) {
      throw new CodecError(`encoder needs ${DOWNLINK_FRAME_BYTES} bytes of PCM, got ${pcmFrame.byteLength}`);
    }
    return this.encoder.encode(pcmFrame);
  }

  /** Forget the previous turn's signal so a new turn (or one cut by a barge-in) starts clean. */
  reset(): void {
    this.encoder.reset();
  }
}
