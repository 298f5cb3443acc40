// Cross-process: Live sends goAway, or drops the socket, mid-scene. The relay resumes the upstream with the
// latest session-resumption handle and the scene goes on without the browser reconnecting. (The emulator repeats
// the fault on every connection, so the scene's turn is spoken right after a resume, inside the next window.)
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));
let harness: Harness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

async function sceneSurvives(model: string): Promise<number> {
  harness = await startHarness({ emulator: { realtime: false, thinkMs: 20 }, env: { GEMINI_LIVE_MODEL: model } });
  const relay = harness.relay;
  const client = await RtcTestClient.connect(relay.url, { bindAddress: '127.0.0.1' });
  try {
    const welcome = await client.hello();
    if (welcome.type !== 'welcome') throw new Error(`no welcome: ${JSON.stringify(welcome)}`);
    const resumes = () => relay.sessions.getSession(welcome.sessionId)?.counters().upstream.resumes ?? 0;
    await expect.poll(resumes, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    await client.speak(1, speech, 0);
    const end = await client.waitForMessage((m) => m.type === 'partner.end', 15_000);
    expect(end).toMatchObject({ interrupted: false });
    expect(client.messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(relay.sessions.getSession(welcome.sessionId)?.state).toBe('live');
    // The new upstream was opened with the handle Live gave the old one.
    expect(harness.emulator.setups.some((setup) => setup.resumedFromHandle)).toBe(true);
    return resumes();
  } finally {
    client.close();
  }
}

describe('upstream resumption', () => {
  it('resumes on goAway', async () => {
    expect(await sceneSurvives('gemini-live-emulator;goAwayAfterMs=1500;goAwayTimeLeftMs=1500')).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('resumes after an abnormal drop', async () => {
    expect(await sceneSurvives('gemini-live-emulator;dropAfterMs=1500')).toBeGreaterThanOrEqual(1);
  });
});
