// A refused microphone stores nothing: the client asks for the mic before it says hello, so the relay never
// creates a scene (no orphan intro, no junk "0 lines" scene in History).
import { expect, test } from '@playwright/test';
import { CHROMIUM_BASE_ARGS, findChromium } from '../scripts/chromium.js';
import { COUNT_SENDS, expectNoAxeViolations, sends } from './a11y.js';

test.use({
  launchOptions: {
    executablePath: findChromium(),
    args: [...CHROMIUM_BASE_ARGS, '--use-fake-device-for-media-stream'],
  },
});

test('a denied mic sends no hello and leaves History empty', async ({ page }) => {
  await page.addInitScript(COUNT_SENDS);
  await page.goto('/');
  await page.getByRole('button', { name: 'Start scene' }).click();
  await expect(page.getByRole('alert')).toHaveAttribute('data-error-code', 'mic.denied', {
    // The VAD's wasm compiles before the mic is asked for: seconds on a loaded 2-core machine.
    timeout: 45_000,
  });
  await expectNoAxeViolations(page, 'stage, mic denied');
  expect((await sends(page)).hello).toBe(0);
  const list = await page.request.get('/api/sessions');
  expect(list.status()).toBe(200);
  expect(await list.json()).toEqual([]);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await expect(page.getByText('No scenes yet')).toBeVisible();
  // No connection pill where no connection matters.
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'history, empty');
});
