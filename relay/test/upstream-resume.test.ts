// Cross-process: Live sends goAway, or drops the socket, mid-scene. The relay resumes the upstream with the
// latest session-resumption handle and the scene goes on without the browser reconnecting. (The emulator repeats
// the fault on every connection, so the scene's turn is spoken right after a resume, inside the next window.)
import { afterEach, describe, expect, it } from 'vitest';
import type { RelayMessage } from '../../shared/protocol.js';
import { type Harness, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));
let harness: Harness | null = null;

/** The end of a scene-partner turn (the MC speaks on the same downlink, as turns of its own). */
function partnerEnd(client: RtcTestClient, exceptTurnId?: number) {
  const isPartnerTurn = (turnId: number) =>
    client.messages.some((m) => m.type === 'partner.start' && m.turnId === turnId && m.speaker !== 'mc');
  return client.waitForMessage(
    (m): m is Extract<RelayMessage, { type: 'partner.end' }> =>
      m.type === 'partner.end' && m.turnId !== exceptTurnId && isPartnerTurn(m.turnId),
    15_000,
  );
}
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
    const end = await partnerEnd(client);
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

describe('a resumption handle Live refuses', () => {
  it('opens a fresh upstream told the scene so far, and the scene goes on', async () => {
    harness = await startHarness({
      emulator: { realtime: false, thinkMs: 20 },
      env: { GEMINI_LIVE_MODEL: 'gemini-live-emulator;dropAfterMs=2500;refuseResumption=true' },
    });
    const { relay, emulator } = harness;
    const client = await RtcTestClient.connect(relay.url, { bindAddress: '127.0.0.1' });
    try {
      const welcome = await client.hello();
      if (welcome.type !== 'welcome') throw new Error(`no welcome: ${JSON.stringify(welcome)}`);
      await client.speak(1, speech, 0);
      const first = await partnerEnd(client);
      const partnerLine = await client.waitForMessage(
        (m) => m.type === 'transcript' && m.speaker === 'partner' && m.final,
        5_000,
      );
      // The drop comes; the handle is refused; the fresh upstream hears the scene so far as a stage direction.
      await expect
        .poll(() => emulator.clientContents.find((c) => c.text.includes('restored mid-scene'))?.text, {
          timeout: 10_000,
        })
        .toContain((partnerLine as { text: string }).text);
      // Refused setups are not recorded: every recorded one after the first is a fresh start.
      expect(emulator.setups.length).toBeGreaterThanOrEqual(2);
      expect(emulator.setups.every((setup) => !setup.resumedFromHandle)).toBe(true);
      await client.speak(2, speech, 0);
      await partnerEnd(client, first.turnId);
      expect(client.messages.filter((m) => m.type === 'error')).toEqual([]);
      expect(relay.sessions.getSession(welcome.sessionId)?.state).toBe('live');
    } finally {
      client.close();
    }
  });
});
