import { describe, expect, it } from 'vitest';
import { MAX_OPUS_PACKET_BYTES, VAD_PRE_SPEECH_PAD_MS, VAD_REDEMPTION_MS } from '../shared/constants.js';
import { loadCostScene, loadUtteranceClips } from './audio.js';

describe('bench audio', () => {
  it('cuts the cost scene into VAD-padded speech spans and the same turns streamed continuously', () => {
    const scene = loadCostScene('conversation.wav');
    // manifest.json: speech [[1.0, 6.39], [12.39, 16.95], [22.95, 25.72]]
    const spans = [
      [1.0, 6.39],
      [12.39, 16.95],
      [22.95, 25.72],
    ] as const;
    expect(scene.vadSegments).toHaveLength(spans.length);
    scene.vadSegments.forEach(({ atMs, clip }, i) => {
      const [startS, endS] = spans[i]!;
      expect(atMs).toBeCloseTo(startS * 1000 - VAD_PRE_SPEECH_PAD_MS, 0);
      const paddedMs = (endS - startS) * 1000 + VAD_PRE_SPEECH_PAD_MS + VAD_REDEMPTION_MS;
      expect(Math.abs(clip.durationMs - paddedMs)).toBeLessThanOrEqual(20);
    });
    // Continuous: the same number of turns, every sample of the file sent, each turn ending where its VAD twin does.
    expect(scene.continuousTurns).toHaveLength(spans.length);
    const continuousMs = scene.continuousTurns.reduce((sum, clip) => sum + clip.durationMs, 0);
    expect(Math.abs(continuousMs - scene.sceneDurationMs)).toBeLessThanOrEqual(20 * spans.length);
    let endMs = 0;
    scene.continuousTurns.slice(0, -1).forEach((clip, i) => {
      endMs += clip.durationMs;
      const vadEndMs = (spans[i]![1] * 1000 + VAD_REDEMPTION_MS) | 0;
      expect(Math.abs(endMs - vadEndMs)).toBeLessThanOrEqual(20 * (i + 1));
    });
    expect(continuousMs).toBeGreaterThan(scene.vadSegments.reduce((sum, s) => sum + s.clip.durationMs, 0));
  });

  it('encodes every utterance clip as 20 ms Opus packets', () => {
    const clips = loadUtteranceClips();
    expect(clips.length).toBeGreaterThan(0);
    for (const clip of clips) {
      expect(clip.packets.length).toBe(clip.durationMs / 20);
      for (const packet of clip.packets) {
        expect(packet.byteLength).toBeGreaterThan(0);
        expect(packet.byteLength).toBeLessThanOrEqual(MAX_OPUS_PACKET_BYTES);
      }
    }
  });
});
