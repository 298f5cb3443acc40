// The voice loop end to end: a real Chromium whose microphone is a fixture WAV, the built client,
// real WebRTC to the relay, the Live emulator answering with synthesized speech.
import { expect, test } from '@playwright/test';
import {
  AUDIBLE_MIN_PLAYED_MS,
  AUDIBLE_MIN_RMS,
  manifest,
  micFrom,
  playback,
  probe,
  startScene,
  transcriptEntries,
} from './fixtures.js';

test.describe('conversation.wav: three player turns', () => {
  test.use(micFrom('conversation.wav'));

  test('each turn gets its own audible partner reply and transcript entries', async ({ page }) => {
    const utterances = manifest.files['conversation.wav']?.speech.length ?? 0;
    expect(utterances).toBe(3);
    await startScene(page);

    // The WAV lasts ~29 s; every reply must have been heard by the time it is over.
    await expect(transcriptEntries(page, 'player')).toHaveCount(utterances, { timeout: 60_000 });
    await expect
      .poll(async () => (await probe(page)).partnerTurnsHeard, { timeout: 30_000, intervals: [250] })
      .toBe(utterances);
    await expect(transcriptEntries(page, 'partner')).toHaveCount(utterances);
    for (const entry of await transcriptEntries(page, 'partner').all()) {
      await expect(entry).toHaveText(/\w{3,}/);
    }

    // Audible: every partner turn put real sound out, not silence (read from the playback worklet).
    await expect
      .poll(async () => (await playback(page)).playedTurns.filter((t) => t.playedMs >= AUDIBLE_MIN_PLAYED_MS).length, {
        timeout: 15_000,
      })
      .toBe(utterances);
    for (const turn of (await playback(page)).playedTurns) {
      expect(turn.rms, `turn ${turn.turnId} RMS`).toBeGreaterThan(AUDIBLE_MIN_RMS);
    }

    const stats = await probe(page);
    expect(stats.utterancesSent).toBe(utterances);
    expect(stats.bargeIns).toBe(0);
    expect(stats.lastVoiceToVoiceMs).not.toBeNull();
    test
      .info()
      .annotations.push({ type: 'voice-to-voice ms (last turn)', description: String(stats.lastVoiceToVoiceMs) });

    await page.getByRole('button', { name: 'End scene' }).click();
    await expect(page.getByRole('button', { name: 'Start scene' })).toBeVisible();
  });
});

test.describe('barge-in.wav: the player talks over the partner', () => {
  test.use(micFrom('barge-in.wav'));

  test('the reply is cut short and the second utterance gets its own reply', async ({ page }) => {
    await startScene(page);

    await expect.poll(async () => (await probe(page)).bargeIns, { timeout: 45_000, intervals: [100] }).toBe(1);
    const cut = await playback(page);
    expect(cut.lastInterruptToSilenceMs).not.toBeNull();
    expect(cut.lastInterruptToSilenceMs ?? Number.POSITIVE_INFINITY).toBeLessThan(100);

    // Both utterances reached the relay, and the second one was answered in full.
    await expect(transcriptEntries(page, 'player')).toHaveCount(2, { timeout: 30_000 });
    await expect(transcriptEntries(page, 'partner')).toHaveCount(2, { timeout: 30_000 });
    await expect(transcriptEntries(page, 'partner').first()).toHaveAttribute('data-interrupted', 'true');
    await expect(transcriptEntries(page, 'partner').nth(1)).not.toHaveAttribute('data-interrupted', 'true');

    await expect.poll(async () => (await playback(page)).playedTurns.length, { timeout: 20_000 }).toBe(2);
    const [first, second] = (await playback(page)).playedTurns;
    // The cut reply played briefly; the answer to the second utterance played much longer, audibly.
    expect(second?.playedMs ?? 0).toBeGreaterThan(AUDIBLE_MIN_PLAYED_MS);
    expect(second?.rms ?? 0).toBeGreaterThan(AUDIBLE_MIN_RMS);
    expect(first?.playedMs ?? Number.POSITIVE_INFINITY).toBeLessThan(second?.playedMs ?? 0);
    expect((await probe(page)).utterancesSent).toBe(2);
  });
});
