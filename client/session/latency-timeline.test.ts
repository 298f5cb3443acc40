import { describe, expect, it } from 'vitest';
import { LatencyTimeline, MAX_TIMELINE_ENTRIES } from './latency-timeline.js';

describe('LatencyTimeline', () => {
  it('links a partner turn to the utterance it answers and keeps first/last times', () => {
    const timeline = new LatencyTimeline();
    timeline.captureStarted(100);
    timeline.captureStarted(999);
    timeline.utteranceFrame(1, 1_000);
    timeline.utteranceFrame(1, 1_020);
    timeline.utteranceFrame(1, 1_040);
    timeline.utteranceEnded(1, 1_500);
    timeline.partnerFrame(7, 1_800);
    timeline.partnerFrame(7, 1_820);
    timeline.partnerAudible(7, 1_860);
    timeline.partnerAudible(7, 2_000);

    expect(timeline.captureStartedAtMs).toBe(100);
    expect(timeline.utterances).toEqual([
      { utteranceId: 1, firstFrameCapturedAtMs: 1_000, lastFrameCapturedAtMs: 1_040, endSentAtMs: 1_500 },
    ]);
    expect(timeline.partnerTurns).toEqual([
      { turnId: 7, answersUtteranceId: 1, firstFrameReceivedAtMs: 1_800, audibleAtMs: 1_860 },
    ]);
  });

  it('ignores audibility of a turn it never saw and stays bounded', () => {
    const timeline = new LatencyTimeline();
    timeline.partnerAudible(3, 10);
    expect(timeline.partnerTurns).toEqual([]);
    for (let id = 0; id < MAX_TIMELINE_ENTRIES + 10; id++) timeline.utteranceEnded(id, id);
    expect(timeline.utterances).toHaveLength(MAX_TIMELINE_ENTRIES);
    expect(timeline.utterances[0]?.utteranceId).toBe(10);
  });
});
