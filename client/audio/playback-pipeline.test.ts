// The player's timing path without the browser: JitterBuffer (main thread) → a decode + hand-off
// delay → PlaybackSchedule (audio thread), with the audio thread's `shifted` reports fed back to
// the jitter buffer the way player.ts does. Under a starved main thread every chunk reaches the
// audio thread after its slot; the reply must still play whole.
import { describe, expect, it } from 'vitest';
import {
  JITTER_TARGET_MAX_MS,
  JITTER_TARGET_MIN_MS,
  OPUS_FRAME_MS,
  PLAYBACK_SAMPLE_RATE_HZ,
} from '../../shared/constants.js';
import { type AudioFrame, FrameFlag } from '../../shared/frame.js';
import { JitterBuffer } from './jitter-buffer.js';
import { LATE_SHIFT_MARGIN_MS, type PlaybackEvent, PlaybackSchedule } from './playback-schedule.js';
import { soundRuns } from './sound-runs.js';

const BLOCK_FRAMES = 128;
const FRAMES_PER_MS = PLAYBACK_SAMPLE_RATE_HZ / 1000;
const CHUNK_FRAMES = OPUS_FRAME_MS * FRAMES_PER_MS;
/** player.ts's SCHEDULE_MARGIN_MS: the lead it expects decode + hand-off to fit in. */
const SCHEDULE_MARGIN_MS = 12;
/** Audio thread → main thread message delay. */
const REPORT_DELAY_MS = 3;

function frame(turnId: number, seq: number, flags = 0): AudioFrame {
  return { flags, streamId: turnId, seq, timestampMs: seq * 20, payload: new Uint8Array([seq & 0xff]) };
}

/** What the decoder makes of a frame: 20 ms whose sample values name the turn, frame and sample. */
function decoded(turnId: number, seq: number): Float32Array {
  return Float32Array.from({ length: CHUNK_FRAMES }, (_, i) => sampleValue(turnId, seq, i));
}

function sampleValue(turnId: number, seq: number, i: number): number {
  return turnId * 100_000 + seq * CHUNK_FRAMES + i + 1;
}

function turnSamples(turnId: number, seqs: number[]): number[] {
  return seqs.flatMap((seq) => Array.from({ length: CHUNK_FRAMES }, (_, i) => sampleValue(turnId, seq, i)));
}

interface Arrival {
  atMs: number;
  frame: AudioFrame;
}

/** Paced network arrivals of one reply, 20 ms apart, End on the last frame. */
function reply(turnId: number, frames: number, startMs: number): Arrival[] {
  return Array.from({ length: frames }, (_, seq) => ({
    atMs: startMs + seq * 20,
    frame: frame(turnId, seq, seq === frames - 1 ? FrameFlag.End : 0),
  }));
}

/**
 * Runs main and audio thread side by side one render quantum at a time. `decodeDelayMs(atMs)` is
 * how long a frame scheduled at `atMs` takes to reach the audio thread (a loaded CPU: tens of ms).
 */
function simulate(arrivals: Arrival[], untilMs: number, decodeDelayMs: (atMs: number) => number) {
  const jitterBuffer = new JitterBuffer({
    targetMinMs: JITTER_TARGET_MIN_MS,
    targetMaxMs: JITTER_TARGET_MAX_MS,
    frameMs: OPUS_FRAME_MS,
    scheduleMarginMs: SCHEDULE_MARGIN_MS,
    endTimeoutMs: 1_500,
  });
  const events: PlaybackEvent[] = [];
  const reports: Array<{ atMs: number; event: PlaybackEvent }> = [];
  const audioThread = new PlaybackSchedule({
    shiftMarginFrames: LATE_SHIFT_MARGIN_MS * FRAMES_PER_MS,
    onEvent: (event) => events.push(event),
  });
  const inFlight: Array<{ atMs: number; turnId: number; seq: number; playoutMs: number; shiftMs: number }> = [];
  const drained: Array<{ turnId: number; atMs: number }> = [];
  /** Where the jitter buffer first put each turn. */
  const firstPlayoutMs = new Map<number, number>();
  const untilFrame = untilMs * FRAMES_PER_MS;
  const output = new Float32Array(Math.ceil(untilFrame / BLOCK_FRAMES) * BLOCK_FRAMES);
  const pending = [...arrivals].sort((a, b) => a.atMs - b.atMs);
  let reported = 0;

  for (let blockStart = 0; blockStart < untilFrame; blockStart += BLOCK_FRAMES) {
    const nowMs = blockStart / FRAMES_PER_MS;
    // Main thread: audio-thread reports, network frames, the poll timer.
    for (const { atMs, event } of reports) {
      if (atMs > nowMs || atMs < 0) continue;
      if (event.type === 'shifted') jitterBuffer.shiftTurn(event.turnId, event.shiftFrames / FRAMES_PER_MS);
    }
    for (const report of reports) if (report.atMs <= nowMs) report.atMs = -1;
    const scheduled = [];
    while (pending.length > 0 && (pending[0]?.atMs ?? Number.POSITIVE_INFINITY) <= nowMs) {
      const arrival = pending.shift();
      if (arrival) scheduled.push(...jitterBuffer.push(arrival.frame, nowMs));
    }
    const polled = jitterBuffer.poll(nowMs);
    scheduled.push(...polled.scheduled);
    for (const turnId of polled.drainedTurnIds) drained.push({ turnId, atMs: nowMs });
    for (const { frame, playoutMs, shiftMs } of scheduled) {
      if (!firstPlayoutMs.has(frame.streamId)) firstPlayoutMs.set(frame.streamId, playoutMs);
      inFlight.push({ atMs: nowMs + decodeDelayMs(nowMs), turnId: frame.streamId, seq: frame.seq, playoutMs, shiftMs });
    }
    // Audio thread: messages that have arrived, then one render quantum.
    inFlight.sort((a, b) => a.atMs - b.atMs);
    while (inFlight.length > 0 && (inFlight[0]?.atMs ?? Number.POSITIVE_INFINITY) <= nowMs) {
      const chunk = inFlight.shift();
      if (!chunk) continue;
      audioThread.add({
        turnId: chunk.turnId,
        startFrame: Math.round(chunk.playoutMs * FRAMES_PER_MS),
        samples: decoded(chunk.turnId, chunk.seq),
        shiftFrames: Math.round(chunk.shiftMs * FRAMES_PER_MS),
      });
    }
    const out = new Float32Array(BLOCK_FRAMES);
    audioThread.render(out, blockStart);
    output.set(out, blockStart);
    for (; reported < events.length; reported += 1) {
      const event = events[reported];
      if (event) reports.push({ atMs: nowMs + REPORT_DELAY_MS, event });
    }
  }
  return { output, events, drained, firstPlayoutMs };
}

const SEQS = Array.from({ length: 50 }, (_, i) => i);

describe('partner playback on a starved main thread', () => {
  it('plays a reply whole, slid once, when decode + hand-off always overruns the schedule margin', () => {
    // 80 ms from scheduling to the audio thread: more than the whole lead the jitter buffer gives the first frames.
    const { output, events, drained } = simulate(reply(5, 50, 100), 2_500, () => 80);
    const runs = soundRuns(output);
    expect(runs.map((r) => r.samples.length)).toEqual([50 * CHUNK_FRAMES]);
    expect(runs[0]?.samples).toEqual(turnSamples(5, SEQS));
    // The jitter buffer learned the new anchor: later chunks had room, so the turn slid only once.
    const slid = events.filter((e) => e.type === 'shifted');
    expect(slid).toHaveLength(1);
    expect(events.filter((e) => e.type === 'late')).toHaveLength(1);
    // The turn counts as drained only once its slid audio has played out.
    const lastSampleMs = ((runs[0]?.startFrame ?? 0) + 50 * CHUNK_FRAMES) / FRAMES_PER_MS;
    expect(drained).toHaveLength(1);
    expect(drained[0]?.atMs).toBeGreaterThanOrEqual(lastSampleMs);
    expect(drained[0]?.atMs).toBeLessThan(lastSampleMs + 5);
  });

  it('lets the next reply start without the previous reply’s slide once the CPU recovers', () => {
    const arrivals = [...reply(5, 20, 100), ...reply(6, 20, 1_500)];
    const { output, events, firstPlayoutMs } = simulate(arrivals, 2_500, (atMs) => (atMs < 1_000 ? 80 : 2));
    const runs = soundRuns(output);
    expect(runs.map((r) => r.samples)).toEqual([turnSamples(5, SEQS.slice(0, 20)), turnSamples(6, SEQS.slice(0, 20))]);
    // Turn 6 plays where the jitter buffer first put it: turn 5's slide did not carry over.
    expect(runs[1]?.startFrame).toBe(Math.round((firstPlayoutMs.get(6) ?? 0) * FRAMES_PER_MS));
    expect(firstPlayoutMs.get(6)).toBeLessThan(1_520 + JITTER_TARGET_MAX_MS);
    expect(events.filter((e) => e.type === 'shifted').map((e) => e.turnId)).toEqual([5]);
  });
});
