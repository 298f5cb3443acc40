// The stage a player comes back to, on a phone (390×844, touch): the turn cue never says "your turn" while the
// MC or the partner speaks and says it once they finish; Skip intro starts the scene at once; mute and pause let
// no audio frame leave; the chosen persona reaches the relay and History; the partner's latest line is in view
// without scrolling; End scene is undoable from the keyboard; axe finds nothing on each screen.
// stage.wav: 30 s of silence (the MC's intro plays out), then three lines at 31 s, 42.4 s and 53 s.
import { expect, type Page, test } from '@playwright/test';
import { COUNT_SENDS, expectNoAxeViolations, sends } from './a11y.js';
import { micFrom, probe } from './fixtures.js';

test.use({ ...micFrom('stage.wav'), viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

const cue = (page: Page) => page.locator('[data-turn-cue]');
const mcSpeaking = (page: Page) =>
  page.evaluate(() => (window as unknown as { __improv: { mcSpeaking: boolean } }).__improv.mcSpeaking);

/** Seconds of the fixture WAV played so far (the mic opened at captureStartedAtMs). */
async function waitForWavSecond(page: Page, second: number): Promise<void> {
  await page.waitForFunction(
    (atS) => {
      const timeline = (window as unknown as { __improv: { timeline: { captureStartedAtMs: number | null } | null } })
        .__improv.timeline;
      const start = timeline?.captureStartedAtMs ?? null;
      return start !== null && performance.now() - start >= atS * 1000;
    },
    second,
    { timeout: 90_000, polling: 100 },
  );
}

/** Samples the stage every 50 ms: any moment where the player's cue shows while the MC or the partner is audible. */
async function watchCue(page: Page): Promise<void> {
  await page.evaluate(() => {
    const record = { samples: 0, wrong: [] as string[] };
    Object.defineProperty(window, '__cueWatch', { value: record });
    setInterval(() => {
      const improv = (window as unknown as { __improv: { mcSpeaking: boolean; partnerSpeaking: boolean } }).__improv;
      const shown = document.querySelector('[data-turn-cue]')?.getAttribute('data-turn-cue');
      record.samples++;
      if (shown === 'yours' && (improv.mcSpeaking || improv.partnerSpeaking)) {
        record.wrong.push(`${improv.mcSpeaking ? 'mc' : 'partner'} audible while the cue said yours`);
      }
    }, 50);
  });
}

async function cueWatch(page: Page): Promise<{ samples: number; wrong: string[] }> {
  return page.evaluate(() => (window as unknown as { __cueWatch: { samples: number; wrong: string[] } }).__cueWatch);
}

test('cue, mute, pause, persona, phone caption, undoable End, History — axe-clean', async ({ page, context }) => {
  test.setTimeout(200_000);
  // A returning player: the permission is known, so the MC starts while the VAD still loads.
  await context.grantPermissions(['microphone']);
  await page.addInitScript(COUNT_SENDS);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'How a scene works' })).toBeVisible();
  await expectNoAxeViolations(page, 'lobby (first visit)');

  // The cast: a persona and an audience, sent in hello.
  await page.getByLabel('Partner', { exact: true }).selectOption('wildcard');
  await page.getByLabel('Audience', { exact: true }).selectOption('skeptics');
  await expect(page.getByLabel('Partner voice')).toHaveValue('Fenrir');

  await page.getByRole('button', { name: 'Start scene' }).tap();
  await watchCue(page);
  // The MC's intro: audible, and the cue says so, not "your turn".
  await expect.poll(async () => (await probe(page)).mcTurnsHeard, { timeout: 40_000 }).toBeGreaterThanOrEqual(1);
  await expect(cue(page)).toHaveAttribute('data-moment', 'mc');
  await expect(cue(page)).toHaveAttribute('data-turn-cue', 'wait');
  await expect(page.getByRole('button', { name: 'Skip intro' })).toBeVisible();
  await expectNoAxeViolations(page, 'stage, MC intro');
  // The MC finished: now it is the player's move.
  await expect(cue(page)).toHaveAttribute('data-turn-cue', 'yours', { timeout: 40_000 });
  expect(await mcSpeaking(page)).toBe(false);
  expect((await probe(page)).utterancesSent).toBe(0);

  // Mute over the first line (31–36.4 s): not one audio frame leaves, no utterance starts.
  const mute = page.getByRole('button', { name: 'Mute' });
  await mute.tap();
  await expect(page.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
  await expect(cue(page)).toHaveAttribute('data-moment', 'muted');
  await expectNoAxeViolations(page, 'stage, muted');
  const beforeMute = await sends(page);
  await waitForWavSecond(page, 38);
  expect((await sends(page)).audio).toBe(beforeMute.audio);
  expect((await probe(page)).utterancesSent).toBe(0);
  expect(
    await page.evaluate(() => (window as unknown as { __improv: { framesWithheld: number } }).__improv.framesWithheld),
  ).toBeGreaterThan(20);
  await page.getByRole('button', { name: 'Unmute' }).tap();

  // The second line (42.4 s) goes out and the partner answers it; on the phone its words are on screen.
  await expect.poll(async () => (await sends(page)).audio, { timeout: 20_000 }).toBeGreaterThan(beforeMute.audio);
  await expect.poll(async () => (await probe(page)).partnerTurnsHeard, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  await expect(cue(page)).toHaveAttribute('data-turn-cue', 'wait');
  const caption = page.locator('[data-live-caption="partner"]');
  await expect(caption).toBeVisible({ timeout: 10_000 });
  await expect(caption).toBeInViewport({ ratio: 1 });
  const partnerLine = page.getByRole('log', { name: 'Transcript' }).locator('[data-speaker="partner"]').last();
  // Both read at the same moment: a reply may still be streaming into the transcript (or a split line's second
  // reply may have begun) when the first look is taken.
  await expect
    .poll(async () => {
      const shown = (await caption.locator('blockquote').textContent())?.trim();
      const last = (await partnerLine.locator('span').last().textContent())?.trim();
      return shown === last ? 'the same' : `caption "${shown}", transcript "${last}"`;
    })
    .toBe('the same');
  await expect(page.getByRole('meter', { name: 'Microphone level' })).toBeInViewport();
  await expectNoAxeViolations(page, 'stage, partner caption (phone)');
  // The partner handed the scene back.
  await expect(cue(page)).toHaveAttribute('data-turn-cue', 'yours', { timeout: 20_000 });

  // Pause over the third line (53–55.7 s): nothing is sent, the scene is kept.
  await waitForWavSecond(page, 49);
  await page.getByRole('button', { name: 'Pause' }).tap();
  await expect(cue(page)).toHaveAttribute('data-moment', 'paused');
  await expectNoAxeViolations(page, 'stage, paused');
  const beforePause = await sends(page);
  const utterancesBeforePause = (await probe(page)).utterancesSent;
  await waitForWavSecond(page, 57);
  expect((await sends(page)).audio).toBe(beforePause.audio);
  expect((await probe(page)).utterancesSent).toBe(utterancesBeforePause);
  expect((await probe(page)).connectionState).toBe('connected');
  await page.getByRole('button', { name: 'Resume' }).tap();
  await expect(cue(page)).toHaveAttribute('data-moment', 'you');

  // Space on a focused End scene does not end the scene: it offers Keep playing (focused), and Space undoes.
  await page.getByRole('button', { name: 'End scene' }).focus();
  await page.keyboard.press('Space');
  const keep = page.getByRole('button', { name: 'Keep playing' });
  await expect(keep).toBeFocused();
  await expectNoAxeViolations(page, 'stage, end pending');
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'End scene' })).toBeVisible();
  expect((await probe(page)).connectionState).toBe('connected');
  const { wrong, samples } = await cueWatch(page);
  expect(samples).toBeGreaterThan(100);
  expect(wrong).toEqual([]);

  const sessionId = await page.evaluate(
    () => (window as unknown as { __improv: { sessionId: string | null } }).__improv.sessionId,
  );
  await page.getByRole('button', { name: 'End scene' }).tap();
  await page.getByRole('button', { name: 'End now' }).tap();
  const notes = page.getByRole('region', { name: 'Coach’s notes' });
  await expect(notes).toBeVisible({ timeout: 40_000 });
  await expect(notes).toBeFocused();
  await expectNoAxeViolations(page, 'stage, coach notes');

  // History: the card tells the story; the scene page names the persona the relay stored.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).tap();
  const card = page.locator(`[data-session-id="${sessionId}"]`);
  await expect(card).toContainText('The Wildcard');
  await expect(card).toContainText('The Skeptics');
  await expectNoAxeViolations(page, 'history list');
  await card.tap();
  await expect(page.locator('[data-scene-story]')).toContainText('Partner: The Wildcard');
  await expect(page.getByRole('button', { name: 'Export transcript (Markdown)' })).toBeVisible();
  await expectNoAxeViolations(page, 'history scene');
  const stored = await page.request.get(`/api/sessions/${sessionId}`);
  expect(await stored.json()).toMatchObject({ persona: 'wildcard', audience: 'skeptics' });
});

test('Skip intro starts the scene at once and the relay cuts the MC', async ({ page, context }) => {
  test.setTimeout(90_000);
  await context.grantPermissions(['microphone']);
  await page.goto('/');
  // The game picker, open.
  await page.getByRole('button', { name: 'change game' }).tap();
  await expect(page.getByRole('list', { name: 'Games' })).toBeVisible();
  await expectNoAxeViolations(page, 'lobby, game picker');
  await page.getByRole('button', { name: 'close game' }).tap();
  // The first visit's mic check, listening.
  await page.getByRole('button', { name: 'Check my mic' }).tap();
  await expect(page.locator('[data-mic-check="listening"]')).toBeVisible({ timeout: 30_000 });
  await expectNoAxeViolations(page, 'lobby, mic check');
  await page.getByRole('button', { name: 'Start scene' }).tap();
  await expect.poll(async () => await mcSpeaking(page), { timeout: 40_000 }).toBe(true);
  await expect(cue(page)).toHaveAttribute('data-turn-cue', 'wait');
  await page.getByRole('button', { name: 'Skip intro' }).tap();
  await expect(cue(page)).toHaveAttribute('data-turn-cue', 'yours', { timeout: 1_000 });
  expect(await mcSpeaking(page)).toBe(false);
  await expect(page.getByRole('button', { name: 'Skip intro' })).toBeHidden();
  await expectNoAxeViolations(page, 'stage, your turn');
  const sessionId = await page.evaluate(
    () => (window as unknown as { __improv: { sessionId: string | null } }).__improv.sessionId,
  );
  await page.getByRole('button', { name: 'End scene' }).tap();
  await page.getByRole('button', { name: 'End now' }).tap();
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeVisible({ timeout: 40_000 });
  // The relay cut the intro where the player skipped it: stored as cut, and no player line was counted.
  await expect
    .poll(
      async () => {
        const detail = (await (await page.request.get(`/api/sessions/${sessionId}`)).json()) as {
          turns: { speaker: string; interrupted: boolean }[];
        };
        return detail.turns.filter((turn) => turn.speaker === 'mc').map((turn) => turn.interrupted);
      },
      { timeout: 15_000 },
    )
    .toEqual([true, false]);

  // The scene's pages in History: its coach report, and the delete confirmation; then an address that is no page.
  await page.goto(`/history/${sessionId}/report`);
  await expect(page.getByRole('heading', { name: 'Coach’s notes', level: 1 })).toBeVisible();
  await expectNoAxeViolations(page, 'history, coach report');
  await page.goto(`/history/${sessionId}`);
  await page.getByRole('button', { name: 'Delete scene' }).tap();
  await expect(page.getByRole('button', { name: 'Delete for good' })).toBeVisible();
  await expectNoAxeViolations(page, 'history scene, delete confirm');
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { name: 'There’s no such page' })).toBeVisible();
  await expectNoAxeViolations(page, 'not found');
});
