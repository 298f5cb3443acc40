// Context economy (issue #17) through the browser, the relay and the Live emulator as separate processes: with a
// low LIVE_ROTATE_AFTER_AUDIO_TOKENS the scene moves to a fresh Live session after each reply, told the scene as
// text. Every line of conversation.wav is still answered aloud, the third and later fresh sessions are still told
// the partner's first line (the scene remembers it), and the stage shows what the scene has cost so far.

import { expect, type Page, test } from '@playwright/test';
import { micFrom, probe, startScene } from './fixtures.js';
import { type SideRelay, startSideRelay } from './side-relay.js';

test.use(micFrom('conversation.wav'));

let side: SideRelay | null = null;

test.beforeAll(async () => {
  // A reply's context holds a line (~150 tokens) and the reply (~120): the scene rotates after every reply.
  side = await startSideRelay(15, { LIVE_ROTATE_AFTER_AUDIO_TOKENS: '100' });
});

test.afterAll(async () => {
  await side?.stop();
});

/** The history told to fresh Live sessions by a rotation, in order. */
async function toldOnRotation(): Promise<string[]> {
  const reply = await fetch(`${side!.live.url}/debug/client-contents`);
  const contents = (await reply.json()) as Array<{ text: string }>;
  return contents.map((content) => content.text).filter((text) => text.includes('The scene goes on.'));
}

async function partnerLines(page: Page): Promise<string[]> {
  const transcript = (await probe(page)) as unknown as {
    transcript: Array<{ speaker: string; text: string; final: boolean }>;
  };
  return transcript.transcript.filter((t) => t.speaker === 'partner' && t.final).map((t) => t.text);
}

test('the scene moves to fresh Live sessions told it as text, remembers its first line, and shows its cost', async ({
  page,
}) => {
  await page.goto(`${side!.relay.url}/`);
  await startScene(page, { navigate: false });
  // Every line of the WAV (three) is answered aloud: a rotation adds no gap a player would hear as silence.
  await expect.poll(async () => (await probe(page)).partnerTurnsHeard, { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
  await expect.poll(async () => (await partnerLines(page)).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
  // The third rotation follows the third reply, once the scene is quiet.
  await expect.poll(async () => (await toldOnRotation()).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  const first = (await partnerLines(page))[0]!;
  expect((await toldOnRotation()).at(-1)).toContain(first);
  // The stage says what the scene has cost so far (Live's usage at the model's list price).
  await expect(page.locator('[data-cost-usd]')).toContainText(/\$0\.\d{3} so far/);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
