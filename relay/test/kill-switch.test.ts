// The kill switch end to end (issue #12): the billing budget's Pub/Sub push, signed as Google signs it (a local
// issuer on loopback), closes the stage in Firestore (the emulator); new scenes are refused with `stage.closed`
// while a scene already playing goes on; a forged, foreign or unsigned push changes nothing; the next month's
// notification opens only a stage the budget closed; another instance sees the flip on its next poll.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUDGET_PUSH_PATH, type BudgetNotification } from '../http/budget-route.js';
import { STAGE_SWITCH_COLLECTION, STAGE_SWITCH_DOC, StageSwitch } from '../limits/stage-switch.js';
import { type EmulatorProcess, spawnFirestoreEmulator } from '../store/emulator-process.js';
import { createFirestore } from '../store/firestore.js';
import { LOCAL_PROJECT_ID } from '../store/persistence.js';
import { type Harness, startHarness } from './harness.js';
import { type LocalIssuer, startLocalIssuer } from './local-google-issuer.js';
import { hello, openWsClient, type WsClient } from './ws-scene.js';

const AUDIENCE = 'https://relay.example/api/ops/budget';
const PUSHER = 'budget-push@improv-test.iam.gserviceaccount.com';

let firestore: EmulatorProcess;
let issuer: LocalIssuer;
let db: ReturnType<typeof createFirestore>;
let harness: Harness | undefined;
const switches: StageSwitch[] = [];
const clients: WsClient[] = [];

beforeAll(async () => {
  [firestore, issuer] = await Promise.all([spawnFirestoreEmulator({ port: 0 }), startLocalIssuer(AUDIENCE)]);
  db = createFirestore({ projectId: LOCAL_PROJECT_ID, emulatorHost: firestore.host });
}, 60_000);

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const stageSwitch of switches.splice(0)) stageSwitch.stop();
  await harness?.close();
  harness = undefined;
  await db.collection(STAGE_SWITCH_COLLECTION).doc(STAGE_SWITCH_DOC).delete();
});

afterAll(async () => {
  await db?.terminate();
  await Promise.allSettled([firestore?.stop('SIGTERM', 2_000), issuer?.close()]);
});

function stageSwitch(pollMs = 0): StageSwitch {
  const made = new StageSwitch(db, { pollMs });
  switches.push(made);
  return made;
}

async function relayWith(stage: StageSwitch): Promise<string> {
  await stage.start();
  harness = await startHarness({
    emulator: { realtime: false },
    env: {
      BUDGET_PUSH_AUDIENCE: AUDIENCE,
      BUDGET_PUSH_SERVICE_ACCOUNT: PUSHER,
      GOOGLE_CERTS_URL: issuer.certsUrl,
      GOOGLE_ISSUERS: issuer.issuer,
    },
    relay: { stageSwitch: stage },
  });
  return harness.relay.url;
}

function notification(costAmount: number, extra: Partial<BudgetNotification> = {}): BudgetNotification {
  return {
    budgetDisplayName: 'improv-relay monthly',
    costAmount,
    budgetAmount: 100,
    currencyCode: 'USD',
    ...(costAmount >= 100 ? { alertThresholdExceeded: 1 } : costAmount >= 80 ? { alertThresholdExceeded: 0.8 } : {}),
    ...extra,
  };
}

/** A Pub/Sub push carrying `body` (a budget notification, or anything else) as its message data. */
function push(url: string, body: object, token: string | null): Promise<Response> {
  const data = Buffer.from(JSON.stringify(body)).toString('base64');
  return fetch(`${url}${BUDGET_PUSH_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ message: { data, messageId: '1' }, subscription: 'projects/p/subscriptions/budget' }),
  });
}

const pusherToken = (options: Parameters<LocalIssuer['idToken']>[1] = {}) =>
  issuer.idToken({ sub: '117', email: PUSHER }, options);

async function startScene(url: string): Promise<{ client: WsClient; reply: { type: string; code?: string } }> {
  const client = await openWsClient(url);
  clients.push(client);
  client.send(hello());
  const reply = await client.waitFor((m) => m.type === 'welcome' || m.type === 'error', 10_000);
  return { client, reply: reply as { type: string; code?: string } };
}

describe('the kill switch', () => {
  it('closes on the budget’s push at 100%: new scenes refused, the live one goes on; next month opens it', async () => {
    const url = await relayWith(stageSwitch());
    const playing = await startScene(url);
    expect(playing.reply.type).toBe('welcome');

    // 80% notifies only.
    expect((await push(url, notification(85), pusherToken())).status).toBe(204);
    expect((await startScene(url)).reply.type).toBe('welcome');

    expect((await push(url, notification(100.5), pusherToken())).status).toBe(204);
    const stored = (await db.collection(STAGE_SWITCH_COLLECTION).doc(STAGE_SWITCH_DOC).get()).data();
    expect(stored).toMatchObject({ open: false, closedBy: 'budget' });
    expect(String(stored?.reason)).toContain('100.5 of 100 USD');
    const refused = await startScene(url);
    expect(refused.reply).toMatchObject({ type: 'error', code: 'stage.closed' });

    // The scene that was playing is still served: a ping is answered and the scene ends normally.
    playing.client.send({ type: 'ping', t: 42 });
    await playing.client.waitFor((m) => m.type === 'pong' && m.t === 42, 5_000);
    playing.client.send({ type: 'scene.end' });
    await playing.client.waitFor((m) => m.type === 'session.ended', 30_000);

    // The next month's first notification is under budget: the budget opens what it closed.
    expect((await push(url, notification(3), pusherToken())).status).toBe(204);
    expect((await startScene(url)).reply.type).toBe('welcome');
  }, 60_000);

  it('refuses pushes without a token, with a forged or foreign one, or from another identity', async () => {
    const stage = stageSwitch();
    const url = await relayWith(stage);
    const over = notification(150);
    expect((await push(url, over, null)).status).toBe(401);
    expect((await push(url, over, pusherToken({ key: 'foreign' }))).status).toBe(401);
    expect((await push(url, over, pusherToken({ audience: 'https://elsewhere.example' }))).status).toBe(401);
    expect((await push(url, over, pusherToken({ expiresInS: -3600 }))).status).toBe(401);
    const stranger = issuer.idToken({ sub: '9', email: 'someone@example.com' });
    expect((await push(url, over, stranger)).status).toBe(403);
    // Signed right, but not a budget notification: refused, nothing flipped.
    expect((await push(url, { cost: 1 }, pusherToken())).status).toBe(400);
    expect((await stage.refresh()).open).toBe(true);
    expect((await startScene(url)).reply.type).toBe('welcome');
  }, 60_000);

  it('a stage an operator closed stays closed through an under-budget push; another instance sees it', async () => {
    const here = stageSwitch();
    const url = await relayWith(here);
    const elsewhere = stageSwitch(100);
    await elsewhere.start();
    expect(elsewhere.isOpen).toBe(true);
    await here.set({ open: false, closedBy: 'operator', reason: 'incident 42' });
    await expect.poll(() => elsewhere.isOpen, { timeout: 5_000 }).toBe(false);
    expect((await push(url, notification(3), pusherToken())).status).toBe(204);
    expect((await here.refresh()).closedBy).toBe('operator');
    expect((await startScene(url)).reply).toMatchObject({ type: 'error', code: 'stage.closed' });
    await here.set({ open: true });
    expect((await startScene(url)).reply.type).toBe('welcome');
  }, 60_000);
});
