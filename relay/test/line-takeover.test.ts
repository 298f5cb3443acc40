// Lines across relay instances (issue #13): the relay hands a scene off on SIGTERM while the player is mid-line.
// The line is neither answered nor stored by the instance going away; the browser's outbox sends it whole to the
// instance that takes the scene over, which answers it once. The new instance knows from the stored turns which
// lines were answered: a line whose ack was lost in the hand-off is acknowledged again, never answered twice.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { encodeFrame, FrameFlag } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import { type LiveEmulator, startLiveEmulator } from '../live-emulator/server.js';
import { type EmulatorProcess, spawnFirestoreEmulator } from '../store/emulator-process.js';
import { createFirestore } from '../store/firestore.js';
import { FirestoreSessionStore } from '../store/firestore-session-store.js';
import { LOCAL_PROJECT_ID } from '../store/persistence.js';
import { type RelayProcess, startRelayProcess } from './relay-process.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

/** 1.7 s of speech: 85 frames. */
const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));
const SECRET = 'line-takeover-test-secret';

let firestore: EmulatorProcess;
let live: LiveEmulator;
let store: FirestoreSessionStore;
const relays: RelayProcess[] = [];
const clients: RtcTestClient[] = [];

beforeAll(async () => {
  [firestore, live] = await Promise.all([
    spawnFirestoreEmulator({ port: 0 }),
    startLiveEmulator({ host: '127.0.0.1', port: 0, realtime: false, thinkMs: 30 }),
  ]);
  store = new FirestoreSessionStore(createFirestore({ projectId: LOCAL_PROJECT_ID, emulatorHost: firestore.host }));
}, 60_000);
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const relay of relays.splice(0)) relay.kill();
});
afterAll(async () => {
  await store?.close(1_000);
  await Promise.allSettled([firestore?.stop('SIGTERM', 2_000), live?.close()]);
});

async function relay(): Promise<RelayProcess> {
  const started = await startRelayProcess({
    LIVE_EMULATOR_URL: live.url,
    FIRESTORE_EMULATOR_HOST: firestore.host,
    RELAY_SECRET: SECRET,
  });
  relays.push(started);
  return started;
}

async function connect(url: string, cookie?: string): Promise<RtcTestClient> {
  const client = await RtcTestClient.connect(url, { bindAddress: '127.0.0.1', ...(cookie ? { cookie } : {}) });
  clients.push(client);
  return client;
}

type Welcome = Extract<RelayMessage, { type: 'welcome' }>;
type PartnerStart = Extract<RelayMessage, { type: 'partner.start' }>;
const isPartnerStart = (m: RelayMessage): m is PartnerStart => m.type === 'partner.start' && m.speaker !== 'mc';

function frame(utteranceId: number, i: number, firstSeq: number, flags = 0): Uint8Array {
  const edge = (i === 0 ? FrameFlag.Start : 0) | (i === speech.length - 1 ? FrameFlag.End : 0);
  return encodeFrame({
    flags: edge | flags,
    streamId: utteranceId,
    seq: firstSeq + i,
    timestampMs: 0,
    payload: speech[i]!,
  });
}

function line(client: RtcTestClient, utteranceId: number, firstSeq: number, resent: boolean, frames = speech.length) {
  client.send({ type: 'utterance.start', utteranceId, ...(resent ? { resent } : {}) });
  for (let i = 0; i < frames; i++) client.sendRawAudio(frame(utteranceId, i, firstSeq, resent ? FrameFlag.Resent : 0));
  if (frames === speech.length) client.send({ type: 'utterance.end', utteranceId, frameCount: speech.length });
}

const heardSeconds = (text: string) => Number(/player speech, ([\d.]+) s/.exec(text)?.[1] ?? Number.NaN);

it('SIGTERM mid-line: the next instance gets the line whole and answers it once; an answered line is not answered again', async () => {
  const first = await relay();
  const client = await connect(first.url);
  const welcome = (await client.hello({ game: 'party-quirks' })) as Welcome;
  expect(welcome.type).toBe('welcome');
  // Line 1 is answered on the first instance; its ack never reaches this browser (lost with the hand-off).
  line(client, 1, 0, false);
  const reply1 = await client.waitForMessage(isPartnerStart, 15_000);
  await client.waitForMessage((m) => m.type === 'partner.end' && m.turnId === reply1.turnId, 15_000);
  // Half of line 2, then the relay is told to stop.
  line(client, 2, 100, false, 40);
  await new Promise((resolve) => setTimeout(resolve, 200));
  first.child.kill('SIGTERM');
  expect(await client.waitForMessage((m) => m.type === 'error', 5_000)).toMatchObject({ code: 'relay.draining' });
  expect(await first.exited).toBe(0);
  expect(client.messages.filter(isPartnerStart)).toHaveLength(1);

  const second = await relay();
  const resumed = await connect(second.url, client.setCookie ?? undefined);
  const again = (await resumed.hello(
    { sessionId: welcome.sessionId, resumeToken: welcome.resumeToken },
    20_000,
  )) as Welcome;
  // The new instance knows from the stored turns that line 1 was answered.
  expect(again).toMatchObject({ type: 'welcome', resumed: true, lineAck: 1 });
  // The outbox resends what it holds unacknowledged, in order: line 1 (a duplicate), then line 2 whole.
  line(resumed, 1, 0, true);
  line(resumed, 2, 100, true);
  const reply2 = await resumed.waitForMessage(isPartnerStart, 15_000);
  await resumed.waitForMessage((m) => m.type === 'partner.end' && m.turnId === reply2.turnId, 15_000);
  await resumed.waitForMessage((m) => m.type === 'line.ack' && m.utteranceId === 2, 5_000);
  expect(resumed.messages.filter(isPartnerStart)).toHaveLength(1);

  resumed.send({ type: 'scene.end' });
  await resumed.waitForMessage((m) => m.type === 'session.ended', 30_000);
  const deadline = performance.now() + 15_000;
  while ((await store.getSession(welcome.sessionId))?.status !== 'completed') {
    if (performance.now() > deadline) throw new Error('the scene never ended in the store');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const turns = await store.getTurns(welcome.sessionId);
  const players = turns.filter((t) => t.speaker === 'player');
  // Each line once, whole, in order, with its line id; each followed by its one reply.
  expect(players.map((t) => [t.lineId, t.interrupted])).toEqual([
    [1, false],
    [2, false],
  ]);
  for (const turn of players) expect(heardSeconds(turn.text)).toBeCloseTo((speech.length * 20) / 1000, 1);
  const lines = turns.filter((t) => t.speaker === 'player' || t.speaker === 'partner').map((t) => t.speaker);
  expect(lines).toEqual(['player', 'partner', 'player', 'partner']);
}, 150_000);
