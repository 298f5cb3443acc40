// Every line lands (issue #13). A line the player is speaking when the relay freezes (SIGSTOP, then SIGCONT) or
// the network blips is kept by the page's outbox and sent whole once the connection is back: the reply to that
// line is heard, and the line and its reply are stored, once. A line spoken into an outage longer than the
// outbox's bound (20 s) is not sent: the stage says "That line didn't reach the stage — say it again" and the
// transcript marks it; a later line spoken during the same outage is still delivered.
// conversation.wav: speech at 1.0–6.4 s, 12.4–17.0 s, 23.0–25.7 s. Firestore and the Live emulator run outside
// the relay process (as Google's services do), so only the relay freezes.

import { expect, type Page, test } from '@playwright/test';
import type { SessionDetailJson } from '../shared/api.js';
import { expectNoAxeViolations } from './a11y.js';
import { connectionOrAlert, micFrom, probe, startScene as startSceneHere } from './fixtures.js';
import { type SideRelay, startSideRelay } from './side-relay.js';

test.use(micFrom('conversation.wav'));

let side: SideRelay | null = null;
let relay: SideRelay['relay'] | null = null;

test.beforeAll(async () => {
  side = await startSideRelay(12, { RELAY_SECRET: 'e2e-outbox' });
  relay = side.relay;
});

test.afterEach(async ({ page }, testInfo) => {
  // A failed test must not leave the relay frozen for the next one.
  relay?.child.kill('SIGCONT');
  if (testInfo.status === testInfo.expectedStatus) return;
  // CI shows only the output: what the page showed and what the relay logged (warnings and up) say why.
  const shown = await connectionOrAlert(page).catch((error: unknown) => `page not readable: ${String(error)}`);
  console.log(`page: ${shown}\nrelay log (tail):\n${relay?.stderr().slice(-4_000)}`);
});

test.afterAll(async () => {
  await side?.stop();
});

interface Outage {
  reconnects: number;
  queuedUtterances: number;
  lostLines: number;
  resentLines: number;
}

interface Timeline {
  partnerTurns: { turnId: number; answersUtteranceId: number | null; audibleAtMs: number | null }[];
}

const connectionState = (page: Page) =>
  page.getByRole('status', { name: 'Connection' }).locator('[data-state]').getAttribute('data-state');
const outage = (page: Page) =>
  page.evaluate(() => (window as unknown as { __improv: { outage: Outage | null } }).__improv.outage);
const sessionIdOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { __improv: { sessionId: string } }).__improv.sessionId);

/** Whether a partner turn answering utterance `utteranceId` became audible on the page's speakers. */
async function replyHeard(page: Page, utteranceId: number): Promise<boolean> {
  const timeline = await page.evaluate(() =>
    JSON.parse(JSON.stringify((window as unknown as { __improv: { timeline: unknown } }).__improv.timeline)),
  );
  return (timeline as Timeline).partnerTurns.some(
    (turn) => turn.answersUtteranceId === utteranceId && turn.audibleAtMs !== null,
  );
}

async function startScene(page: Page): Promise<string> {
  await page.goto(`${relay!.url}/`);
  await startSceneHere(page, { navigate: false });
  // The mic runs (the fixture WAV starts playing when it opens): the VAD's wasm is slow on a loaded machine.
  const phase = () =>
    page.evaluate(() => (window as unknown as { __improv: { scenePhase: string } }).__improv.scenePhase);
  await expect.poll(phase, { timeout: 60_000 }).toBe('running');
  return sessionIdOf(page);
}

interface Utterances {
  captureStartedAtMs: number | null;
  utterances: { utteranceId: number; firstFrameCapturedAtMs: number | null; lastFrameCapturedAtMs: number | null }[];
}

async function timelineOf(page: Page): Promise<Utterances> {
  return (await page.evaluate(() =>
    JSON.parse(JSON.stringify((window as unknown as { __improv: { timeline: unknown } }).__improv.timeline)),
  )) as Utterances;
}

/** Utterance `id`'s audio as captured, in seconds (first to last frame, 20 ms each). */
async function capturedSeconds(page: Page, id: number): Promise<number> {
  const utterance = (await timelineOf(page)).utterances.find((u) => u.utteranceId === id);
  if (!utterance?.firstFrameCapturedAtMs || !utterance.lastFrameCapturedAtMs) return Number.NaN;
  return (utterance.lastFrameCapturedAtMs - utterance.firstFrameCapturedAtMs + 20) / 1000;
}

/**
 * Waits until the WAV's second line (12.4–17.0 s) is being spoken and is going out as an utterance: the moment
 * for a fault. Returns that utterance's id (on a loaded machine the VAD may have run it together with the first).
 */
async function secondLineUnderway(page: Page): Promise<number> {
  const underway = async (): Promise<number | null> => {
    const timeline = await timelineOf(page);
    const start = timeline.captureStartedAtMs;
    if (start === null) return null;
    const open = timeline.utterances.find(
      (u) => u.lastFrameCapturedAtMs !== null && u.lastFrameCapturedAtMs - start >= 12_800,
    );
    return open?.utteranceId ?? null;
  };
  await expect.poll(underway, { timeout: 60_000, intervals: [50] }).not.toBeNull();
  return (await underway())!;
}

/** conversation.wav's lines. A loaded machine's VAD may split one (two utterances) or run two together (one). */
const WAV_LINES = 3;

/**
 * Once the WAV is over (26 s of it, plus the VAD's hangover), every line is answered: the last utterance's reply
 * is heard, and a reply after each of the WAV's lines. Not one per utterance: when the VAD splits a line at a
 * pause, its second piece starts before the first piece's reply begins, and Live answers the two as one turn.
 * Returns how many utterances the page sent.
 */
async function everyLineAnswered(page: Page): Promise<number> {
  const wavOver = () =>
    page.evaluate(() => {
      const start = (window as unknown as { __improv: { timeline: { captureStartedAtMs: number | null } } }).__improv
        .timeline.captureStartedAtMs;
      return start !== null && performance.now() - start > 27_000;
    });
  await expect.poll(wavOver, { timeout: 60_000 }).toBe(true);
  const utterances = (await probe(page)).utterancesSent;
  await expect.poll(() => replyHeard(page, utterances), { timeout: 60_000 }).toBe(true);
  expect((await probe(page)).partnerTurnsHeard).toBeGreaterThanOrEqual(Math.min(utterances, WAV_LINES));
  return utterances;
}

async function storedScene(page: Page, sessionId: string): Promise<SessionDetailJson> {
  let detail: SessionDetailJson | null = null;
  await expect
    .poll(
      async () => {
        const reply = await page.request.get(`${relay!.url}/api/sessions/${sessionId}`);
        detail = reply.ok() ? ((await reply.json()) as SessionDetailJson) : null;
        return detail?.status ?? `HTTP ${reply.status()}`;
      },
      { timeout: 20_000 },
    )
    .toBe('completed');
  return detail!;
}

async function endScene(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'End scene' }).click();
  await expect(page.getByRole('button', { name: 'Start scene' })).toBeVisible({ timeout: 40_000 });
}

/** Seconds of player audio the Live emulator heard for a line: "(player speech, 4.9 s)". */
const heardSeconds = (text: string) => Number(/player speech, ([\d.]+) s/.exec(text)?.[1] ?? Number.NaN);

/**
 * The stored scene holds every line the page spoke exactly once (none cancelled, none doubled); the line the
 * fault cut (the WAV's 2nd, 4.6 s long) whole, once, and followed by its reply. A piece the VAD split off a line
 * with no words of its own and no reply before the next piece is not a line (relay/session/turn-log.ts).
 */
function expectEveryLineOnce(detail: SessionDetailJson, utterances: number, cutSeconds: number) {
  const lines = detail.turns.filter((t) => t.speaker === 'player' || t.speaker === 'partner');
  const players = lines.filter((t) => t.speaker === 'player');
  expect(players.length).toBeGreaterThanOrEqual(Math.min(utterances, WAV_LINES));
  expect(players.length).toBeLessThanOrEqual(utterances);
  expect(players.every((t) => !t.interrupted)).toBe(true);
  // Whole and once: the model heard as much audio as the page captured for the line (its frames may lose a few on
  // the lossy channel), not a piece of it, nor a piece plus the whole.
  expect(cutSeconds).toBeGreaterThan(4);
  const cut = players.filter(
    (t) => heardSeconds(t.text) > cutSeconds - 0.3 && heardSeconds(t.text) <= cutSeconds + 0.05,
  );
  expect(cut, `a stored line of ${cutSeconds} s in ${JSON.stringify(players.map((t) => t.text))}`).toHaveLength(1);
  expect(lines[lines.indexOf(cut[0]!) + 1]?.speaker).toBe('partner');
}

test('the relay freezes (SIGSTOP 6 s) while a line is spoken: the line is resent, its reply heard and stored', async ({
  page,
}) => {
  const sessionId = await startScene(page);
  const cutLine = await secondLineUnderway(page);
  relay!.child.kill('SIGSTOP');
  const frozenAtMs = Date.now();
  await expect.poll(() => connectionState(page), { timeout: 10_000, intervals: [100] }).toBe('reconnecting');
  // While the connection is down the stage does not invite a line as if all were well.
  await expect(page.getByText(/Reconnecting to the stage/)).toBeVisible();
  await expect(page.getByText(/You’re on/)).toHaveCount(0);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 6_000 - (Date.now() - frozenAtMs))));
  relay!.child.kill('SIGCONT');
  await expect.poll(() => connectionState(page), { timeout: 30_000, intervals: [100] }).toBe('connected');

  await expect.poll(() => replyHeard(page, cutLine), { timeout: 30_000 }).toBe(true);
  expect(await outage(page)).toMatchObject({ lostLines: 0 });
  expect((await outage(page))!.resentLines).toBeGreaterThanOrEqual(1);
  // Every line of the WAV answered, then the scene ends and the store is read back.
  const utterances = await everyLineAnswered(page);
  const cutSeconds = await capturedSeconds(page, cutLine);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await endScene(page);
  expectEveryLineOnce(await storedScene(page, sessionId), utterances, cutSeconds);
});

test('the network blips while a line is spoken: the line is resent, its reply heard and stored', async ({
  page,
  context,
}) => {
  const sessionId = await startScene(page);
  const cutLine = await secondLineUnderway(page);
  // Mid-line the browser goes offline for a moment (the page drops its connection at once) and comes back.
  await context.setOffline(true);
  await expect.poll(() => connectionState(page), { timeout: 5_000, intervals: [50] }).toBe('reconnecting');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await context.setOffline(false);
  await expect.poll(() => connectionState(page), { timeout: 15_000, intervals: [100] }).toBe('connected');

  await expect.poll(() => replyHeard(page, cutLine), { timeout: 30_000 }).toBe(true);
  expect(await outage(page)).toMatchObject({ lostLines: 0 });
  expect((await outage(page))!.resentLines).toBeGreaterThanOrEqual(1);
  const utterances = await everyLineAnswered(page);
  const cutSeconds = await capturedSeconds(page, cutLine);
  await endScene(page);
  expectEveryLineOnce(await storedScene(page, sessionId), utterances, cutSeconds);
});

test('a line spoken into an outage longer than the bound is named on the stage and marked; a later one lands', async ({
  page,
}) => {
  const sessionId = await startScene(page);
  const cutLine = await secondLineUnderway(page);
  relay!.child.kill('SIGSTOP');
  // The cut line ends at 17.0 s in the WAV; the next one (23.0–25.7 s) is spoken into the outage too.
  await expect.poll(async () => (await probe(page)).utterancesSent, { timeout: 30_000 }).toBeGreaterThan(cutLine);
  expect(await connectionState(page)).toBe('reconnecting');
  const lastLine = await lastLineEnded(page);
  // The WAV is over (no line for axe's work on the main thread to disturb); the stage still says it reconnects.
  await expect(page.getByText(/Reconnecting to the stage/)).toBeVisible();
  await expectNoAxeViolations(page, 'stage, reconnecting');
  // The relay wakes when the cut line (its last piece, should the VAD have split it) ended 22.5 s ago, past the
  // outbox's 20 s bound (counted from the VAD's end, a little later), and the last line ~14 s ago: it has ~6 s to
  // reconnect before that one is past the bound too. Timed on the page's capture clock, whatever axe took.
  const wakeInMs = await page.evaluate(
    ({ lastCut }) => {
      const timeline = (
        window as unknown as {
          __improv: { timeline: { utterances: { utteranceId: number; lastFrameCapturedAtMs: number | null }[] } };
        }
      ).__improv.timeline;
      const ended = timeline.utterances.find((u) => u.utteranceId === lastCut)?.lastFrameCapturedAtMs ?? null;
      return ended === null ? null : ended + 22_500 - performance.now();
    },
    { lastCut: lastLine - 1 },
  );
  expect(wakeInMs, 'the cut line has an end on the page').not.toBeNull();
  expect(wakeInMs!, 'the last line is still inside the bound when the relay wakes').toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, wakeInMs!));
  relay!.child.kill('SIGCONT');
  await expect.poll(() => connectionState(page), { timeout: 30_000, intervals: [100] }).toBe('connected');

  await expect(page.getByRole('alert')).toContainText('That line didn’t reach the stage — say it again');
  const lost = page.getByRole('log', { name: 'Transcript' }).locator('[data-speaker="player"][data-lost="true"]');
  // The cut line (two utterances, should a loaded machine's VAD have split it) is marked, each one named.
  await expect(lost.first()).toContainText('didn’t reach the stage');
  await expect.poll(() => replyHeard(page, lastLine), { timeout: 30_000 }).toBe(true);
  const lostLines = (await outage(page))!.lostLines;
  expect(lostLines).toBeGreaterThanOrEqual(1);
  expect(lostLines).toBeLessThanOrEqual(2);
  await expect(lost).toHaveCount(lostLines);
  // The last reply plays out before End scene, which would otherwise store it cut.
  await expect.poll(async () => (await probe(page)).partnerSpeaking, { timeout: 20_000 }).toBe(false);
  await endScene(page);

  const detail = await storedScene(page, sessionId);
  // The lost line was never answered (its first frames may have reached the relay before the freeze: then it is
  // stored cancelled): two replies are stored, to the first line (in two pieces, should the VAD have split it)
  // and to the last one, which is stored whole.
  const lines = detail.turns.filter((t) => t.speaker === 'player' || t.speaker === 'partner');
  const replies = lines.filter((t) => t.speaker === 'partner' && !t.interrupted);
  expect(replies).toHaveLength(2);
  const lastAnswered = lines[lines.indexOf(replies[1]!) - 1]!;
  expect(lastAnswered.speaker).toBe('player');
  expect(lastAnswered.interrupted).toBe(false);
  expect(heardSeconds(lastAnswered.text)).toBeGreaterThan(2);
});

/** Once the WAV is over (its last line ended 1.3 s before, past the VAD's hangover): the last utterance's id. */
async function lastLineEnded(page: Page): Promise<number> {
  const ended = () =>
    page.evaluate(() => {
      const { timeline, utterancesSent } = (
        window as unknown as { __improv: { utterancesSent: number; timeline: { captureStartedAtMs: number | null } } }
      ).__improv;
      const start = timeline.captureStartedAtMs;
      return start !== null && performance.now() - start > 27_000 ? utterancesSent : null;
    });
  await expect.poll(ended, { timeout: 30_000 }).not.toBeNull();
  return (await ended())!;
}
