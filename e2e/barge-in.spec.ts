// Barge-in end to end (barge-in.wav: the player talks over the partner): a real Chromium whose microphone is a fixture WAV, the built client,
// real WebRTC to the relay, the Live emulator answering with synthesized speech.
import { expect, test } from '@playwright/test';
import {
  AUDIBLE_MIN_PLAYED_MS,
  AUDIBLE_MIN_RMS,
  micFrom,
  playback,
  probe,
  startScene,
  transcriptEntries,
} from './fixtures.js';

test.use(micFrom('barge-in.wav'));
test('the reply is cut short and the second utterance gets its own reply', async ({ page }) => {
  await startScene(page);

  await expect.poll(async () => (await probe(page)).bargeIns, { timeout: 45_000, intervals: [100] }).toBe(1);
  // Playback stops within 100 ms of the barge-in, measured on the audio thread.
  await expect
    .poll(async () => (await playback(page)).lastInterruptToSilenceMs ?? Number.POSITIVE_INFINITY, { timeout: 2_000 })
    .toBeLessThan(100);

  // Both utterances reached the relay, and the second one was answered in full.
  await expect(transcriptEntries(page, 'player')).toHaveCount(2, { timeout: 30_000 });
  await expect(transcriptEntries(page, 'partner')).toHaveCount(2, { timeout: 30_000 });
  await expect(transcriptEntries(page, 'partner').first()).toHaveAttribute('data-interrupted', 'true');
  await expect(transcriptEntries(page, 'partner').nth(1)).not.toHaveAttribute('data-interrupted', 'true');

  // The answer to the second utterance plays out in full, well past the point where the first was cut.
  await expect(transcriptEntries(page, 'partner').nth(1)).toHaveAttribute('data-final', 'true', { timeout: 20_000 });
  await expect.poll(async () => (await probe(page)).partnerSpeaking, { timeout: 20_000 }).toBe(false);
  const [first, second] = (await playback(page)).playedTurns;
  expect(first?.playedMs ?? 0).toBeGreaterThan(0);
  expect(second?.playedMs ?? 0).toBeGreaterThan(AUDIBLE_MIN_PLAYED_MS);
  expect(first?.playedMs ?? Number.POSITIVE_INFINITY).toBeLessThan(second?.playedMs ?? 0);
  expect(second?.rms ?? 0).toBeGreaterThan(AUDIBLE_MIN_RMS);
  expect((await probe(page)).utterancesSent).toBe(2);
});
