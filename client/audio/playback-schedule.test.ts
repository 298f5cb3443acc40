import { describe, expect, it } from 'vitest';
import { type PlaybackChunk, type PlaybackEvent, PlaybackSchedule } from './playback-schedule.js';
import { soundRuns } from './sound-runs.js';

const CHUNK_FRAMES = 960; // 20 ms at 48 kHz
const BLOCK_FRAMES = 128; // one render quantum
const MARGIN_FRAMES = 1_920; // 40 ms

/** Sample values are distinct integers (exact in float32), so the output shows which sample played where. */
function chunk(turnId: number, index: number, startFrame: number, shiftFrames = 0): PlaybackChunk {
  const samples = new Float32Array(CHUNK_FRAMES);
  for (let i = 0; i < CHUNK_FRAMES; i += 1) samples[i] = sampleValue(turnId, index, i);
  return { turnId, startFrame, samples, shiftFrames };
}

function sampleValue(turnId: number, index: number, i: number): number {
  return turnId * 100_000 + index * CHUNK_FRAMES + i + 1;
}

function turnSamples(turnId: number, indexes: number[]): number[] {
  return indexes.flatMap((index) => Array.from({ length: CHUNK_FRAMES }, (_, i) => sampleValue(turnId, index, i)));
}

interface Delivery {
  /** Context frame at which the message reaches the audio thread. */
  atFrame: number;
  chunk: PlaybackChunk | ((events: PlaybackEvent[]) => PlaybackChunk);
}

/** Runs the audio thread: messages due before a render quantum are handled before it, as in a real worklet. */
function play(
  deliveries: Delivery[],
  untilFrame: number,
  extra?: (schedule: PlaybackSchedule, blockStart: number) => void,
) {
  const events: PlaybackEvent[] = [];
  const schedule = new PlaybackSchedule({ shiftMarginFrames: MARGIN_FRAMES, onEvent: (e) => events.push(e) });
  const output = new Float32Array(Math.ceil(untilFrame / BLOCK_FRAMES) * BLOCK_FRAMES);
  const pending = [...deliveries].sort((a, b) => a.atFrame - b.atFrame);
  for (let blockStart = 0; blockStart < untilFrame; blockStart += BLOCK_FRAMES) {
    while (pending.length > 0 && (pending[0]?.atFrame ?? Number.POSITIVE_INFINITY) <= blockStart) {
      const next = pending.shift();
      if (next) schedule.add(typeof next.chunk === 'function' ? next.chunk(events) : next.chunk);
    }
    extra?.(schedule, blockStart);
    const out = new Float32Array(BLOCK_FRAMES);
    schedule.render(out, blockStart);
    output.set(out, blockStart);
  }
  return { output, events, schedule };
}

const shifts = (events: PlaybackEvent[]) => events.filter((e) => e.type === 'shifted');
const lates = (events: PlaybackEvent[]) => events.filter((e) => e.type === 'late');

describe('PlaybackSchedule', () => {
  const TURN_START = 4_800;
  const slot = (index: number) => TURN_START + index * CHUNK_FRAMES;
  const ALL = Array.from({ length: 10 }, (_, i) => i);

  it('plays chunks that arrive on time at their scheduled samples', () => {
    const { output, events } = play(
      ALL.map((i) => ({ atFrame: 0, chunk: chunk(1, i, slot(i)) })),
      20_000,
    );
    expect(soundRuns(output)).toEqual([{ startFrame: TURN_START, samples: turnSamples(1, ALL) }]);
    expect(events).toEqual([{ type: 'started', turnId: 1, frame: TURN_START }]);
  });

  // The main thread either never hears of the shift in time, or hears of it after chunk 2 was scheduled.
  it.each([
    ['never learns the shift', false],
    ['learns the shift after two chunks', true],
  ])('slides a turn whose every chunk arrives late and plays it whole, in order (main thread %s)', (_name, learns) => {
    const LATE_FRAMES = 1_000;
    const deliveries: Delivery[] = ALL.map((i) => ({
      atFrame: slot(i) + LATE_FRAMES,
      chunk: (events) => {
        const known = learns && i >= 2 ? (shifts(events).at(-1)?.shiftFrames ?? 0) : 0;
        return chunk(1, i, slot(i) + known, known);
      },
    }));
    const { output, events } = play(deliveries, 30_000);
    const [shift, ...moreShifts] = shifts(events);
    expect(moreShifts).toEqual([]);
    // Lateness is seen at the first render quantum after delivery, then the margin is added.
    const lateSamples = Math.ceil((slot(0) + LATE_FRAMES) / BLOCK_FRAMES) * BLOCK_FRAMES - slot(0);
    expect(shift).toEqual({
      type: 'shifted',
      turnId: 1,
      shiftFrames: lateSamples + MARGIN_FRAMES,
      byFrames: lateSamples + MARGIN_FRAMES,
    });
    // One run: every sample, in order, with no gap between chunks.
    expect(soundRuns(output)).toEqual([
      { startFrame: TURN_START + (shift?.shiftFrames ?? 0), samples: turnSamples(1, ALL) },
    ]);
    expect(lates(events)).toEqual([{ type: 'late', turnId: 1, lateSamples, dropped: false }]);
    expect(events.find((e) => e.type === 'started')).toEqual({
      type: 'started',
      turnId: 1,
      frame: TURN_START + (shift?.shiftFrames ?? 0),
    });
  });

  it('slides again when the chunks fall further behind, leaving only the slides as gaps', () => {
    // Each chunk is delivered 2 000 frames later than the one before would need: a worsening stall.
    const deliveries = ALL.map((i) => ({ atFrame: slot(i) + 500 + i * 2_000, chunk: chunk(1, i, slot(i)) }));
    const { output, events } = play(deliveries, 60_000);
    const runs = soundRuns(output);
    // Every sample, in order.
    expect(runs.flatMap((r) => r.samples)).toEqual(turnSamples(1, ALL));
    const slid = shifts(events);
    expect(slid.length).toBeGreaterThan(1);
    expect(slid.length).toBe(runs.length);
    // The silence before the turn and between its runs is exactly what the slides added.
    let expectedStart = TURN_START;
    runs.forEach((run, i) => {
      expectedStart += slid[i]?.byFrames ?? Number.NaN;
      expect(run.startFrame).toBe(expectedStart);
      expectedStart += run.samples.length;
    });
    expect(slid.at(-1)?.shiftFrames).toBe(slid.reduce((sum, s) => sum + (s.type === 'shifted' ? s.byFrames : 0), 0));
  });

  it('plays a partially late turn on time up to the stall, then slid by the lateness', () => {
    // Chunks 0-3 are queued early; 4-9 come in one burst after a stall, 300 frames after chunk 4's slot.
    const deliveries = ALL.map((i) => ({ atFrame: i < 4 ? 0 : slot(4) + 300, chunk: chunk(1, i, slot(i)) }));
    const { output, events } = play(deliveries, 30_000);
    const slid = shifts(events);
    expect(slid).toHaveLength(1);
    const byFrames = slid[0]?.type === 'shifted' ? slid[0].byFrames : Number.NaN;
    expect(soundRuns(output)).toEqual([
      { startFrame: TURN_START, samples: turnSamples(1, [0, 1, 2, 3]) },
      { startFrame: slot(4) + byFrames, samples: turnSamples(1, [4, 5, 6, 7, 8, 9]) },
    ]);
    expect(lates(events)).toHaveLength(1);
  });

  it('plays a chunk that arrives mid-slot from its first sample, not just its tail', () => {
    const startFrame = 4_800; // mid render quantum: block 4 736..4 864
    const { output, events } = play([{ atFrame: startFrame + 10, chunk: chunk(1, 0, startFrame) }], 10_000);
    expect(soundRuns(output)).toEqual([{ startFrame: 4_864 + MARGIN_FRAMES, samples: turnSamples(1, [0]) }]);
    expect(lates(events)).toEqual([{ type: 'late', turnId: 1, lateSamples: 64, dropped: false }]);
  });

  it('drops a straggler whose later audio already played, without sliding the turn', () => {
    // Chunk 5 was reordered behind 6 and 7 and only reaches the audio thread while 6 plays.
    const deliveries = ALL.map((i) => ({ atFrame: i === 5 ? slot(6) + 200 : 0, chunk: chunk(1, i, slot(i)) }));
    const { output, events } = play(deliveries, 30_000);
    expect(soundRuns(output)).toEqual([
      { startFrame: TURN_START, samples: turnSamples(1, [0, 1, 2, 3, 4]) },
      { startFrame: slot(6), samples: turnSamples(1, [6, 7, 8, 9]) },
    ]);
    expect(shifts(events)).toEqual([]);
    expect(lates(events)).toEqual([
      {
        type: 'late',
        turnId: 1,
        lateSamples: Math.ceil((slot(6) + 200) / BLOCK_FRAMES) * BLOCK_FRAMES - slot(5),
        dropped: true,
      },
    ]);
  });

  it('after a barge-in, drops the cut turn’s later chunks, late or not, and plays the next turn', () => {
    const CUT_AT = slot(2) + 100;
    const NEXT_START = 20_000;
    const deliveries: Delivery[] = [
      ...[0, 1, 2, 3, 4].map((i) => ({ atFrame: 0, chunk: chunk(1, i, slot(i)) })),
      // Decoded before the cut but delivered after it: some late, some on time.
      ...[5, 6, 7, 8, 9].map((i) => ({ atFrame: CUT_AT + 200 + (i - 5) * 2_000, chunk: chunk(1, i, slot(i)) })),
      ...[0, 1, 2].map((i) => ({ atFrame: NEXT_START - 1_000, chunk: chunk(2, i, NEXT_START + i * CHUNK_FRAMES) })),
    ];
    let cut = false;
    const { output, events } = play(deliveries, 30_000, (schedule, blockStart) => {
      if (!cut && blockStart >= CUT_AT) {
        schedule.clear(1);
        cut = true;
      }
    });
    const cutBlock = Math.ceil(CUT_AT / BLOCK_FRAMES) * BLOCK_FRAMES;
    expect(soundRuns(output)).toEqual([
      { startFrame: TURN_START, samples: turnSamples(1, ALL).slice(0, cutBlock - TURN_START) },
      { startFrame: NEXT_START, samples: turnSamples(2, [0, 1, 2]) },
    ]);
    expect(shifts(events)).toEqual([]);
    expect(lates(events)).toEqual([]);
  });

  it('slides the turn queued behind a late turn, so the two never overlap', () => {
    // Turn 2 is queued right behind turn 1's tail; turn 1's first chunk is late.
    const TURN2_START = slot(4);
    const deliveries = [
      ...[1, 2, 3].map((i) => ({ atFrame: 0, chunk: chunk(1, i, slot(i)) })),
      ...[0, 1].map((i) => ({ atFrame: 0, chunk: chunk(2, i, TURN2_START + i * CHUNK_FRAMES) })),
      { atFrame: slot(0) + 100, chunk: chunk(1, 0, slot(0)) },
    ];
    const { output, events } = play(deliveries, 30_000);
    const [shift1, shift2] = shifts(events);
    expect(shift1).toMatchObject({ turnId: 1 });
    expect(shift2).toMatchObject({ turnId: 2, shiftFrames: shift1?.type === 'shifted' ? shift1.shiftFrames : -1 });
    expect(soundRuns(output)).toEqual([
      {
        startFrame: TURN_START + (shift1?.type === 'shifted' ? shift1.shiftFrames : 0),
        samples: [...turnSamples(1, [0, 1, 2, 3]), ...turnSamples(2, [0, 1])],
      },
    ]);
  });

  it('starts a new turn after the slid tail it was anchored on, before the main thread heard of the slide', () => {
    const TURN2_START = slot(3); // the end of turn 1 as first scheduled
    const deliveries = [
      ...[0, 1, 2].map((i) => ({ atFrame: slot(0) + 500, chunk: chunk(1, i, slot(i)) })),
      ...[0, 1].map((i) => ({ atFrame: slot(1), chunk: chunk(2, i, TURN2_START + i * CHUNK_FRAMES) })),
    ];
    const { output, events } = play(deliveries, 30_000);
    const slid = shifts(events);
    expect(slid.map((s) => s.turnId)).toEqual([1, 2]);
    expect(slid[1]).toMatchObject({ shiftFrames: slid[0]?.type === 'shifted' ? slid[0].shiftFrames : -1 });
    expect(soundRuns(output)).toEqual([
      {
        startFrame: TURN_START + (slid[0]?.type === 'shifted' ? slid[0].shiftFrames : 0),
        samples: [...turnSamples(1, [0, 1, 2]), ...turnSamples(2, [0, 1])],
      },
    ]);
  });
});
