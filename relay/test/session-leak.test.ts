// Cross-process: finished scenes must not stay in memory. Runs many whole scenes (an exchange with the audience's
// text-model call, the MC voiced by the emulator's TTS, the coach at the end; some ended while the MC's intro is
// still being synthesized, which aborts it) and then counts the Session objects still alive after full GCs.
// Before the fix every finished Session stayed reachable (~0.75 MB each) through Node's AbortSignal.any bookkeeping.

import { queryObjects, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../session/session.js';
import { DEFAULT_TTS_MODEL } from '../stage/mc-voice.js';
import { type Harness, startHarness } from './harness.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';
import { hello, openWsClient } from './ws-scene.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SCENES = 16;
const AT_ONCE = 4;
const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    emulator: { realtime: false, thinkMs: 20 },
    relay: { stage: { ttsModel: DEFAULT_TTS_MODEL, turnBudget: { maxPlayerTurns: 6 } } },
  });
}, 60_000);
afterAll(async () => {
  await harness?.close();
});

/** One scene: hello → welcome; a played exchange (or none: the end aborts the intro's synthesis) → scene.end. */
async function runScene(index: number): Promise<void> {
  const client = await openWsClient(harness.relay.url);
  try {
    client.send(hello());
    await client.waitFor((m) => m.type === 'welcome', 20_000);
    if (index % 2 === 0) {
      client.speak(1, speech);
      await client.waitFor((m) => m.type === 'partner.end' && m.interrupted === false, 20_000);
    }
    client.send({ type: 'scene.end' });
    await client.waitFor((m) => m.type === 'session.ended', 30_000);
  } finally {
    client.close();
    await client.closed;
  }
}

async function liveSessionsAfterGc(): Promise<number> {
  // FinalizationRegistry callbacks (undici's, Node's timers) run between GCs: give them turns of the loop.
  for (let round = 0; round < 6; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return queryObjects(Session, { format: 'count' });
}

describe('finished sessions', () => {
  it('are garbage-collected after many scenes', async () => {
    let next = 0;
    const worker = async () => {
      while (next < SCENES) await runScene(next++);
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    await expect.poll(() => harness.relay.sessions.activeSessions, { timeout: 10_000 }).toBe(0);
    const live = await liveSessionsAfterGc();
    const rssMb = Math.round(process.memoryUsage().rss / 1e6);
    console.info(`session-leak: ${SCENES} scenes → ${live} Session objects alive after GC, RSS ${rssMb} MB`);
    // Nothing is running: no Session may be left. (A leak keeps one per scene.)
    expect(live).toBe(0);
  }, 240_000);
});
