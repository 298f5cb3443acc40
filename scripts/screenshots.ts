// Screenshots of every screen at a phone (390 px) and a desktop (1280 px) width, for a visual review, plus a
// keyboard walk (what Tab reaches, and whether focus is visible), an overflow check and a reduced-motion check.
// Runs the real relay (Live emulator, Firestore emulator) on loopback and a real Chromium with a fake mic.
//   npx vite build && node --import tsx scripts/screenshots.ts      → test-results/screens/ (gitignored)
// Tall phone pages are also cut into screen-sized parts (`-p1`, `-p2`, …), so each can be read at full size.
// SCREENS_PORT picks the relay's port (default 8796), so it does not collide with an e2e run.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { CHROMIUM_BASE_ARGS, fakeMicArgs, findChromium } from './chromium.js';

const PORT = Number(process.env.SCREENS_PORT ?? 8796);
const BASE_URL = `http://127.0.0.1:${PORT}`;
// Another engineer's Playwright run empties test-results/; SCREENS_DIR keeps a review run elsewhere.
const OUT_DIR = process.env.SCREENS_DIR ?? join('test-results', 'screens');
const MIC_WAV = join('e2e', 'fixtures', 'audio', 'conversation.wav');
const VIEWPORTS = [
  { width: 320, height: 568 },
  { width: 390, height: 844 },
  { width: 1280, height: 900 },
] as const;
const DESKTOP = VIEWPORTS[2];
const STAGE_WAV = join('e2e', 'fixtures', 'audio', 'stage.wav');
const READY_TIMEOUT_MS = 60_000;
const SCENE_TIMEOUT_MS = 60_000;
const report: string[] = [];

function startRelay(): ChildProcess {
  const relay = spawn(process.execPath, ['--import', 'tsx', 'relay/main.ts'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      RTC_BIND_ADDRESS: '127.0.0.1',
      STATIC_DIR: 'dist',
      FIRESTORE_DATA_DIR: join(tmpdir(), `iol-screens-firestore-${process.pid}`),
      LOG_LEVEL: 'warn',
    },
  });
  return relay;
}

async function waitForReady(): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const ok = await fetch(`${BASE_URL}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`relay not ready on ${BASE_URL} after ${READY_TIMEOUT_MS} ms`);
}

/** Elements whose right edge leaves the viewport: the usual cause of a sideways-scrolling phone page. */
async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>('body *')) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1 && !element.closest('.sr-only')) {
        found.push(`${element.tagName.toLowerCase()}.${element.className.toString().slice(0, 60)} right=${box.right}`);
      }
    }
    return found.slice(0, 5);
  });
}

/** One full-page screenshot per width, named `<name>-<width>.png`; overflow is noted in the report. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    // Two frames: layout and paint settle after the resize.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.screenshot({ path: join(OUT_DIR, `${name}-${viewport.width}.png`), fullPage: true });
    // What a phone shows without scrolling: the first screen only.
    if (viewport.width < 640) await page.screenshot({ path: join(OUT_DIR, `${name}-${viewport.width}-fold.png`) });
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    if (viewport.width < 640 && pageHeight > viewport.height) {
      for (let top = 0, part = 1; top < pageHeight; top += viewport.height, part += 1) {
        const height = Math.min(viewport.height, pageHeight - top);
        await page.screenshot({
          path: join(OUT_DIR, `${name}-${viewport.width}-p${part}.png`),
          fullPage: true,
          clip: { x: 0, y: top, width: viewport.width, height },
        });
      }
    }
    const overflow = await overflowingElements(page);
    if (overflow.length > 0) report.push(`overflow ${name}@${viewport.width}: ${overflow.join(' | ')}`);
  }
  await page.setViewportSize(DESKTOP);
}

/** Tabs through the page and records what receives focus and whether a focus indicator is drawn. */
async function keyboardWalk(page: Page, label: string, maxStops = 30): Promise<void> {
  // Start from the top of the document, as after a page load (focusing the body moves the Tab start point).
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  const seen: string[] = [];
  for (let stop = 0; stop < maxStops; stop += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element || element === document.body) return null;
      const style = getComputedStyle(element);
      const ring = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0;
      const name = (element.getAttribute('aria-label') ?? element.textContent ?? '').trim().replace(/\s+/g, ' ');
      return { tag: element.tagName.toLowerCase(), name: name.slice(0, 50), ring, id: element.outerHTML.slice(0, 80) };
    });
    if (!focused) break;
    const key = `${focused.tag} "${focused.name}"${focused.ring ? '' : '  ← NO VISIBLE FOCUS RING'}`;
    if (seen.includes(key)) break;
    seen.push(key);
  }
  report.push(`keyboard ${label}:\n  ${seen.join('\n  ')}`);
}

/** Under prefers-reduced-motion the pulse/ping animations and transitions must be off (or instant). */
async function reducedMotionCheck(browser: Browser): Promise<void> {
  for (const reducedMotion of ['reduce', 'no-preference'] as const) {
    const context = await browser.newContext({ reducedMotion });
    const page = await context.newPage();
    await page.goto(BASE_URL);
    await page.getByRole('button', { name: 'Start scene' }).waitFor();
    const styles = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.className = 'motion-safe:animate-pulse transition-colors';
      document.body.append(probe);
      const style = getComputedStyle(probe);
      const result = `animation=${style.animationName} transition=${style.transitionDuration}`;
      probe.remove();
      return result;
    });
    report.push(`motion (${reducedMotion}): ${styles}`);
    await context.close();
  }
}

async function sceneScreens(browser: Browser): Promise<void> {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(BASE_URL);
  await page.getByRole('button', { name: 'Start scene' }).waitFor();
  await shoot(page, '01-lobby');
  await keyboardWalk(page, 'lobby');
  // After keyboard use, focus shows as :focus-visible: one picture of the ring on the main button.
  await page.getByRole('button', { name: 'Start scene' }).focus();
  await shoot(page, '01b-lobby-focus-ring');

  await page.getByRole('button', { name: 'change game' }).click();
  await page.getByRole('list', { name: 'Games' }).waitFor();
  await shoot(page, '02-game-picker');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Start scene' }).click();
  await page.waitForFunction(
    () => ((window as unknown as { __improv: { partnerTurnsHeard: number } }).__improv.partnerTurnsHeard ?? 0) >= 2,
    undefined,
    { timeout: SCENE_TIMEOUT_MS },
  );
  await page.getByRole('list', { name: 'Latest reactions' }).waitFor({ timeout: SCENE_TIMEOUT_MS });
  await shoot(page, '03-stage-running');
  await keyboardWalk(page, 'stage running');

  await page.getByRole('button', { name: 'End scene' }).click();
  await page.getByRole('button', { name: 'End now' }).click();
  // While the MC closes the scene aloud and the coach writes (up to ~25 s), the stage is taking its bow.
  await page.getByText('Taking a bow…').waitFor();
  await shoot(page, '03b-stage-ending');
  await page.getByRole('region', { name: 'Coach’s notes' }).waitFor({ timeout: SCENE_TIMEOUT_MS });
  await shoot(page, '04-stage-coach-notes');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await page.locator('[data-session-id]').first().waitFor();
  await shoot(page, '05-history-list');
  await keyboardWalk(page, 'history list');

  await page.locator('[data-session-id]').first().click();
  await page.getByRole('log', { name: 'Transcript' }).waitFor();
  await shoot(page, '06-history-detail');

  await page.getByRole('button', { name: 'Delete scene' }).click();
  await shoot(page, '06b-history-delete-confirm');
  await page.getByRole('button', { name: 'Keep it' }).click();
  await page.getByRole('link', { name: /Coach’s notes/ }).click();
  await page.locator('[data-coach-source]').waitFor();
  await shoot(page, '07-coach-report');
  await keyboardWalk(page, 'coach report');

  await page.goto(`${BASE_URL}/no/such/page`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await shoot(page, '08-not-found');
  await keyboardWalk(page, 'not found');

  await page.goto(`${BASE_URL}/?demo=coach-fallback`);
  await page.locator('[data-coach-source="fallback"]').waitFor();
  await shoot(page, '09-stage-coach-fallback');
  await context.close();
}

/** The stage's moments and controls, on a silent-then-speaking mic (stage.wav: 30 s of silence first). */
async function controlScreens(browser: Browser, relay: ChildProcess): Promise<void> {
  const context = await browser.newContext({ viewport: DESKTOP });
  await context.grantPermissions(['microphone']);
  const page = await context.newPage();
  await page.goto(BASE_URL);
  await page.getByRole('button', { name: 'Check my mic' }).click();
  await page.locator('[data-mic-check="listening"]').waitFor({ timeout: SCENE_TIMEOUT_MS });
  await shoot(page, '12-first-visit-mic-check');
  await page.getByRole('button', { name: 'Start scene' }).click();
  await page.locator('[data-moment="mc"]').waitFor({ timeout: SCENE_TIMEOUT_MS });
  await shoot(page, '13-stage-mc-intro');
  await page.getByRole('button', { name: 'Skip intro' }).click();
  await page.locator('[data-moment="you"]').waitFor();
  await shoot(page, '14-stage-your-turn');
  await page.getByRole('button', { name: 'Mute' }).click();
  await shoot(page, '15-stage-muted');
  await page.getByRole('button', { name: 'Unmute' }).click();
  await page.getByRole('button', { name: 'Pause' }).click();
  await shoot(page, '16-stage-paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  // The player's line ended and the partner has not started yet (the model's think time, ~300 ms offline).
  await page.locator('[data-moment="partner-thinking"]').waitFor({ timeout: SCENE_TIMEOUT_MS });
  await shoot(page, '16b-stage-partner-thinking');
  await page.locator('[data-live-caption="partner"]').waitFor({ timeout: SCENE_TIMEOUT_MS });
  await shoot(page, '17-stage-partner-caption');
  // The relay freezes (as a stalled instance would): the stage says it is reconnecting, then resumes.
  relay.kill('SIGSTOP');
  try {
    await page.locator('[data-moment="reconnecting"]').waitFor({ timeout: SCENE_TIMEOUT_MS });
    await shoot(page, '17b-stage-reconnecting');
  } finally {
    relay.kill('SIGCONT');
  }
  await page.locator('[data-moment="reconnecting"]').waitFor({ state: 'detached', timeout: SCENE_TIMEOUT_MS });
  await page.getByRole('button', { name: 'End scene' }).click();
  await shoot(page, '18-stage-end-pending');
  await page.getByRole('button', { name: 'End now' }).click();
  await context.close();
}

async function errorScreens(browser: Browser): Promise<void> {
  // A fake device but no fake permission prompt: getUserMedia is refused, as when a player says no.
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  await page.goto(BASE_URL);
  await page.getByRole('button', { name: 'Start scene' }).click();
  await page.getByRole('alert').waitFor();
  await shoot(page, '10-error-mic-denied');
  await keyboardWalk(page, 'error banner');

  await page.goto(`${BASE_URL}/history/no-such-scene`);
  await page
    .getByRole('alert')
    .or(page.getByRole('heading', { name: 'Scene not found' }))
    .first()
    .waitFor();
  await shoot(page, '11-history-scene-not-found');
  await context.close();
}

async function main(): Promise<void> {
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const relay = startRelay();
  try {
    await waitForReady();
    const executablePath = findChromium();
    const withMic = await chromium.launch({ executablePath, args: [...CHROMIUM_BASE_ARGS, ...fakeMicArgs(MIC_WAV)] });
    try {
      await sceneScreens(withMic);
      await reducedMotionCheck(withMic);
    } finally {
      await withMic.close();
    }
    const staged = await chromium.launch({ executablePath, args: [...CHROMIUM_BASE_ARGS, ...fakeMicArgs(STAGE_WAV)] });
    try {
      await controlScreens(staged, relay);
    } finally {
      await staged.close();
    }
    const denied = await chromium.launch({
      executablePath,
      args: [...CHROMIUM_BASE_ARGS, '--use-fake-device-for-media-stream'],
    });
    try {
      await errorScreens(denied);
    } finally {
      await denied.close();
    }
  } finally {
    relay.kill('SIGTERM');
  }
  writeFileSync(join(OUT_DIR, 'report.txt'), `${report.join('\n')}\n`);
  console.log(report.join('\n'));
  console.log(`screens in ${OUT_DIR}`);
}

await main();
