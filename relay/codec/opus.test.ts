import { Encoder } from '@evan/opus';
import { describe, expect, it } from 'vitest';
import {
  DOWNLINK_SAMPLE_RATE_HZ,
  DOWNLINK_SAMPLES_PER_FRAME,
  UPLINK_SAMPLE_RATE_HZ,
  UPLINK_SAMPLES_PER_FRAME,
} from '../../shared/constants.js';
import { CodecError, DownlinkEncoder, UplinkDecoder } from './opus.js';
import { opusPacketDurationTenthsMs } from './opus-packet.js';
import { rms, sinePcm16, toInt16, zeroCrossingHz } from './test-signal.js';

const FRAMES = 50; // 1 s

function decodeAll(packets: Uint8Array[]): Int16Array {
  const decoder = new UplinkDecoder();
  const chunks = packets.map((p) => toInt16(decoder.decode(p)));
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

describe('DownlinkEncoder → UplinkDecoder', () => {
  it('keeps the energy and frequency of a 24 kHz sine (decoded at 16 kHz)', () => {
    const encoder = new DownlinkEncoder();
    const packets: Uint8Array[] = [];
    for (let f = 0; f < FRAMES; f++) {
      const frame = sinePcm16(
        440,
        DOWNLINK_SAMPLE_RATE_HZ,
        DOWNLINK_SAMPLES_PER_FRAME,
        8000,
        f * DOWNLINK_SAMPLES_PER_FRAME,
      );
      const packet = encoder.encode(frame);
      expect(packet.byteLength).toBeGreaterThan(0);
      expect(packet.byteLength).toBeLessThan(200); // ~32 kbps → ~80 bytes per 20 ms
      packets.push(packet);
    }
    const decoded = decodeAll(packets).subarray(UPLINK_SAMPLE_RATE_HZ / 10); // skip codec warm-up
    const inputRms = 8000 / Math.SQRT2;
    expect(rms(decoded)).toBeGreaterThan(inputRms * 0.7);
    expect(rms(decoded)).toBeLessThan(inputRms * 1.3);
    expect(zeroCrossingHz(decoded, UPLINK_SAMPLE_RATE_HZ)).toBeGreaterThan(430);
    expect(zeroCrossingHz(decoded, UPLINK_SAMPLE_RATE_HZ)).toBeLessThan(450);
  });

  it('rejects PCM that is not exactly one frame', () => {
    expect(() => new DownlinkEncoder().encode(new Uint8Array(100))).toThrow(CodecError);
  });
});

describe('UplinkDecoder', () => {
  it('decodes a 16 kHz browser-style packet to 320 samples', () => {
    const encoder = new Encoder({ channels: 1, sample_rate: UPLINK_SAMPLE_RATE_HZ, application: 'voip' });
    const pcm = decodeAll(
      Array.from({ length: FRAMES }, (_, f) =>
        encoder.encode(
          sinePcm16(300, UPLINK_SAMPLE_RATE_HZ, UPLINK_SAMPLES_PER_FRAME, 6000, f * UPLINK_SAMPLES_PER_FRAME),
        ),
      ),
    );
    expect(pcm.length).toBe(FRAMES * UPLINK_SAMPLES_PER_FRAME);
    expect(zeroCrossingHz(pcm.subarray(1600), UPLINK_SAMPLE_RATE_HZ)).toBeCloseTo(300, -1);
  });

  it('rejects garbage with frame.bad_codec and keeps working afterwards', () => {
    const decoder = new UplinkDecoder();
    const garbage = [
      new Uint8Array(0),
      new Uint8Array([0xff]), // code 3 without a count byte
      new Uint8Array([0xfb, 0x00]), // code 3, zero frames
      new Uint8Array([0x1d, 1, 2]), // code 1 (two frames) with an odd payload
      new Uint8Array([0x02, 0xff, 0xff]), // code 2 frame length past the end
      new Uint8Array([0x18, 1, 2, 3]), // SILK 60 ms: not a 20 ms packet
      new TextEncoder().encode('{"type":"hello"}'), // '{' = config 15 code 3, count 34 frames × 20 ms > 120 ms
    ];
    for (const bytes of garbage) {
      let caught: unknown;
      try {
        decoder.decode(bytes);
      } catch (error) {
        caught = error;
      }
      expect(caught, `payload ${Array.from(bytes)}`).toBeInstanceOf(CodecError);
      expect((caught as CodecError).code).toBe('frame.bad_codec');
    }
    const good = new DownlinkEncoder().encode(sinePcm16(440, DOWNLINK_SAMPLE_RATE_HZ, DOWNLINK_SAMPLES_PER_FRAME));
    expect(decoder.decode(good).byteLength).toBe(UPLINK_SAMPLES_PER_FRAME * 2);
  });

  it('computes packet durations from the TOC byte', () => {
    expect(opusPacketDurationTenthsMs(new Uint8Array([0x08 | 0x0]))).toBe(200); // SILK NB 20 ms, code 0
    expect(opusPacketDurationTenthsMs(new Uint8Array([(28 << 3) | 3, 8]))).toBe(200); // CELT FB 2.5 ms × 8
    expect(opusPacketDurationTenthsMs(new Uint8Array([(18 << 3) | 1, 0, 0]))).toBe(200); // CELT 10 ms × 2
  });
});
