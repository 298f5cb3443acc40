// History end to end (short-reply.wav: one player line): a real Chromium performs a scene against the real relay
// (Live emulator, Firestore emulator), ends it, and finds it in History with the transcript it just heard.
import { expect, type Locator, type Page, test } from '@playwright/test';
import { micFrom, probe, SCENE_END_TIMEOUT_MS, startScene, transcriptEntries } from './fixtures.js';

test.use(micFrom('short-reply.wav'));

/** Final transcript lines of one speaker, from the client's read-only instrumentation (window.__improv). */
function finalLines(page: Page, speaker: 'player' | 'partner'): Promise<string[]> {
  return page.evaluate(
    (who) =>
      (
        window as unknown as { __improv: { transcript: { speaker: string; text: string; final: boolean }[] } }
      ).__improv.transcript
        .filter((entry) => entry.speaker === who && entry.final)
        .map((entry) => entry.text),
    speaker,
  );
}

/** The words of one transcript entry, without its speaker label (the label sits in the first span). */
async function lineText(entry: Locator): Promise<string> {
  return (await entry.locator(':scope > span, :scope > p > span').nth(1).textContent())?.trim() ?? '';
}

test('a finished scene is listed in History and its page shows the player and partner turns', async ({ page }) => {
  await startScene(page);
  await expect
    .poll(async () => (await probe(page)).partnerTurnsHeard, { timeout: 45_000, intervals: [250] })
    .toBeGreaterThanOrEqual(1);
  // The reply's final transcript: what the player was shown once the line was complete.
  await expect
    .poll(async () => (await finalLines(page, 'partner')).length, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(1);
  const [partnerLine] = await finalLines(page, 'partner');
  expect(partnerLine).toMatch(/\w{3,}/);
  await expect(transcriptEntries(page, 'partner').first()).toContainText(partnerLine!);
  const sessionId = await page.evaluate(
    () => (window as unknown as { __improv: { sessionId: string } }).__improv.sessionId,
  );
  expect(sessionId).toBeTruthy();

  await page.getByRole('button', { name: 'End scene' }).click();
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeVisible({ timeout: SCENE_END_TIMEOUT_MS });
  // The coach reviews the scene; its notes reach the stage (live, or read back from the stored session).
  const coachNotes = page.getByRole('region', { name: 'Coach’s notes' });
  await expect(coachNotes).toBeVisible({ timeout: 25_000 });
  await expect(coachNotes).toContainText(/\w{3,}/);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('heading', { name: 'Your scenes' })).toBeVisible();
  // A fresh browser is a fresh identity: exactly the one scene it just played.
  const scenes = page.locator('[data-session-id]');
  await expect(scenes).toHaveCount(1);
  await expect(scenes.first()).toHaveAttribute('data-session-id', sessionId);
  await scenes.first().click();

  await expect(page.locator('[data-status]').first()).toHaveAttribute('data-status', 'completed');
  const transcript = page.getByRole('log', { name: 'Transcript' });
  const player = transcript.locator('[data-speaker="player"]');
  const partner = transcript.locator('[data-speaker="partner"]');
  await expect(player.first()).toBeVisible();
  await expect(partner.first()).toBeVisible();
  expect(await player.count()).toBeGreaterThanOrEqual(1);
  // The stored reply is the line the player saw on stage.
  expect(await lineText(partner.first())).toBe(partnerLine);
  expect(await lineText(player.first())).toMatch(/\w/);
  // Turns are in order: the player's line comes before the reply to it.
  const speakers = await transcript
    .locator('[data-speaker]')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-speaker')));
  expect(speakers.indexOf('player')).toBeLessThan(speakers.indexOf('partner'));
});
