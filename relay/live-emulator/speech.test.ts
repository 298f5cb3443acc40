// The emulator's voice is real speech: espeak-ng output at 24 kHz, plausible length, loud enough,
// shaped like syllables, and different per Live voice name.
import { afterAll, describe, expect, it } from 'vitest';
import { rmsOf } from './test-client.js';
import { SpeechSynthesizer } from './tts.js';

const SAMPLE_RATE_HZ = 24_000;
const LINE = 'Yes, and the dragon in the basement is finally paying rent.';

/** Median fundamental frequency over loud 40 ms frames, by autocorrelation (60–400 Hz). */
function medianPitchHz(pcm: Buffer): number {
  const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
  const frame = 960;
  const loudness = rmsOf(pcm);
  const pitches: number[] = [];
  for (let start = 0; start + frame * 2 < samples.length; start += frame) {
    let energy = 0;
    for (let i = 0; i < frame; i++) energy += samples[start + i]! ** 2;
    if (Math.sqrt(energy / frame) < loudness) continue;
    let bestLag = 0;
    let best = 0;
    for (let lag = SAMPLE_RATE_HZ / 400; lag <= SAMPLE_RATE_HZ / 60; lag++) {
      let sum = 0;
      for (let i = 0; i < frame; i++) sum += samples[start + i]! * samples[start + i + lag]!;
      if (sum > best) {
        best = sum;
        bestLag = lag;
      }
    }
    if (bestLag > 0) pitches.push(SAMPLE_RATE_HZ / bestLag);
  }
  pitches.sort((a, b) => a - b);
  return pitches[Math.floor(pitches.length / 2)] ?? 0;
}

describe('speech synthesis (espeak-ng wasm)', () => {
  const synthesizer = new SpeechSynthesizer();
  afterAll(() => synthesizer.close());

  it('speaks a line as real speech at 24 kHz', async () => {
    const pcm = await synthesizer.speak(LINE, 'Puck');
    const durationS = pcm.length / 2 / SAMPLE_RATE_HZ;
    const words = LINE.split(' ').length;
    // Conversational speech runs 2–4 words a second.
    expect(durationS).toBeGreaterThan(words / 5);
    expect(durationS).toBeLessThan(words / 1.5);
    expect(rmsOf(pcm)).toBeGreaterThan(500);
    // Syllables and pauses: some 20 ms frames are near-silent, most carry sound.
    const frameBytes = (SAMPLE_RATE_HZ / 50) * 2;
    const frameRms: number[] = [];
    for (let offset = 0; offset + frameBytes <= pcm.length; offset += frameBytes) {
      frameRms.push(rmsOf(pcm.subarray(offset, offset + frameBytes)));
    }
    const loudest = Math.max(...frameRms);
    const quiet = frameRms.filter((rms) => rms < loudest * 0.05).length / frameRms.length;
    expect(quiet).toBeGreaterThan(0.02);
    expect(quiet).toBeLessThan(0.6);
    const pitchHz = medianPitchHz(pcm);
    expect(pitchHz).toBeGreaterThan(70);
    expect(pitchHz).toBeLessThan(350);
  });

  it('caches by voice and text', async () => {
    const first = synthesizer.speak(LINE, 'Puck');
    expect(synthesizer.speak(LINE, 'Puck')).toBe(first);
    expect(await synthesizer.speak(LINE, 'Puck')).toBe(await first);
  });

  it('gives different Live voices different voices (a female voice pitched above a deep male one)', async () => {
    const [charon, kore] = await Promise.all([synthesizer.speak(LINE, 'Charon'), synthesizer.speak(LINE, 'Kore')]);
    expect(charon.equals(kore)).toBe(false);
    expect(medianPitchHz(kore)).toBeGreaterThan(medianPitchHz(charon) * 1.3);
    // Unknown names still get a voice.
    expect(rmsOf(await synthesizer.speak('Yes, and.', 'SomeFutureVoice'))).toBeGreaterThan(500);
  });

  it('speaks text that looks like command-line flags instead of obeying it', async () => {
    const pcm = await synthesizer.speak('--help -v xx, partner', 'Puck');
    expect(pcm.length / 2 / SAMPLE_RATE_HZ).toBeGreaterThan(0.8);
    expect(rmsOf(pcm)).toBeGreaterThan(500);
  });
});
