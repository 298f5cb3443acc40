import { describe, expect, it } from 'vitest';
import { type AudioFrame, FrameFlag } from '../../shared/frame.js';
import { UtteranceGate } from './utterance-gate.js';

const FRAME_MS = 20;

function harness(prePadMs = 300, ringMs = 1000) {
  const log: string[] = [];
  const frames: AudioFrame[] = [];
  const ends: Array<{ id: number; count: number }> = [];
  const gate = new UtteranceGate(
    {
      onUtteranceStart: (id) => log.push(`start:${id}`),
      onFrame: (frame) => {
        frames.push(frame);
        log.push(`frame:${frame.seq}`);
      },
      onUtteranceEnd: (id, count) => {
        ends.push({ id, count });
        log.push(`end:${id}`);
      },
    },
    { prePadMs, ringMs, wireTimestampMs: (ms) => ms + 5000 },
  );
  let nextCaptureMs = 0;
  /** Pushes packets covering capture time up to `untilMs`; the payload's first byte is the packet index. */
  const feedUntil = (untilMs: number) => {
    while (nextCaptureMs + FRAME_MS <= untilMs) {
      gate.pushPacket({
        payload: new Uint8Array([nextCaptureMs / FRAME_MS, 0xaa]),
        captureMs: nextCaptureMs,
        durationMs: FRAME_MS,
      });
      nextCaptureMs += FRAME_MS;
    }
  };
  return { gate, frames, ends, log, feedUntil };
}

describe('UtteranceGate', () => {
  it('sends nothing before speech and nothing for a misfire', () => {
    const { gate, frames, log, feedUntil } = harness();
    feedUntil(2000);
    gate.speechStart(1500);
    feedUntil(1600);
    gate.misfire();
    feedUntil(3000);
    expect(frames).toHaveLength(0);
    expect(log).toEqual([]);
  });

  it('opens with at least 200 ms of pre-roll, flags Start/PreRoll, and ends with End', () => {
    const { gate, frames, ends, log, feedUntil } = harness();
    feedUntil(2000);
    gate.speechStart(2000); // first speech frame began at 2000 ms
    feedUntil(2160);
    gate.speechConfirmed(2160);
    expect(log[0]).toBe('start:1');
    feedUntil(3000);
    gate.speechEnd(2900);

    const first = frames[0];
    expect(first).toBeDefined();
    if (!first) return;
    expect(first.flags & FrameFlag.Start).toBe(FrameFlag.Start);
    const firstCaptureMs = first.timestampMs - 5000;
    expect(2000 - firstCaptureMs).toBeGreaterThanOrEqual(200);
    expect(2000 - firstCaptureMs).toBeLessThanOrEqual(300);
    // Everything captured before confirmation is pre-roll; after it, live.
    for (const frame of frames) {
      const captureMs = frame.timestampMs - 5000;
      expect(frame.flags & FrameFlag.PreRoll).toBe(captureMs < 2160 ? FrameFlag.PreRoll : 0);
      expect(frame.streamId).toBe(1);
    }
    // Gapless: consecutive seqs and 20 ms apart, from the pre-roll to the end of captured audio.
    frames.forEach((frame, i) => {
      expect(frame.seq).toBe(i);
      expect(frame.timestampMs - first.timestampMs).toBe(i * FRAME_MS);
    });
    const last = frames.at(-1);
    expect(last?.flags).toBe(FrameFlag.End);
    expect(last?.timestampMs).toBe(5000 + 2980);
    expect(frames.filter((f) => f.flags & FrameFlag.End)).toHaveLength(1);
    expect(ends).toEqual([{ id: 1, count: frames.length }]);
    expect(log.at(-1)).toBe('end:1');
  });

  it('keeps the pre-roll even when confirmation takes longer than the ring', () => {
    const { gate, frames, feedUntil } = harness(300, 500);
    feedUntil(1000);
    gate.speechStart(1000);
    feedUntil(2400); // sparse speech: 1.4 s before the VAD confirms
    gate.speechConfirmed(2400);
    expect(frames[0]?.timestampMs).toBe(5000 + 700);
  });

  it('numbers utterances and continues seq across them without resending audio', () => {
    const { gate, frames, ends, feedUntil } = harness();
    feedUntil(1000);
    gate.speechStart(1000);
    feedUntil(1200);
    gate.speechConfirmed(1200);
    feedUntil(1500);
    gate.speechEnd(1500);
    const firstCount = frames.length;
    // A new utterance starting right away: its 300 ms pre-roll would overlap what was sent.
    gate.speechStart(1520);
    feedUntil(1700);
    gate.speechConfirmed(1700);
    feedUntil(1800);
    gate.speechEnd(1700);
    const second = frames.slice(firstCount);
    expect(second[0]?.streamId).toBe(2);
    expect(second[0]?.seq).toBe(firstCount);
    expect(second[0]?.timestampMs).toBeGreaterThan(frames[firstCount - 1]?.timestampMs ?? 0);
    expect((second[0]?.flags ?? 0) & FrameFlag.Start).toBe(FrameFlag.Start);
    expect(ends.map((e) => e.id)).toEqual([1, 2]);
    expect(ends[1]?.count).toBe(second.length);
  });

  it('puts End on the next packet when speech ends before any packet is held', () => {
    const { gate, frames, ends, feedUntil } = harness();
    gate.speechConfirmed(0); // confirmed with an empty ring
    gate.speechEnd(0);
    expect(frames).toHaveLength(0);
    feedUntil(20);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.flags).toBe(FrameFlag.Start | FrameFlag.End);
    expect(ends).toEqual([{ id: 1, count: 1 }]);
  });

  it('streams on until a packet reaches the speech end when the encoder lags the VAD', () => {
    const { gate, frames, ends, feedUntil } = harness();
    feedUntil(1000);
    gate.speechStart(1000);
    feedUntil(1200);
    gate.speechConfirmed(1400); // the VAD is 200 ms ahead of the encoder
    gate.speechEnd(1500);
    expect(ends).toHaveLength(0);
    feedUntil(2000);
    const last = frames.at(-1);
    expect(last?.flags).toBe(FrameFlag.End);
    expect((last?.timestampMs ?? 0) - 5000 + 20).toBe(1500);
    expect(ends).toEqual([{ id: 1, count: frames.length }]);
    // Audio captured after the end stays home.
    expect(frames.every((f) => f.timestampMs - 5000 < 1500)).toBe(true);
  });

  it('close ends an open utterance with End on the held packet, and is quiet when idle', () => {
    const { gate, frames, ends, feedUntil } = harness();
    feedUntil(1000);
    gate.speechStart(1000);
    feedUntil(1200);
    gate.speechConfirmed(1200);
    feedUntil(1400);
    gate.close();
    expect(frames.at(-1)?.flags).toBe(FrameFlag.End);
    expect(frames.at(-1)?.timestampMs).toBe(5000 + 1380);
    expect(ends).toEqual([{ id: 1, count: frames.length }]);
    gate.close();
    feedUntil(2000);
    expect(ends).toHaveLength(1);
  });

  it('ignores speech end when nothing was confirmed', () => {
    const { gate, frames, ends, feedUntil } = harness();
    feedUntil(500);
    gate.speechStart(400);
    gate.speechEnd(500);
    feedUntil(1000);
    expect(frames).toHaveLength(0);
    expect(ends).toHaveLength(0);
  });
});
