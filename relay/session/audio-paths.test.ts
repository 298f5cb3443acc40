// The session's two audio paths with the real Opus codec and frame format. The Upstream here is a recorder of
// our own interface (the SDK itself is exercised against the emulator in relay/live and relay/test).
import { Decoder, Encoder } from '@evan/opus';
import { describe, expect, it } from 'vitest';
import {
  DOWNLINK_SAMPLE_RATE_HZ,
  DOWNLINK_SAMPLES_PER_FRAME,
  UPLINK_SAMPLE_RATE_HZ,
  UPLINK_SAMPLES_PER_FRAME,
} from '../../shared/constants.js';
import { type AudioFrame, decodeFrame, encodeFrame, FrameFlag } from '../../shared/frame.js';
import { sinePcm16 } from '../codec/test-signal.js';
import type { Upstream } from '../live/upstream.js';
import { LatencyHistogram } from '../metrics/histogram.js';
import { PartnerDownlink, type PartnerTurn } from './partner-downlink.js';
import { PlayerUplink, UTTERANCE_TAIL_WAIT_MS } from './player-uplink.js';

function downlinkUnderTest() {
  const frames: AudioFrame[] = [];
  const turns: PartnerTurn[] = [];
  const latency = new LatencyHistogram();
  const downlink = new PartnerDownlink(
    {
      onTurnStart: (turn) => turns.push(turn),
      sendFrame: (bytes) => {
        frames.push(decodeFrame(bytes));
        return true;
      },
    },
    latency,
  );
  return { downlink, frames, turns, latency };
}

describe('PartnerDownlink', () => {
  it('cuts odd-sized PCM chunks into 20 ms Opus frames flagged Start…End', () => {
    const { downlink, frames, turns, latency } = downlinkUnderTest();
    const pcm = sinePcm16(300, DOWNLINK_SAMPLE_RATE_HZ, DOWNLINK_SAMPLES_PER_FRAME * 10); // 200 ms
    for (const [from, to] of [
      [0, 1000],
      [1000, 1001 + 999],
      [2000, pcm.byteLength],
    ] as const) {
      downlink.pushAudio(pcm.subarray(from, to), performance.now());
    }
    expect(turns).toHaveLength(1);
    const finished = downlink.finishTurn();
    expect(finished?.turnId).toBe(turns[0]?.turnId);
    // 10 full frames, then one End frame (silence: nothing was left over).
    expect(frames).toHaveLength(11);
    expect(frames.map((f) => f.flags)).toEqual([FrameFlag.Start, 0, 0, 0, 0, 0, 0, 0, 0, 0, FrameFlag.End]);
    expect(new Set(frames.map((f) => f.streamId))).toEqual(new Set([turns[0]!.turnId]));
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const decoder = new Decoder({ channels: 1, sample_rate: DOWNLINK_SAMPLE_RATE_HZ });
    for (const frame of frames) expect(decoder.decode(frame.payload).byteLength).toBe(DOWNLINK_SAMPLES_PER_FRAME * 2);
    expect(latency.summary().count).toBe(10);
    expect(finished?.framesSent).toBe(11);
  });

  it('after an interruption drops the rest of the turn until the upstream ends it, then starts a new turn', () => {
    const { downlink, frames, turns } = downlinkUnderTest();
    const chunk = sinePcm16(300, DOWNLINK_SAMPLE_RATE_HZ, DOWNLINK_SAMPLES_PER_FRAME * 3);
    downlink.pushAudio(chunk, performance.now());
    const cut = downlink.interruptTurn(true);
    expect(cut?.framesSent).toBe(3);
    downlink.pushAudio(chunk, performance.now());
    expect(downlink.ensureTurn()).toBeNull();
    expect(frames).toHaveLength(3);
    expect(downlink.finishTurn()).toBeNull(); // the upstream's turnComplete for the cut turn
    downlink.pushAudio(chunk, performance.now());
    expect(turns).toHaveLength(2);
    expect(turns[1]!.turnId).not.toBe(turns[0]!.turnId);
    expect(frames.at(-3)!.flags).toBe(FrameFlag.Start);
    expect(frames.at(-1)!.streamId).toBe(turns[1]!.turnId);
  });
});

class RecordingUpstream implements Upstream {
  readonly calls: string[] = [];
  pcmBytes = 0;
  sendAudio(pcm: Buffer): void {
    this.calls.push('audio');
    this.pcmBytes += pcm.byteLength;
  }
  activityStart(): void {
    this.calls.push('start');
  }
  activityEnd(): void {
    this.calls.push('end');
  }
  sendClientContent(): void {
    this.calls.push('content');
  }
  close(): void {
    this.calls.push('close');
  }
}

function uplinkFrames(utteranceId: number, count: number, firstSeq = 0): Uint8Array[] {
  const encoder = new Encoder({ channels: 1, sample_rate: UPLINK_SAMPLE_RATE_HZ, application: 'voip' });
  return Array.from({ length: count }, (_, i) =>
    encodeFrame({
      flags: i === 0 ? FrameFlag.Start : 0,
      streamId: utteranceId,
      seq: firstSeq + i,
      timestampMs: i * 20,
      payload: encoder.encode(sinePcm16(200, UPLINK_SAMPLE_RATE_HZ, UPLINK_SAMPLES_PER_FRAME)),
    }),
  );
}

/** The frame as the browser resends it after a drop (same seq, flagged Resent). */
function resent(frame: Uint8Array): Uint8Array {
  const copy = frame.slice();
  copy[1] = copy[1]! | FrameFlag.Resent;
  return copy;
}

describe('PlayerUplink', () => {
  it('forwards decoded PCM between activityStart and activityEnd', () => {
    const upstream = new RecordingUpstream();
    const uplink = new PlayerUplink(() => upstream, new LatencyHistogram());
    uplink.startUtterance(1);
    for (const frame of uplinkFrames(1, 3)) expect(uplink.handleFrame(frame, performance.now()).ok).toBe(true);
    expect(uplink.endUtterance(1, 3)).toBe(true);
    expect(upstream.calls).toEqual(['start', 'audio', 'audio', 'audio', 'end']);
    expect(upstream.pcmBytes).toBe(3 * UPLINK_SAMPLES_PER_FRAME * 2);
    expect(uplink.stats.snapshot()).toMatchObject({ framesReceived: 3, framesLost: 0 });
  });

  it('waits for tail frames that utterance.end overtook, and drops stale frames', async () => {
    const upstream = new RecordingUpstream();
    const uplink = new PlayerUplink(() => upstream, new LatencyHistogram());
    const frames = uplinkFrames(2, 4);
    uplink.startUtterance(2);
    uplink.handleFrame(frames[0]!, performance.now());
    uplink.endUtterance(2, 4);
    expect(upstream.calls).toEqual(['start', 'audio']);
    uplink.handleFrame(frames[1]!, performance.now());
    uplink.handleFrame(frames[3]!, performance.now());
    uplink.handleFrame(frames[2]!, performance.now());
    expect(upstream.calls).toEqual(['start', 'audio', 'audio', 'audio', 'audio', 'end']);
    // A straggler of the ended utterance goes nowhere.
    uplink.handleFrame(uplinkFrames(2, 1, 10)[0]!, performance.now());
    expect(uplink.framesOutsideUtterance).toBe(1);

    // Frames that never come: activityEnd after the tail wait.
    uplink.startUtterance(3);
    uplink.endUtterance(3, 5);
    expect(upstream.calls.at(-1)).toBe('start');
    await expect.poll(() => upstream.calls.at(-1), { timeout: UTTERANCE_TAIL_WAIT_MS * 10 }).toBe('end');
  });

  it('carries an open line over a connection change: its resend forwards only the frames Live did not get', () => {
    const upstream = new RecordingUpstream();
    const uplink = new PlayerUplink(() => upstream, new LatencyHistogram());
    expect(uplink.carryOver()).toBeNull();
    const frames = uplinkFrames(6, 4);
    uplink.startUtterance(6);
    uplink.handleFrame(frames[0]!, performance.now());
    uplink.handleFrame(frames[1]!, performance.now());
    expect(uplink.carryOver()).toBe(6); // the connection drops mid-line: no activityEnd
    expect(upstream.calls).toEqual(['start', 'audio', 'audio']);
    // The resumed connection resends the whole line, flagged Resent.
    expect(uplink.startUtterance(6)).toBe(false);
    for (const frame of frames) uplink.handleFrame(resent(frame), performance.now());
    expect(uplink.duplicateFrames).toBe(2);
    expect(uplink.endUtterance(6, 4)).toBe(true);
    expect(upstream.calls).toEqual(['start', 'audio', 'audio', 'audio', 'audio', 'end']);
    // Resent frames are not live traffic: loss and jitter figures count the live ones only.
    expect(uplink.stats.snapshot()).toMatchObject({ framesReceived: 2, framesLost: 0 });
  });

  it('a carried-over line the browser moved on from is ended and reported; the new line opens', () => {
    const upstream = new RecordingUpstream();
    const dropped: number[] = [];
    const uplink = new PlayerUplink(() => upstream, new LatencyHistogram(), {
      onCarriedOverDropped: (id) => dropped.push(id),
    });
    uplink.startUtterance(6);
    uplink.handleFrame(uplinkFrames(6, 1)[0]!, performance.now());
    uplink.carryOver();
    // The next line's Start frame beats its utterance.start.
    uplink.handleFrame(uplinkFrames(7, 1, 20)[0]!, performance.now());
    expect(dropped).toEqual([6]);
    expect(uplink.utteranceId).toBe(7);
    expect(upstream.calls).toEqual(['start', 'audio', 'end', 'start', 'audio']);
    // On the same connection a new line still just ends the open one, with no report.
    uplink.startUtterance(8);
    expect(dropped).toEqual([6]);
  });

  it('never forwards a line the session already has (its start and frames are duplicates)', () => {
    const upstream = new RecordingUpstream();
    const uplink = new PlayerUplink(() => upstream, new LatencyHistogram(), { hasLine: (id) => id <= 6 });
    expect(uplink.startUtterance(6)).toBe(false);
    for (const frame of uplinkFrames(6, 3)) uplink.handleFrame(resent(frame), performance.now());
    expect(uplink.utteranceId).toBeNull();
    expect(uplink.duplicateFrames).toBe(3);
    expect(upstream.calls).toEqual([]);
  });

  it('rejects bad frames with their codes and opens an utterance from its Start frame', () => {
    const upstream = new RecordingUpstream();
    const uplink = new PlayerUplink(() => upstream, new LatencyHistogram());
    const tooShort = uplink.handleFrame(new Uint8Array(4), 0);
    expect(!tooShort.ok && tooShort.error.code).toBe('frame.too_short');
    const notOpus = uplink.handleFrame(
      encodeFrame({ flags: FrameFlag.Start, streamId: 4, seq: 0, timestampMs: 0, payload: new Uint8Array([0xff]) }),
      0,
    );
    expect(!notOpus.ok && notOpus.error.code).toBe('frame.bad_codec');
    expect(uplink.handleFrame(uplinkFrames(5, 1)[0]!, 0).ok).toBe(true);
    expect(uplink.utteranceId).toBe(5);
    expect(upstream.calls).toEqual(['start', 'audio']);
  });
});
