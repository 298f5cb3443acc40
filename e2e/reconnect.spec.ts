// Nothing drops: (a) the WebSocket fallback, forced with ?transport=websocket, carries a whole exchange;
// (b) a drop mid-scene (the page closes its transport through a test hook) goes `reconnecting` → `connected`
// on the same relay session, and the scene goes on: the next utterances are answered.
// conversation.wav (one mic per file: launchOptions are per worker): speech at 1.0–6.4 s, 12.4–17.0 s, 23.0–25.7 s.
import { expect, type Page, test } from '@playwright/test';
import {
  AUDIBLE_MIN_PLAYED_MS,
  manifest,
  micFrom,
  playback,
  probe,
  SCENE_END_TIMEOUT_MS,
  transcriptEntries,
} from './fixtures.js';

test.use(micFrom('conversation.wav'));

interface TestHooks {
  simulateDrop(): number;
  transportKind: 'webrtc' | 'websocket' | null;
  lastConnectedAtMs: number | null;
}

const connectionStatus = (page: Page) => page.getByRole('status', { name: 'Connection' });

async function start(page: Page, query: string): Promise<void> {
  await page.goto(`/${query}`);
  await page.getByRole('button', { name: 'Start scene' }).click();
  await expect(connectionStatus(page).locator('[data-state]')).toHaveAttribute('data-state', 'connected');
}

test('the forced WebSocket transport carries a whole exchange', async ({ page }) => {
  await start(page, '?transport=websocket&test-hooks=1');
  await expect(connectionStatus(page)).toHaveAttribute('data-transport', 'websocket');
  await expect(connectionStatus(page)).toContainText('WebSocket');
  expect(
    await page.evaluate(() => (window as unknown as { __improvTestHooks: TestHooks }).__improvTestHooks.transportKind),
  ).toBe('websocket');

  // The first utterance is answered: transcript entries both ways, and the reply was really heard.
  await expect(transcriptEntries(page, 'player').first()).toHaveText(/\w{3,}/, { timeout: 30_000 });
  await expect(transcriptEntries(page, 'partner').first()).toHaveText(/\w{3,}/, { timeout: 30_000 });
  await expect
    .poll(async () => (await playback(page)).playedTurns.filter((t) => t.playedMs >= AUDIBLE_MIN_PLAYED_MS).length, {
      timeout: 30_000,
    })
    .toBeGreaterThanOrEqual(1);
  expect((await probe(page)).utterancesSent).toBeGreaterThanOrEqual(1);

  await page.getByRole('button', { name: 'End scene' }).click();
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeVisible({ timeout: SCENE_END_TIMEOUT_MS });
});

/**
 * Drops the transport after the first reply and checks the resume. `maxOutageMs` bounds drop → `connected`:
 * over WebRTC a resume needs a new peer (client ICE gathering ~250 ms + the relay's answer ~400–500 ms here),
 * over the WebSocket one TCP handshake. Both include the first retry's random 0–300 ms window. The bounds
 * leave room for a shared, loaded 2-core machine (measured WebSocket resumes 75–2029 ms, median ~230 ms);
 * the measured figure is printed and annotated.
 */
async function dropAndResume(page: Page, kind: 'webrtc' | 'websocket', maxOutageMs: number): Promise<void> {
  const utterances = manifest.files['conversation.wav']?.speech.length ?? 0;
  expect(utterances).toBe(3);
  await start(page, kind === 'websocket' ? '?transport=websocket&test-hooks=1' : '?test-hooks=1');
  await expect(connectionStatus(page)).toHaveAttribute('data-transport', kind);
  const sessionId = await page.evaluate(
    () => (window as unknown as { __improv: { sessionId: string } }).__improv.sessionId,
  );

  // After the first reply is heard (and well before the second utterance at 12.4 s), the network "drops".
  await expect.poll(async () => (await probe(page)).partnerTurnsHeard, { timeout: 30_000, intervals: [100] }).toBe(1);
  const states: string[] = [];
  await page.exposeFunction('recordConnectionState', (state: string) => states.push(state));
  await page.evaluate(() => {
    const target = document.querySelector('[role="status"][aria-label="Connection"] [data-state]');
    if (!target) throw new Error('no connection status');
    new MutationObserver(() =>
      (window as unknown as { recordConnectionState(s: string): void }).recordConnectionState(
        target.getAttribute('data-state') ?? '',
      ),
    ).observe(target, { attributes: true, attributeFilter: ['data-state'] });
  });
  const droppedAtMs = await page.evaluate(() =>
    (window as unknown as { __improvTestHooks: TestHooks }).__improvTestHooks.simulateDrop(),
  );
  await expect.poll(() => states, { timeout: 10_000 }).toEqual(['reconnecting', 'connected']);
  await expect(connectionStatus(page)).toHaveAttribute('data-transport', kind);
  const connectedAtMs = await page.evaluate(
    () => (window as unknown as { __improvTestHooks: TestHooks }).__improvTestHooks.lastConnectedAtMs,
  );
  const outageMs = Math.round((connectedAtMs ?? Number.NaN) - droppedAtMs);
  console.log(`${kind}: drop → resumed (connected) in ${outageMs} ms`);
  test.info().annotations.push({ type: `${kind} drop to resumed ms`, description: String(outageMs) });
  expect(outageMs).toBeGreaterThan(0);
  expect(outageMs).toBeLessThan(maxOutageMs);

  // Same relay session, no error; the scene goes on: both later utterances are answered.
  const after = await page.evaluate(() => {
    const improv = (window as unknown as { __improv: { sessionId: string; errorCode: string | null } }).__improv;
    return { sessionId: improv.sessionId, errorCode: improv.errorCode };
  });
  expect(after).toEqual({ sessionId, errorCode: null });
  // At least: a loaded machine's VAD may split one spoken line in two, which is not what this test is about.
  await expect
    .poll(async () => (await probe(page)).partnerTurnsHeard, { timeout: 60_000, intervals: [250] })
    .toBeGreaterThanOrEqual(utterances);
  await expect
    .poll(async () => transcriptEntries(page, 'player').count(), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(utterances);
  expect((await probe(page)).utterancesSent).toBeGreaterThanOrEqual(utterances);

  await page.getByRole('button', { name: 'End scene' }).click();
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeVisible({ timeout: SCENE_END_TIMEOUT_MS });
}

test('a WebRTC drop mid-scene resumes the same session and the next utterances are answered', async ({ page }) => {
  await dropAndResume(page, 'webrtc', 5_000);
});

test('a WebSocket drop mid-scene resumes at once and the next utterances are answered', async ({ page }) => {
  await dropAndResume(page, 'websocket', 3_000);
});
