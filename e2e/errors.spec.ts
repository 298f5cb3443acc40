// What a player sees when something outside the page fails: words they can act on, and a stage
// they can try again from.
import { expect, test } from '@playwright/test';
import { CHROMIUM_BASE_ARGS, findChromium } from '../scripts/chromium.js';

// A fake microphone exists, but nobody grants the permission prompt: getUserMedia is refused.
test.use({
  launchOptions: {
    executablePath: findChromium(),
    args: [...CHROMIUM_BASE_ARGS, '--use-fake-device-for-media-stream'],
  },
});

test('a refused microphone is explained and the scene can be started again', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Start scene' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error-code', 'mic.denied');
  await expect(alert).toContainText('allow microphone access');
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeEnabled();
  // No connection was made for a scene that never started (the connection pill shows only while one matters).
  await expect(page.getByRole('status', { name: 'Connection' }).locator('[data-state="connected"]')).toHaveCount(0);
});

test('an unreachable stage server is explained in plain words', async ({ page, context }) => {
  await context.grantPermissions(['microphone']);
  // The stage server is unreachable both ways in: WebRTC signaling and the WebSocket fallback.
  await page.route('**/api/rtc/offer', (route) => route.abort('connectionrefused'));
  await page.routeWebSocket('**/api/ws', (socket) => socket.close({ code: 1006, reason: 'unreachable' }));
  await page.goto('/');
  await page.getByRole('button', { name: 'Start scene' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error-code', 'transport.unreachable');
  await expect(alert).toContainText('Can’t reach the stage server');
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeEnabled();
});
