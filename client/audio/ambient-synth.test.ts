import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../shared/stage.js';
import { type CrowdSoundKind, type CrowdSoundSpec, chooseCrowdSound, MAX_CROWD_GAIN } from './ambient-choice.js';
import { peakOf, rmsEnvelope } from './ambient-dsp.js';
import {
  laughVoices,
  MAX_CROWD_SOUND_S,
  planCrowdSound,
  CROWD_SYNTH_SAMPLE_RATE_HZ as RATE_HZ,
  renderCrowdSound,
  renderCrowdSoundSliced,
} from './ambient-synth.js';
import { laughPulseOnsetsS } from './ambient-voices.js';

const KINDS: readonly CrowdSoundKind[] = ['laughter', 'chuckle', 'applause', 'murmur', 'groan', 'crickets'];
const spec = (kind: CrowdSoundKind, intensity: number, gain = 0.15): CrowdSoundSpec => ({ kind, intensity, gain });

/** The strongest amplitude-modulation rate (Hz) between 2.5 and 12.5 Hz, from the envelope's autocorrelation. */
function pulseRateHz(samples: Float32Array): number {
  const envelope = rmsEnvelope(samples, RATE_HZ, 10);
  const mean = envelope.reduce((sum, value) => sum + value, 0) / envelope.length;
  let bestScore = -Infinity;
  let bestLag = 0;
  for (let lag = 8; lag <= 40; lag++) {
    let score = 0;
    for (let index = 0; index + lag < envelope.length; index++) {
      score += (envelope[index]! - mean) * (envelope[index + lag]! - mean);
    }
    score /= envelope.length - lag;
    if (score > bestScore) [bestScore, bestLag] = [score, lag];
  }
  return 1000 / (bestLag * 10);
}

/** Zero crossings per second: follows the pitch and formants down as a groan falls. */
function crossingsPerSecond(samples: Float32Array): number {
  let crossings = 0;
  for (let index = 1; index < samples.length; index++) {
    if (samples[index - 1]! < 0 !== samples[index]! < 0) crossings++;
  }
  return (crossings * RATE_HZ) / samples.length;
}

describe('crowd synthesis', () => {
  it('laughs in "ha" pulses at 4–6 per second, one voice or a room of them', () => {
    for (const intensity of [0, 0.3, 0.6]) {
      for (let seed = 1; seed <= 6; seed++) {
        const rate = pulseRateHz(renderCrowdSound(spec('laughter', intensity), { seed }));
        expect(rate, `intensity ${intensity}, seed ${seed}`).toBeGreaterThanOrEqual(4);
        expect(rate, `intensity ${intensity}, seed ${seed}`).toBeLessThanOrEqual(6);
      }
    }
  });

  it('plans several detuned voices for a big laugh and pulses each at 4.5–5.5 Hz', () => {
    const voices = laughVoices(spec('laughter', 1), mulberry32(3));
    expect(voices.length).toBe(8);
    expect(new Set(voices.map((voice) => voice.pitchHz.toFixed(1))).size).toBe(8);
    for (const voice of voices) {
      expect(voice.pulseRateHz).toBeGreaterThanOrEqual(4.5);
      expect(voice.pulseRateHz).toBeLessThanOrEqual(5.5);
      const onsets = laughPulseOnsetsS(voice);
      const meanRateHz = (onsets.length - 1) / onsets[onsets.length - 1]!;
      expect(meanRateHz).toBeGreaterThan(4);
      expect(meanRateHz).toBeLessThanOrEqual(voice.pulseRateHz);
    }
    expect(laughVoices(spec('chuckle', 0.2), mulberry32(3)).length).toBeLessThanOrEqual(2);
  });

  it('never peaks above the chosen gain, and uses most of it', () => {
    for (const kind of KINDS) {
      for (const intensity of [0, 0.5, 1]) {
        for (const seed of [1, 99]) {
          const gain = 0.12;
          const samples = renderCrowdSound(spec(kind, intensity, gain), { seed });
          const label = `${kind} ${intensity} seed ${seed}`;
          expect(samples.length, label).toBeGreaterThan(0.3 * RATE_HZ);
          expect(samples.length, label).toBeLessThanOrEqual(MAX_CROWD_SOUND_S * RATE_HZ);
          expect(peakOf(samples), label).toBeLessThanOrEqual(gain);
          expect(peakOf(samples), label).toBeGreaterThan(gain * 0.99);
          expect(samples.every(Number.isFinite), label).toBe(true);
          // Starts and ends in silence: no click when the buffer starts or stops.
          expect(Math.abs(samples[0]!), label).toBe(0);
          expect(Math.abs(samples[samples.length - 1]!), label).toBeLessThan(gain * 0.01);
        }
      }
    }
    const loudest = chooseCrowdSound({ sentiment: 1, reaction: '*roaring laughter*' });
    expect(peakOf(renderCrowdSound(loudest, { seed: 5 }))).toBeLessThanOrEqual(MAX_CROWD_GAIN);
  });

  it('groans downwards', () => {
    for (const seed of [2, 8, 21]) {
      const samples = renderCrowdSound(spec('groan', 0.7), { seed });
      const third = Math.floor(samples.length / 3);
      const early = crossingsPerSecond(samples.subarray(0, third));
      const late = crossingsPerSecond(samples.subarray(2 * third));
      expect(late, `seed ${seed}`).toBeLessThan(early * 0.85);
    }
  });

  it('claps many times a second for applause, and a handful of times for a lone clapper', () => {
    const onsets = (samples: Float32Array) => {
      const envelope = rmsEnvelope(samples, RATE_HZ, 5);
      const threshold = peakOf(envelope) * 0.3;
      let count = 0;
      for (let index = 1; index < envelope.length; index++) {
        if (envelope[index]! >= threshold && envelope[index - 1]! < threshold) count++;
      }
      return count;
    };
    const lone = renderCrowdSound(spec('applause', 0), { seed: 4 });
    expect(onsets(lone)).toBeGreaterThanOrEqual(3);
    expect(onsets(lone)).toBeLessThanOrEqual(5);
    const crowd = renderCrowdSound(spec('applause', 1), { seed: 4 });
    // Dense: the envelope rarely falls silent between claps.
    const envelope = rmsEnvelope(crowd.subarray(Math.round(0.3 * RATE_HZ), Math.round(1.2 * RATE_HZ)), RATE_HZ, 20);
    const quiet = Array.from(envelope).filter((value) => value < peakOf(envelope) * 0.1).length;
    expect(quiet / envelope.length).toBeLessThan(0.1);
  });

  it('is deterministic per seed and varies between seeds', () => {
    const a = renderCrowdSound(spec('laughter', 0.5), { seed: 11 });
    const b = renderCrowdSound(spec('laughter', 0.5), { seed: 11 });
    const c = renderCrowdSound(spec('laughter', 0.5), { seed: 12 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('renders in small steps with a pause between them, to the same sound', async () => {
    const big = spec('laughter', 1);
    expect(planCrowdSound(big, { seed: 3 }).steps.length).toBeGreaterThanOrEqual(8);
    let pauses = 0;
    const sliced = await renderCrowdSoundSliced(big, { seed: 3 }, async () => {
      pauses++;
    });
    expect(pauses).toBe(planCrowdSound(big, { seed: 3 }).steps.length);
    expect(sliced).toEqual(renderCrowdSound(big, { seed: 3 }));
  });
});
