// The whole show end to end (stage.wav: the three lines of conversation.wav after 30 s in which the MC speaks):
// lobby → pick a game → Start scene → the MC's intro is heard → three exchanges → the audience reacts →
// End scene → the coach's notes on the stage → History lists the scene with its game → its coach report page.
// Real Chromium, the built client, the real relay with the Live emulator and the Firestore emulator.
import { expect, test } from '@playwright/test';
import { manifest, micFrom, probe, startScene, transcriptEntries } from './fixtures.js';

const WAV = 'stage.wav';
test.use(micFrom(WAV));

/** Not the default game (Yes, And), so the test proves the pick reaches the relay and the stored scene. */
const GAME_NAME = 'Questions Only';
const EXCHANGES = 3;

test('lobby → game → MC → three exchanges → audience → coach → History', async ({ page }) => {
  // 60 s of microphone, the replies, the coach and History; the default 120 s leaves too little slack.
  test.setTimeout(180_000);
  const lines = manifest.files[WAV]?.speech ?? [];
  expect(lines).toHaveLength(EXCHANGES);

  // Lobby: pick a game other than the default, by its accessible name.
  await page.goto('/');
  await page.getByRole('button', { name: 'change game' }).click();
  await page
    .getByRole('list', { name: 'Games' })
    .getByRole('button', { name: new RegExp(`^${GAME_NAME}\\b`) })
    .click();
  await expect(page.getByRole('list', { name: 'Games' })).toBeHidden();
  await expect(page.getByText(`Game: ${GAME_NAME}`)).toBeVisible();
  // Crowd sounds are off by default; this player turns them on.
  const crowd = page.getByRole('switch', { name: /Crowd sounds/ });
  await expect(crowd).toHaveAttribute('aria-checked', 'false');
  await crowd.click();
  await expect(crowd).toHaveAttribute('aria-checked', 'true');

  await startScene(page, { navigate: false });

  // The relay plays the game the player picked.
  const stage = page.getByRole('region', { name: 'Stage' });
  await expect(stage.locator('[data-scene-phase]')).toContainText(GAME_NAME);

  // The MC's intro: in the transcript (names the game), and heard on the speakers.
  const mcLine = page.getByRole('log', { name: 'Transcript' }).locator('[data-speaker="mc"]').first();
  await expect(mcLine).toContainText('Welcome to Improv Olympics Live', { timeout: 20_000 });
  await expect(mcLine).toContainText(GAME_NAME);
  // Heard: the MC's voice reached the speakers (partner.start speaker 'mc', then audible playback).
  await expect
    .poll(async () => (await probe(page)).mcTurnsHeard, {
      message: 'the MC’s intro is heard (window.__improv.mcTurnsHeard)',
      timeout: 40_000,
      intervals: [250],
    })
    .toBeGreaterThanOrEqual(1);

  // The audience meter as it was before the room reacted.
  const meter = page.getByRole('meter', { name: 'Audience mood' });
  await expect(meter).toBeVisible();
  const initialMood = await meter.getAttribute('aria-valuenow');
  const initialMoodText = await meter.getAttribute('aria-valuetext');

  // Three exchanges: the last line ends ~56 s into the WAV.
  await expect
    .poll(async () => (await probe(page)).partnerTurnsHeard, { timeout: 60_000, intervals: [250] })
    .toBeGreaterThanOrEqual(EXCHANGES);
  await expect
    .poll(() => transcriptEntries(page, 'partner').count(), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(EXCHANGES);
  expect(await transcriptEntries(page, 'player').count()).toBeGreaterThanOrEqual(EXCHANGES);

  // The audience reacted: the meter's value moved, and the latest reactions are shown.
  await expect.poll(() => meter.getAttribute('aria-valuetext'), { timeout: 15_000 }).not.toBe(initialMoodText);
  await expect.poll(() => meter.getAttribute('aria-valuenow'), { timeout: 15_000 }).not.toBe(initialMood);
  await expect(page.getByRole('list', { name: 'Latest reactions' }).getByRole('listitem').first()).toBeVisible();
  // …and the room was heard: the crowd played at least one sound for the reactions.
  await expect
    .poll(
      () =>
        page.evaluate(
          () => (window as unknown as { __improv: { ambientSoundsPlayed: number } }).__improv.ambientSoundsPlayed,
        ),
      { timeout: 15_000 },
    )
    .toBeGreaterThanOrEqual(1);
  const sessionId = await page.evaluate(
    () => (window as unknown as { __improv: { sessionId: string | null } }).__improv.sessionId,
  );
  expect(sessionId).toBeTruthy();

  // End scene: the MC closes the scene aloud on the same connection, then the coach's notes land on the stage.
  const mcHeardBefore = (await probe(page)).mcTurnsHeard;
  await page.getByRole('button', { name: 'End scene' }).click();
  await expect
    .poll(async () => (await probe(page)).mcTurnsHeard, {
      message: 'the MC’s closing line is heard after End scene',
      timeout: 25_000,
      intervals: [250],
    })
    .toBeGreaterThan(mcHeardBefore);
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeVisible({ timeout: 25_000 });
  const coachNotes = page.getByRole('region', { name: 'Coach’s notes' });
  await expect(coachNotes).toBeVisible({ timeout: 25_000 });
  await expect(coachNotes.getByRole('heading', { name: 'What worked' })).toBeVisible();
  await expect(coachNotes.getByRole('heading', { name: 'Try next' })).toBeVisible();
  // On a phone the notes land below the stage card; the stage offers a way down to them.
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Read the coach’s notes' }).click();
  await expect(coachNotes).toBeFocused();
  await expect(coachNotes).toBeInViewport();
  if (desktop) await page.setViewportSize(desktop);

  // History: the scene is listed with its game, and its coach report is two clicks away.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('heading', { name: 'Your scenes', level: 1 })).toBeVisible();
  const scene = page.locator(`[data-session-id="${sessionId}"]`);
  await expect(scene).toContainText(GAME_NAME);
  await scene.click();
  await expect(page.getByRole('heading', { name: GAME_NAME, level: 1 })).toBeVisible();
  await page.getByRole('link', { name: /Coach’s notes/ }).click();
  await expect(page).toHaveURL(new RegExp(`/history/${sessionId}/report$`));
  await expect(page.getByRole('heading', { name: 'Coach’s notes', level: 1 })).toBeVisible();
  // Offline the coach hears no words (the emulator reports only how long the player spoke): it reviews what was
  // measured and says so, rather than inventing quotes (relay/stage/coach.ts measuredFeedback).
  const report = page.locator('[data-coach-source]');
  await expect(report).toHaveAttribute('data-coach-source', 'fallback');
  await expect(report).toContainText('only covers what was measured');
  await expect(report).toContainText(/Your lines averaged \d+(\.\d)? s/);
  await expect(page.getByRole('heading', { name: 'What worked' })).toBeVisible();
  await expect(page.getByRole('main').locator('h1 + p')).toContainText(GAME_NAME);
});
