// Issue #4 fault 6: WebRTC is blocked. The page's RTCPeerConnections may use TURN relay candidates only and
// there is no TURN server (as on a network that drops UDP with no TURN reachable), so ICE never connects;
// after 4 s the client moves to the WebSocket, which carries the whole scene: the lines are answered and heard.
// (Chromium's `--force-webrtc-ip-handling-policy` does not block loopback, so the block is in the page.)
import { expect, test } from '@playwright/test';
import { AUDIBLE_MIN_PLAYED_MS, micFrom, playback, probe, transcriptEntries } from './fixtures.js';

test.use(micFrom('conversation.wav'));

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    class RelayOnly extends Native {
      constructor(config?: RTCConfiguration) {
        super({ ...config, iceServers: [], iceTransportPolicy: 'relay' });
      }
    }
    window.RTCPeerConnection = RelayOnly;
  });
});

test('with WebRTC blocked the WebSocket carries the whole scene', async ({ page }) => {
  await page.goto('/?test-hooks=1');
  await page.getByRole('button', { name: 'Start scene' }).click();
  const status = page.getByRole('status', { name: 'Connection' });
  await expect(status.locator('[data-state]')).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  await expect(status).toHaveAttribute('data-transport', 'websocket');
  expect(
    await page.evaluate(
      () =>
        (window as unknown as { __improvTestHooks: { transportKind: string | null } }).__improvTestHooks.transportKind,
    ),
  ).toBe('websocket');

  // Two exchanges over the fallback, heard, with no reconnect in between.
  await expect(transcriptEntries(page, 'partner').nth(1)).toHaveText(/\w{3,}/, { timeout: 45_000 });
  await expect
    .poll(async () => (await playback(page)).playedTurns.filter((t) => t.playedMs >= AUDIBLE_MIN_PLAYED_MS).length, {
      timeout: 30_000,
    })
    .toBeGreaterThanOrEqual(2);
  expect((await probe(page)).utterancesSent).toBeGreaterThanOrEqual(2);
  await page.getByRole('button', { name: 'End scene' }).click();
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeVisible({ timeout: 30_000 });
});
