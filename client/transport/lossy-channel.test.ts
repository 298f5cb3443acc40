import { describe, expect, it } from 'vitest';
import { OPUS_FRAME_MS, UPLINK_BITRATE_BPS, VAD_PRE_SPEECH_PAD_MS } from '../../shared/constants.js';
import { FRAME_HEADER_BYTES } from '../../shared/frame.js';
import { LossyChannel, type LossyChannelTarget } from './lossy-channel.js';

/** Stands in for RTCDataChannel's send buffer: bytes pile up until `drain` is called. */
class SendBuffer implements LossyChannelTarget {
  bufferedAmount = 0;
  readyState = 'open';
  sent: Uint8Array[] = [];
  send(data: Uint8Array): void {
    this.sent.push(data);
    this.bufferedAmount += data.byteLength;
  }
  drain(bytes = Number.POSITIVE_INFINITY): void {
    this.bufferedAmount = Math.max(0, this.bufferedAmount - bytes);
  }
}

const frame = (bytes: number) => new Uint8Array(bytes);

describe('LossyChannel', () => {
  it('sends while under the watermark and drops (counting) above it', () => {
    const target = new SendBuffer();
    let nowMs = 0;
    const logs: number[] = [];
    const channel = new LossyChannel(target, {
      minWatermarkBytes: 300,
      now: () => nowMs,
      onDropLog: (n) => logs.push(n),
    });
    const results = Array.from({ length: 6 }, () => channel.send(frame(100)));
    // 0,100,200,300 buffered are all <= 300 → sent; then 400 > 300 → dropped.
    expect(results).toEqual([true, true, true, true, false, false]);
    expect(channel.stats()).toMatchObject({ sentFrames: 4, droppedFrames: 2 });
    expect(logs).toEqual([1]);
    target.drain();
    nowMs += 20;
    expect(channel.send(frame(100))).toBe(true);
  });

  it('drops when the channel is not open', () => {
    const target = new SendBuffer();
    target.readyState = 'closing';
    const channel = new LossyChannel(target, { now: () => 0 });
    expect(channel.send(frame(10))).toBe(false);
    expect(target.sent).toHaveLength(0);
    expect(channel.stats().droppedFrames).toBe(1);
  });

  it('retunes the watermark to ~targetLatency worth of the measured byte rate', () => {
    const target = new SendBuffer();
    let nowMs = 0;
    const channel = new LossyChannel(target, { targetLatencyMs: 100, minWatermarkBytes: 100, now: () => nowMs });
    // 50 frames of 400 bytes over one second = 20 kB/s → 2 kB per 100 ms.
    for (let i = 0; i < 50; i++) {
      channel.send(frame(400));
      target.drain();
      nowMs += 20;
    }
    channel.send(frame(400));
    expect(channel.stats().watermarkBytes).toBe(2_000);
    // Idle for a window: the rate falls to zero and the watermark returns to its floor.
    target.drain();
    nowMs += 1_000;
    channel.send(frame(10));
    nowMs += 1_000;
    channel.send(frame(10));
    expect(channel.stats().watermarkBytes).toBe(100);
  });

  it('by default keeps a whole VAD pre-roll burst sent in one go', () => {
    const target = new SendBuffer();
    const channel = new LossyChannel(target, { now: () => 0 });
    const preRollFrames = VAD_PRE_SPEECH_PAD_MS / OPUS_FRAME_MS;
    // A generous VBR frame: 1.5x the nominal packet size.
    const frameBytes = Math.ceil(FRAME_HEADER_BYTES + 1.5 * (UPLINK_BITRATE_BPS / 8) * (OPUS_FRAME_MS / 1000));
    for (let i = 0; i < preRollFrames + 1; i++) expect(channel.send(frame(frameBytes)), `frame ${i}`).toBe(true);
    // ...yet a channel that stopped draining is cut off within about a second of audio.
    let sent = preRollFrames + 1;
    while (channel.send(frame(frameBytes))) sent++;
    expect(sent * OPUS_FRAME_MS).toBeLessThan(1_000);
  });

  it('logs the first drop and every hundredth after it', () => {
    const target = new SendBuffer();
    target.bufferedAmount = 10_000;
    const logs: number[] = [];
    const channel = new LossyChannel(target, { now: () => 0, onDropLog: (n) => logs.push(n) });
    for (let i = 0; i < 250; i++) channel.send(frame(10));
    expect(logs).toEqual([1, 101, 201]);
  });
});
