// The same scene (conversation.wav, three lines) in a real Chromium twice: against the Live emulator's tidy mode and
// against its real-habits mode (input transcription in pieces after the reply's first audio and never finished,
// output tails after turnComplete, binary frames). Each run's page shows exactly what Firestore stores, and both
// runs show and store the same scene: every line on its own turn, no reply's words in another, no phantom turn.
import { expect, type Page, test } from '@playwright/test';
import { type EmulatorProcess as LiveProcess, spawnEmulator } from '../relay/live/emulator-process.js';
import { GAME_LINES } from '../relay/live-emulator/game-lines.js';
import { IMPROV_LINES } from '../relay/live-emulator/script.js';
import { createLogger } from '../relay/log.js';
import { type EmulatorProcess, spawnFirestoreEmulator } from '../relay/store/emulator-process.js';
import { type RelayProcess, startRelayProcess } from '../relay/test/relay-process.js';
import type { SessionDetailJson } from '../shared/api.js';
import { DEFAULT_AUDIENCE_ID, DEFAULT_PERSONA_ID } from '../shared/cast.js';
import { DEFAULT_GAME_ID, DEFAULT_PARTNER_VOICE, gameOrDefault } from '../shared/games.js';
import { drawSuggestion } from '../shared/stage.js';
import { manifest, micFrom, probe } from './fixtures.js';

test.use(micFrom('conversation.wav'));

// The emulator picks its lines from the scene's system instruction (game, suggestion, persona): both runs must
// play the same scene setup. Each relay is its own origin (own localStorage), so the page is given it up front.
const SETUP = {
  suggestion: drawSuggestion(gameOrDefault(DEFAULT_GAME_ID), 17),
  partnerVoice: DEFAULT_PARTNER_VOICE,
  persona: DEFAULT_PERSONA_ID,
  audience: DEFAULT_AUDIENCE_ID,
};

test.beforeEach(async ({ page }) => {
  await page.addInitScript(
    ([game, setup]) => {
      localStorage.setItem('iol.game', game);
      localStorage.setItem('iol.setup', setup);
    },
    [DEFAULT_GAME_ID, JSON.stringify(SETUP)] as const,
  );
});

/** Beside the suite's own relay (E2E_PORT) and relay-restart's (+11). */
const PORT = Number(process.env.E2E_PORT ?? 8787) + 12;
const SEED = 5;
let firestore: EmulatorProcess | null = null;
const lives: LiveProcess[] = [];
const relays: RelayProcess[] = [];

test.beforeAll(async () => {
  firestore = await spawnFirestoreEmulator({ port: 0 });
});

test.afterAll(async () => {
  for (const relay of relays) relay.kill();
  await Promise.allSettled([firestore?.stop('SIGTERM', 2_000), ...lives.map((live) => live.close())]);
});

async function relayWith(habits: 'tidy' | 'real', port: number): Promise<RelayProcess> {
  const live = await spawnEmulator(createLogger('warn', { component: `e2e-live-${habits}` }), [
    '--seed',
    String(SEED),
    '--habits',
    habits,
    '--habits-seed',
    '2',
  ]);
  lives.push(live);
  const relay = await startRelayProcess({
    PORT: String(port),
    LIVE_EMULATOR_URL: live.url,
    FIRESTORE_EMULATOR_HOST: firestore!.host,
    STATIC_DIR: 'dist',
  });
  relays.push(relay);
  return relay;
}

async function shownLines(page: Page): Promise<string[]> {
  const entries = page
    .getByRole('log', { name: 'Transcript' })
    .locator('[data-speaker="player"], [data-speaker="partner"]');
  const lines: string[] = [];
  for (const entry of await entries.all()) {
    const speaker = await entry.getAttribute('data-speaker');
    const text = (await entry.locator(':scope > span:nth-of-type(2)').textContent())?.trim() ?? '';
    lines.push(`${speaker}: ${text}`);
  }
  return lines;
}

interface Scene {
  shown: string[];
  stored: string[];
  /** Replies played out whole (not cut by a barge-in or an early VAD end). */
  wholeReplies: string[];
}

async function playScene(page: Page, habits: 'tidy' | 'real', port: number): Promise<Scene> {
  const relay = await relayWith(habits, port);
  await page.goto(`${relay.url}/?test-hooks=1`);
  await page.getByRole('button', { name: 'Start scene' }).click();
  const utterances = manifest.files['conversation.wav']?.speech.length ?? 0;
  await expect.poll(async () => (await probe(page)).partnerTurnsHeard, { timeout: 60_000 }).toBe(utterances);
  // The last reply played out whole: End scene during it would cut it at a point that differs run to run.
  await expect.poll(async () => (await probe(page)).partnerSpeaking, { timeout: 20_000 }).toBe(false);
  const sessionId = await page.evaluate(
    () => (window as unknown as { __improv: { sessionId: string } }).__improv.sessionId,
  );
  await page.getByRole('button', { name: 'End scene' }).click();
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeVisible({ timeout: 30_000 });
  const shown = await shownLines(page);
  let detail: SessionDetailJson | null = null;
  await expect
    .poll(
      async () => {
        const reply = await page.request.get(`${relay.url}/api/sessions/${sessionId}`);
        detail = reply.ok() ? ((await reply.json()) as SessionDetailJson) : null;
        return detail?.status;
      },
      { timeout: 15_000 },
    )
    .toBe('completed');
  const stored = detail!.turns
    .filter((turn) => turn.speaker === 'player' || turn.speaker === 'partner')
    .map((turn) => `${turn.speaker}: ${turn.text.trim()}`);
  const wholeReplies = detail!.turns
    .filter((turn) => turn.speaker === 'partner' && !turn.interrupted)
    .map((turn) => `partner: ${turn.text.trim()}`);
  console.log(`${habits}: ${JSON.stringify(stored)}`);

  return { shown, stored, wholeReplies };
}

/** The player's line is the emulator's placeholder with its duration; the VAD's timing varies run to run. */
const masked = (lines: string[]) =>
  lines.map((line) => line.replace(/\(player speech, \d+\.\d s\)/, '(player speech)'));

test('a scene through the real-habits emulator is shown and stored exactly as through the tidy one', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const tidy = await playScene(page, 'tidy', PORT);
  const real = await playScene(page, 'real', PORT + 1);
  for (const scene of [tidy, real]) {
    expect(scene.shown).toEqual(scene.stored);
    // Every turn has words (no empty or phantom turn), each reply a whole scripted line of its own.
    expect(scene.stored.every((line) => !line.endsWith(': '))).toBe(true);
    const replies = scene.stored.filter((line) => line.startsWith('partner: '));
    expect(replies.length).toBeGreaterThanOrEqual(3);
  }
  expect(masked(real.stored)).toEqual(masked(tidy.stored));
  expect(masked(real.shown)).toEqual(masked(tidy.shown));
  // Each reply is a whole line of the emulator's script: no reply's words in another turn.
  const script = new Set([...(GAME_LINES[DEFAULT_GAME_ID] ?? IMPROV_LINES)].map((line) => `partner: ${line}`));
  for (const scene of [tidy, real]) {
    expect(scene.wholeReplies.length).toBeGreaterThanOrEqual(3);
    expect(scene.wholeReplies.filter((line) => !script.has(line))).toEqual([]);
  }
});
