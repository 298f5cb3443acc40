// The per-day limits against the Firestore emulator: scenes a day and speaking minutes per player, the fleet's
// daily spend, counted in transactions so two relay instances cannot both admit the same player's last scene.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnonymousCookieAuthenticator, IDENTITY_COOKIE_NAME } from '../auth/authenticator.js';
import { type EmulatorProcess, spawnFirestoreEmulator } from '../store/emulator-process.js';
import { createFirestore } from '../store/firestore.js';
import { LOCAL_PROJECT_ID } from '../store/persistence.js';
import { startHarness } from '../test/harness.js';
import { hello, openWsClient } from '../test/ws-scene.js';
import { DailyLimits, dailyLimitsFromEnv, resetsIn, USAGE_COLLECTION } from './daily-limits.js';

let firestore: EmulatorProcess;
let db: ReturnType<typeof createFirestore>;
let day = 0;

beforeAll(async () => {
  firestore = await spawnFirestoreEmulator({ port: 0 });
  db = createFirestore({ projectId: LOCAL_PROJECT_ID, emulatorHost: firestore.host });
}, 60_000);

afterAll(async () => {
  await db?.terminate();
  await firestore?.stop('SIGTERM', 2_000);
});

/** Each test plays on its own UTC day, 20:30 of it. */
function freshDay(): () => Date {
  const at = new Date(Date.UTC(2026, 0, 1 + day++, 20, 30));
  return () => at;
}

describe('daily limits', () => {
  it('admits a player’s scenes up to the day’s count, across instances, then refuses with when it resets', async () => {
    const now = freshDay();
    const settings = { scenesPerDay: 3, audioMinutesPerDay: 0, dailyBudgetUsd: 0 };
    const a = new DailyLimits(db, settings, { now });
    const b = new DailyLimits(db, settings, { now });
    // Six hellos at once on two instances: exactly three are admitted.
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).admit('ada')));
    expect(results.filter((r) => r === null)).toHaveLength(3);
    const refused = results.find((r) => r !== null)!;
    expect(refused.code).toBe('limit.scenes_per_day');
    expect(refused.message).toContain('resets at midnight UTC, in 3 h 30 min');
    // Another player is not affected.
    expect(await a.admit('bo')).toBeNull();
  });

  it('refuses a player who spoke the day’s minutes, and every new scene once the fleet spent the day’s budget', async () => {
    const now = freshDay();
    const limits = new DailyLimits(db, { scenesPerDay: 0, audioMinutesPerDay: 2, dailyBudgetUsd: 0.5 }, { now });
    expect(await limits.admit('ada')).toBeNull();
    await limits.record('ada', { audioSeconds: 119, costUsd: 0.2 });
    expect(await limits.admit('ada')).toBeNull();
    await limits.record('ada', { audioSeconds: 1, costUsd: 0.2 });
    expect(await limits.admit('ada')).toMatchObject({ code: 'limit.audio_minutes' });
    expect(await limits.admit('bo')).toBeNull();
    // The fleet: spend spread over shards, summed on admission.
    await limits.record('bo', { audioSeconds: 10, costUsd: 0.1 });
    expect(await limits.admit('cy')).toMatchObject({ code: 'limit.daily_budget' });
    expect(await limits.admit(undefined)).toMatchObject({ code: 'limit.daily_budget' });
    const spend = await db.collection(USAGE_COLLECTION).doc('2026-01-02').collection('spend').get();
    expect(spend.docs.reduce((sum, doc) => sum + Number(doc.get('costUsd')), 0)).toBeCloseTo(0.5, 6);
  });

  it('counts what a scene used from the session’s events when it ends', async () => {
    const now = freshDay();
    const limits = new DailyLimits(db, { scenesPerDay: 0, audioMinutesPerDay: 1, dailyBudgetUsd: 0 }, { now });
    const observer = limits.usageObserver('gemini-3.8-live');
    const startedAt = new Date(0);
    observer.onSessionStarted?.({ sessionId: 's1', game: 'yes-and', ownerId: 'ada', upstream: 'emulator', startedAt });
    const line = (seconds: number, cancelled = false) =>
      observer.onTurnEnded?.({
        sessionId: 's1',
        speaker: 'player',
        turnId: 1,
        startedAt,
        endedAt: new Date(seconds * 1000),
        text: '',
        interrupted: cancelled,
        cancelled,
      });
    line(40);
    line(30, true); // cut by a drop and cancelled: never heard, not counted
    line(25);
    observer.onUsage?.({
      sessionId: 's1',
      usage: {
        inputAudioTokens: 2080,
        outputAudioTokens: 1000,
        inputTextTokens: 0,
        outputTextTokens: 0,
        totalTokens: 3080,
      },
      at: startedAt,
    });
    observer.onSessionEnded?.({
      sessionId: 's1',
      reason: 'ended',
      endedAt: startedAt,
      uplink: {} as never,
      downlink: { framesSent: 0, framesDropped: 0 },
      turns: 3,
    });
    const player = db.collection(USAGE_COLLECTION).doc('2026-01-03').collection('players').doc('ada');
    await expect.poll(async () => (await player.get()).get('audioSeconds'), { timeout: 5_000 }).toBe(65);
    expect(await limits.admit('ada')).toMatchObject({ code: 'limit.audio_minutes' });
  });

  it('reads its settings: per-player limits by default only for signed-in players; 0 turns a limit off', () => {
    expect(dailyLimitsFromEnv({})).toEqual({ scenesPerDay: 0, audioMinutesPerDay: 0, dailyBudgetUsd: 0 });
    expect(dailyLimitsFromEnv({ AUTH_MODE: 'google' })).toEqual({
      scenesPerDay: 10,
      audioMinutesPerDay: 60,
      dailyBudgetUsd: 0,
    });
    expect(dailyLimitsFromEnv({ SCENES_PER_DAY: '4', DAILY_BUDGET_USD: '25.5' })).toMatchObject({
      scenesPerDay: 4,
      dailyBudgetUsd: 25.5,
    });
    expect(() => dailyLimitsFromEnv({ SCENES_PER_DAY: '-1' })).toThrow(/SCENES_PER_DAY/);
    expect(resetsIn(new Date(Date.UTC(2026, 0, 1, 23, 59, 30)))).toBe('resets at midnight UTC, in 1 min');
  });
});

describe('a relay with daily limits', () => {
  it('refuses a player’s hello past the day’s scenes with limit.scenes_per_day; another player still plays', async () => {
    const limits = new DailyLimits(
      db,
      { scenesPerDay: 2, audioMinutesPerDay: 0, dailyBudgetUsd: 0 },
      { now: freshDay() },
    );
    const authenticator = new AnonymousCookieAuthenticator({ secret: 'daily-limits-test' });
    const harness = await startHarness({
      emulator: { realtime: false },
      relay: { authenticator, admitNewScene: (userId) => limits.admit(userId) },
    });
    const clients: Awaited<ReturnType<typeof openWsClient>>[] = [];
    try {
      const scene = async (player: string) => {
        const client = await openWsClient(harness.relay.url, {
          headers: { cookie: `${IDENTITY_COOKIE_NAME}=${authenticator.sign(player)}` },
        });
        clients.push(client);
        client.send(hello());
        const reply = await client.waitFor((m) => m.type === 'welcome' || m.type === 'error', 10_000);
        if (reply.type === 'welcome') {
          client.send({ type: 'scene.end' });
          await client.waitFor((m) => m.type === 'session.ended', 30_000);
        }
        return reply;
      };
      expect((await scene('anon_ada')).type).toBe('welcome');
      expect((await scene('anon_ada')).type).toBe('welcome');
      expect(await scene('anon_ada')).toMatchObject({ type: 'error', code: 'limit.scenes_per_day', fatal: true });
      expect((await scene('anon_bo')).type).toBe('welcome');
    } finally {
      for (const client of clients) client.close();
      await harness.close();
    }
  }, 90_000);
});
