import { describe, expect, it } from 'vitest';
import { MAX_OPUS_PACKET_BYTES, VAD_PRE_SPEECH_PAD_MS, VAD_REDEMPTION_MS } from '../shared/constants.js';
import { loadCostScene, loadUtteranceClips } from './audio.js';

describe('bench audio', () => {
  it('cuts the cost scene into VAD-padded speech spans and one continuous stream', () => {
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
    expect(Math.abs(scene.continuous.durationMs - scene.sceneDurationMs)).toBeLessThanOrEqual(20);
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
