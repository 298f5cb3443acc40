import { describe, expect, it } from 'vitest';
import { type AudioFrame, FrameFlag } from '../../shared/frame.js';
import { JitterBuffer, type ScheduledFrame } from './jitter-buffer.js';

const OPTIONS = { targetMinMs: 40, targetMaxMs: 60, frameMs: 20, scheduleMarginMs: 5, endTimeoutMs: 1000 };

function frame(turnId: number, seq: number, flags = 0): AudioFrame {
  // The sender stamps frames 20 ms apart on its own clock (offset 1000 ms from ours).
  return { flags, streamId: turnId, seq, timestampMs: 1000 + seq * 20, payload: new Uint8Array([seq & 0xff]) };
}

/** Feeds frames at given arrival times, polling every ms like the player's timer, and collects the schedule. */
function run(
  jb: JitterBuffer,
  arrivals: Array<{ atMs: number; frame: AudioFrame }>,
  untilMs: number,
  /** Runs at the start of the given ms, before that ms's arrivals (e.g. the audio thread reporting a shift). */
  hooks: Array<{ atMs: number; apply: (jb: JitterBuffer) => void }> = [],
) {
  const scheduled: ScheduledFrame[] = [];
  /** How far ahead of its playout each frame was handed out. */
  const leadsMs: number[] = [];
  const drained: Array<{ turnId: number; atMs: number }> = [];
  const sorted = [...arrivals].sort((a, b) => a.atMs - b.atMs);
  let next = 0;
  for (let nowMs = 0; nowMs <= untilMs; nowMs += 1) {
    for (const hook of hooks) if (hook.atMs === nowMs) hook.apply(jb);
    while (next < sorted.length && (sorted[next]?.atMs ?? Number.POSITIVE_INFINITY) <= nowMs) {
      const arrival = sorted[next];
      if (arrival) {
        const out = jb.push(arrival.frame, nowMs);
        scheduled.push(...out);
        leadsMs.push(...out.map((s) => s.playoutMs - nowMs));
      }
      next += 1;
    }
    const polled = jb.poll(nowMs);
    scheduled.push(...polled.scheduled);
    leadsMs.push(...polled.scheduled.map((s) => s.playoutMs - nowMs));
    for (const turnId of polled.drainedTurnIds) drained.push({ turnId, atMs: nowMs });
  }
  return { scheduled, drained, leadsMs };
}

function paced(turnId: number, count: number, startMs: number, jitter: (i: number) => number = () => 0) {
  return Array.from({ length: count }, (_, i) => ({
    atMs: startMs + i * 20 + jitter(i),
    frame: frame(turnId, 100 + i, i === count - 1 ? FrameFlag.End : i === 0 ? FrameFlag.Start : 0),
  }));
}

describe('JitterBuffer', () => {
  it('starts a paced turn once the target is buffered and plays frames 20 ms apart', () => {
    const jb = new JitterBuffer(OPTIONS);
    const { scheduled, drained, leadsMs } = run(jb, paced(7, 10, 100), 1000);
    expect(scheduled.map((s) => s.frame.seq)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    const firstPlayoutMs = scheduled[0]?.playoutMs ?? 0;
    // 40 ms (two frames) are buffered when the second arrives at 120 ms: play after the 5 ms margin.
    expect(firstPlayoutMs).toBe(125);
    expect(scheduled.map((s) => s.playoutMs)).toEqual(scheduled.map((_, i) => firstPlayoutMs + i * 20));
    // Every frame was handed out at least the schedule margin before its playout time.
    expect(Math.min(...leadsMs)).toBeGreaterThanOrEqual(OPTIONS.scheduleMarginMs);
    expect(drained).toEqual([{ turnId: 7, atMs: firstPlayoutMs + 200 }]);
    expect(jb.stats(1000)).toMatchObject({ underruns: 0, lateFrames: 0, concealedMs: 0, bufferedMs: 0 });
    expect(jb.activeTurnId).toBeNull();
  });

  it('starts a burst at once', () => {
    const jb = new JitterBuffer(OPTIONS);
    const burst = Array.from({ length: 20 }, (_, i) => ({ atMs: 50, frame: frame(3, i) }));
    const { scheduled } = run(jb, burst, 60);
    expect(scheduled[0]?.playoutMs).toBe(55);
    expect(scheduled).toHaveLength(20);
  });

  it('reorders by seq and drops duplicates', () => {
    const jb = new JitterBuffer(OPTIONS);
    const arrivals = [
      { atMs: 0, frame: frame(1, 0) },
      { atMs: 20, frame: frame(1, 2) },
      { atMs: 21, frame: frame(1, 1) },
      { atMs: 22, frame: frame(1, 1) },
      { atMs: 60, frame: frame(1, 4) },
      { atMs: 61, frame: frame(1, 3) },
      { atMs: 80, frame: frame(1, 5, FrameFlag.End) },
    ];
    const { scheduled } = run(jb, arrivals, 400);
    const bySeq = [...scheduled].sort((a, b) => a.playoutMs - b.playoutMs).map((s) => s.frame.seq);
    expect(bySeq).toEqual([0, 1, 2, 3, 4, 5]);
    const playouts = [...scheduled].sort((a, b) => a.frame.seq - b.frame.seq).map((s) => s.playoutMs);
    expect(playouts.map((ms) => ms - (playouts[0] ?? 0))).toEqual([0, 20, 40, 60, 80, 100]);
    expect(jb.stats(400)).toMatchObject({ duplicateFrames: 1, lateFrames: 0, underruns: 0, concealedMs: 0 });
  });

  // 60 ms late: mid-turn straggler; 300 ms late: after the turn drained.
  it.each([60, 300])('drops a frame %i ms late after its slot played and conceals the slot', (delayMs) => {
    const jb = new JitterBuffer(OPTIONS);
    const arrivals = paced(2, 10, 0).map((a) => (a.frame.seq === 103 ? { ...a, atMs: a.atMs + delayMs } : a));
    const { scheduled } = run(jb, arrivals, 600);
    expect(scheduled.map((s) => s.frame.seq)).not.toContain(103);
    expect(jb.stats(600)).toMatchObject({ lateFrames: 1, concealedMs: 20, underruns: 1 });
  });

  it('rebuffers when the stream stalls and counts the underrun', () => {
    const jb = new JitterBuffer(OPTIONS);
    // Frames 0-4 paced, then a 300 ms stall, then 5-9 paced.
    const arrivals = paced(4, 10, 0).map((a, i) => (i >= 5 ? { ...a, atMs: a.atMs + 300 } : a));
    const { scheduled } = run(jb, arrivals, 1200);
    expect(scheduled).toHaveLength(10);
    const after = scheduled.find((s) => s.frame.seq === 105);
    const arrival = arrivals.find((a) => a.frame.seq === 105)?.atMs ?? 0;
    expect(after?.playoutMs).toBeGreaterThanOrEqual(arrival + 40 - 20);
    const stats = jb.stats(1200);
    expect(stats.underruns).toBe(1);
    expect(stats.concealedMs).toBeGreaterThan(200);
    expect(stats.lateFrames).toBe(0);
  });

  it('adapts the target to measured jitter within its bounds', () => {
    const calm = new JitterBuffer(OPTIONS);
    run(calm, paced(1, 100, 0), 3000);
    expect(calm.targetMs).toBe(40);

    const jittery = new JitterBuffer(OPTIONS);
    // ±8 ms of alternating arrival jitter: RFC 3550 jitter converges towards 16 ms.
    run(
      jittery,
      paced(1, 100, 0, (i) => (i % 2 === 0 ? 8 : -8) + 8),
      3000,
    );
    expect(jittery.stats(3000).jitterMs).toBeGreaterThan(10);
    expect(jittery.targetMs).toBe(60);

    const mild = new JitterBuffer(OPTIONS);
    run(
      mild,
      paced(1, 100, 0, (i) => (i % 2 === 0 ? 2 : 0)),
      3000,
    );
    expect(mild.targetMs).toBeGreaterThan(40);
    expect(mild.targetMs).toBeLessThan(60);
  });

  it('plays a short turn at once when its End frame arrives before the target', () => {
    const jb = new JitterBuffer(OPTIONS);
    const { scheduled, drained } = run(jb, [{ atMs: 10, frame: frame(9, 0, FrameFlag.Start | FrameFlag.End) }], 200);
    expect(scheduled[0]?.playoutMs).toBe(15);
    expect(drained).toEqual([{ turnId: 9, atMs: 35 }]);
  });

  it('treats a turn whose End was lost as drained after the quiet timeout', () => {
    const jb = new JitterBuffer(OPTIONS);
    const arrivals = paced(5, 5, 0).slice(0, 4); // the End frame is lost
    const { drained } = run(jb, arrivals, 2000);
    expect(drained).toEqual([{ turnId: 5, atMs: 60 + 1000 }]);
  });

  it('queues the next turn after the current one', () => {
    const jb = new JitterBuffer(OPTIONS);
    const burstA = Array.from({ length: 10 }, (_, i) => ({ atMs: 0, frame: frame(1, i, i === 9 ? FrameFlag.End : 0) }));
    const burstB = Array.from({ length: 3 }, (_, i) => ({ atMs: 10, frame: frame(2, 10 + i) }));
    const { scheduled } = run(jb, [...burstA, ...burstB], 50);
    const endA = Math.max(...scheduled.filter((s) => s.frame.streamId === 1).map((s) => s.playoutMs + 20));
    const startB = Math.min(...scheduled.filter((s) => s.frame.streamId === 2).map((s) => s.playoutMs));
    expect(startB).toBe(endA);
  });

  it('interrupt clears the queue, reports what played, and ignores the rest of the turn', () => {
    const jb = new JitterBuffer(OPTIONS);
    const arrivals = paced(6, 50, 0);
    const { scheduled } = run(jb, arrivals.slice(0, 20), 300);
    const firstPlayoutMs = scheduled[0]?.playoutMs ?? 0;
    expect(jb.stats(300).bufferedMs).toBeGreaterThan(0);
    const cut = jb.interrupt(300);
    expect(cut).toEqual({ turnId: 6, playedMs: 300 - firstPlayoutMs });
    expect(jb.activeTurnId).toBeNull();
    expect(jb.stats(300).bufferedMs).toBe(0);
    const later = arrivals.slice(20).flatMap((a) => jb.push(a.frame, a.atMs));
    expect(later).toEqual([]);
    // Dropped on purpose, so not counted as network-late.
    expect(jb.stats(2000).lateFrames).toBe(0);
    expect(jb.poll(2000)).toEqual({ scheduled: [], drainedTurnIds: [] });
    // The next turn plays normally.
    expect(run(jb, [{ atMs: 0, frame: frame(7, 500, FrameFlag.End) }], 10).scheduled).toHaveLength(1);
    expect(jb.interrupt(3000).turnId).toBe(7);
    expect(jb.interrupt(3000)).toEqual({ turnId: null, playedMs: 0 });
  });

  it('interrupt cuts every queued turn: a late frame of an older one does not start it again', () => {
    const jb = new JitterBuffer(OPTIONS);
    // Turn 3 is still playing (no End yet) when turn 4 queues behind it.
    const older = paced(3, 20, 0).slice(0, 10);
    const newer = paced(4, 20, 100).slice(0, 10);
    run(jb, [...older, ...newer], 250);
    expect(jb.interrupt(250).turnId).toBe(4);
    const straggler = paced(3, 20, 0)[10]!;
    expect(jb.push(straggler.frame, 260)).toEqual([]);
    expect(jb.activeTurnId).toBeNull();
    expect(jb.stats(260).lateFrames).toBe(0);
  });

  describe('when the audio thread slid a turn later (shiftTurn)', () => {
    const SHIFT_MS = 50;

    it('schedules the rest of the turn on the new anchor and drains at the slid end', () => {
      const jb = new JitterBuffer(OPTIONS);
      const arrivals = paced(2, 10, 100);
      // Frame 108 arrives after its first-scheduled slot but before its slid one: it must still play.
      const frame108 = arrivals.find((a) => a.frame.seq === 108);
      if (frame108) frame108.atMs += 45;
      const { scheduled, drained } = run(jb, arrivals, 1000, [{ atMs: 150, apply: (b) => b.shiftTurn(2, SHIFT_MS) }]);
      const firstPlayoutMs = 125;
      expect(scheduled.map((s) => s.frame.seq)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 109, 108]);
      const bySeq = [...scheduled].sort((a, b) => a.frame.seq - b.frame.seq);
      // Frames scheduled before the report keep their slot (the audio thread adds the shift to them itself);
      // later ones carry it, and say so.
      expect(
        bySeq.map((s) => [s.frame.seq, s.playoutMs - firstPlayoutMs - (s.frame.seq - 100) * 20, s.shiftMs]),
      ).toEqual([
        [100, 0, 0],
        [101, 0, 0],
        [102, 0, 0],
        [103, SHIFT_MS, SHIFT_MS],
        [104, SHIFT_MS, SHIFT_MS],
        [105, SHIFT_MS, SHIFT_MS],
        [106, SHIFT_MS, SHIFT_MS],
        [107, SHIFT_MS, SHIFT_MS],
        [108, SHIFT_MS, SHIFT_MS],
        [109, SHIFT_MS, SHIFT_MS],
      ]);
      // Drained when the slid audio has played out, not when the first schedule would have.
      expect(drained).toEqual([{ turnId: 2, atMs: firstPlayoutMs + 200 + SHIFT_MS }]);
      expect(jb.stats(1000)).toMatchObject({ lateFrames: 0, underruns: 0, concealedMs: 0 });
    });

    it('still drops stale frames of the slid turn once it ended', () => {
      const jb = new JitterBuffer(OPTIONS);
      run(jb, paced(2, 10, 100), 1000, [{ atMs: 150, apply: (b) => b.shiftTurn(2, SHIFT_MS) }]);
      expect(jb.push(frame(2, 104), 1001)).toEqual([]);
      expect(jb.push(frame(2, 110), 1002)).toEqual([]);
      expect(jb.stats(1002).lateFrames).toBe(2);
      expect(jb.activeTurnId).toBeNull();
    });

    it('queues the next turn after the slid tail', () => {
      const jb = new JitterBuffer(OPTIONS);
      const burstA = Array.from({ length: 10 }, (_, i) => ({
        atMs: 0,
        frame: frame(1, i, i === 9 ? FrameFlag.End : 0),
      }));
      const burstB = Array.from({ length: 3 }, (_, i) => ({ atMs: 20, frame: frame(2, 10 + i) }));
      const { scheduled } = run(jb, [...burstA, ...burstB], 60, [{ atMs: 10, apply: (b) => b.shiftTurn(1, SHIFT_MS) }]);
      const endA = Math.max(...scheduled.filter((s) => s.frame.streamId === 1).map((s) => s.playoutMs + 20));
      const startB = Math.min(...scheduled.filter((s) => s.frame.streamId === 2).map((s) => s.playoutMs));
      expect(startB).toBe(endA + SHIFT_MS);
    });

    it('reports only audio that played when the slid turn is interrupted', () => {
      const jb = new JitterBuffer(OPTIONS);
      const { scheduled } = run(jb, paced(6, 50, 0).slice(0, 20), 300, [
        { atMs: 100, apply: (b) => b.shiftTurn(6, SHIFT_MS) },
      ]);
      const firstPlayoutMs = scheduled[0]?.playoutMs ?? 0;
      expect(jb.interrupt(300)).toEqual({ turnId: 6, playedMs: 300 - firstPlayoutMs - SHIFT_MS });
    });

    it('ignores a stale smaller total, an unknown turn, and a turn not yet started', () => {
      const jb = new JitterBuffer(OPTIONS);
      jb.push(frame(1, 0), 0);
      jb.shiftTurn(1, SHIFT_MS); // not started: nothing of it reached the audio thread
      jb.shiftTurn(99, SHIFT_MS);
      const started = jb.push(frame(1, 1), 20);
      expect(started.map((s) => [s.playoutMs, s.shiftMs])).toEqual([
        [25, 0],
        [45, 0],
      ]);
      jb.shiftTurn(1, SHIFT_MS);
      jb.shiftTurn(1, SHIFT_MS - 10);
      expect(jb.push(frame(1, 2), 40)).toEqual([{ frame: frame(1, 2), playoutMs: 65 + SHIFT_MS, shiftMs: SHIFT_MS }]);
    });
  });
});
