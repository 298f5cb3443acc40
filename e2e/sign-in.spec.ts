// Sign-in end to end (issue #11): a relay with AUTH_MODE=google verifies ID tokens from a local issuer (its own
// keys and certs URL on loopback, through the same google-auth-library code as Google's), an allow-list and one
// scene a day. Google's sign-in script is stood in for by a page route serving a tiny GIS look-alike whose button
// hands over a token the test minted, so no request leaves the machine. Two accounts each see only their own
// History; the second scene of the day is refused with its screen; an address off the guest list is refused.
import { type Browser, expect, type Page, test } from '@playwright/test';
import { type EmulatorProcess as LiveProcess, spawnEmulator } from '../relay/live/emulator-process.js';
import { createLogger } from '../relay/log.js';
import { type EmulatorProcess, spawnFirestoreEmulator } from '../relay/store/emulator-process.js';
import { type LocalIssuer, startLocalIssuer } from '../relay/test/local-google-issuer.js';
import { type RelayProcess, startRelayProcess } from '../relay/test/relay-process.js';
import { micFrom, probe, SCENE_END_TIMEOUT_MS } from './fixtures.js';

test.use(micFrom('short-reply.wav'));

/** Beside the suite's relay (E2E_PORT), relay-restart's (+11) and transcript-habits' (+12, +13). */
const PORT = Number(process.env.E2E_PORT ?? 8787) + 14;
const CLIENT_ID = 'e2e-web-client.apps.googleusercontent.com';

let firestore: EmulatorProcess | null = null;
let live: LiveProcess | null = null;
let issuer: LocalIssuer | null = null;
let relay: RelayProcess | null = null;

test.beforeAll(async () => {
  [firestore, live, issuer] = await Promise.all([
    spawnFirestoreEmulator({ port: 0 }),
    spawnEmulator(createLogger('warn', { component: 'e2e-live-sign-in' })),
    startLocalIssuer(CLIENT_ID),
  ]);
  relay = await startRelayProcess({
    PORT: String(PORT),
    LIVE_EMULATOR_URL: live.url,
    FIRESTORE_EMULATOR_HOST: firestore.host,
    STATIC_DIR: 'dist',
    AUTH_MODE: 'google',
    GOOGLE_CLIENT_ID: CLIENT_ID,
    GOOGLE_CERTS_URL: issuer.certsUrl,
    GOOGLE_ISSUERS: issuer.issuer,
    ALLOWED_EMAILS: 'ada@improv.example,bo@improv.example',
    SCENES_PER_DAY: '1',
  });
});

test.afterAll(async () => {
  relay?.kill();
  await Promise.allSettled([firestore?.stop('SIGTERM', 2_000), live?.close(), issuer?.close()]);
});

/** Google's script, as far as the page uses it: initialize() keeps the callback, the button hands over a token. */
const GIS_STUB = `
  window.google = { accounts: { id: {
    initialize(options) { window.__gisCallback = options.callback; },
    renderButton(parent) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Sign in with Google';
      button.onclick = () => window.__gisCallback({ credential: window.__gisCredential });
      parent.append(button);
    },
  } } };`;

async function signIn(browser: Browser, email: string, sub: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: relay!.url, permissions: ['microphone'] });
  await context.route('https://accounts.google.com/gsi/client', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: GIS_STUB }),
  );
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByText('Sign in to take the stage.')).toBeVisible();
  await page.evaluate((token) => {
    (window as unknown as { __gisCredential: string }).__gisCredential = token;
  }, issuer!.idToken({ sub, email }));
  await page.getByRole('button', { name: 'Sign in with Google' }).click();
  return page;
}

async function playOneScene(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Start scene' }).click();
  await expect
    .poll(async () => (await probe(page)).partnerTurnsHeard, { timeout: 60_000, intervals: [250] })
    .toBeGreaterThanOrEqual(1);
  const sessionId = await page.evaluate(
    () => (window as unknown as { __improv: { sessionId: string } }).__improv.sessionId,
  );
  await page.getByRole('button', { name: 'End scene' }).click();
  await page.getByRole('button', { name: 'End now' }).click();
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeVisible({ timeout: SCENE_END_TIMEOUT_MS });
  return sessionId;
}

async function historyIds(page: Page): Promise<string[]> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('heading', { name: 'Your scenes', level: 1 })).toBeVisible();
  await expect(page.locator('[data-session-id]').first().or(page.getByText('No scenes yet'))).toBeVisible();
  return page.locator('[data-session-id]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-session-id')!));
}

test('signed in through the local issuer, each account sees only its History; the day’s limit and the guest list refuse', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const ada = await signIn(browser, 'ada@improv.example', '1001');
  await expect(ada.getByRole('button', { name: 'Start scene' })).toBeVisible();
  const adaScene = await playOneScene(ada);
  await expect.poll(() => historyIds(ada), { timeout: 15_000 }).toEqual([adaScene]);

  // One scene a day: Ada's second is refused, and the stage says which limit and when it resets.
  await ada.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stage' }).click();
  await ada.getByRole('button', { name: 'Start scene' }).click();
  await expect(ada.getByRole('alert')).toContainText('You have played all your scenes for today');
  await expect(ada.getByRole('alert')).toContainText('midnight UTC');

  // Bo, in another browser: none of Ada's scenes, and a scene of his own.
  const bo = await signIn(browser, 'bo@improv.example', '1002');
  expect(await historyIds(bo)).toEqual([]);
  await bo.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Stage' }).click();
  const boScene = await playOneScene(bo);
  await expect.poll(() => historyIds(bo), { timeout: 15_000 }).toEqual([boScene]);
  // Ada's scene is not Bo's to read.
  expect((await bo.request.get(`/api/sessions/${adaScene}`)).status()).toBe(404);
  expect(await historyIds(ada)).toEqual([adaScene]);

  // Eve is not on the guest list: the sign-in screen says so, and the app stays closed.
  const eve = await signIn(browser, 'eve@elsewhere.example', '1003');
  await expect(eve.getByRole('alert')).toContainText('This account is not on the guest list');
  await expect(eve.getByRole('button', { name: 'Start scene' })).toHaveCount(0);
});
