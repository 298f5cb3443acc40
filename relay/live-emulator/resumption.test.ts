// Session resumption and injected faults (goAway, drop, refused resumption, slow first byte).
import type { LiveServerMessage } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickSceneLine } from './script.js';
import { type LiveEmulator, startLiveEmulator } from './server.js';
import { connectTestClient, isTurnComplete, sendPlayerTurn, TEST_CONFIG, type TestLiveClient } from './test-client.js';

const SEED = 11;

function transcriptOfTurn(messages: LiveServerMessage[]): string {
  return messages.map((message) => message.serverContent?.outputTranscription?.text ?? '').join('');
}

async function latestHandle(client: TestLiveClient): Promise<string> {
  const updates = client.messages.filter((message) => message.sessionResumptionUpdate?.newHandle);
  const handle = updates.at(-1)?.sessionResumptionUpdate?.newHandle;
  if (!handle) throw new Error('no resumption handle received');
  return handle;
}

describe('live emulator resumption and faults', () => {
  let emulator: LiveEmulator;
  beforeAll(async () => {
    emulator = await startLiveEmulator({ thinkMs: 0, realtime: false, seed: SEED, warmVoices: [] });
  });
  afterAll(() => emulator.close());

  it('issues a new handle after each turn and resumes the session with it', async () => {
    const first = await connectTestClient(emulator.url);
    sendPlayerTurn(first.session, 1_000);
    await first.waitFor(
      (message) => message.sessionResumptionUpdate !== undefined && first.messages.some(isTurnComplete),
    );
    expect(transcriptOfTurn(first.messages)).toBe(pickSceneLine(SEED, 0, String(TEST_CONFIG.systemInstruction)));
    const handle = await latestHandle(first);
    const firstUsage = first.messages.find((message) => message.usageMetadata)!.usageMetadata!;
    first.session.close();

    const resumed = await connectTestClient(emulator.url, {
      config: { ...TEST_CONFIG, sessionResumption: { handle } },
    });
    expect(emulator.setups.at(-1)?.resumedFromHandle).toBe(handle);
    sendPlayerTurn(resumed.session, 1_000);
    const usage = await resumed.waitFor((message) => message.usageMetadata !== undefined);
    // The resumed session continues the script and bills the context it carried over.
    expect(transcriptOfTurn(resumed.messages)).toBe(pickSceneLine(SEED, 1, String(TEST_CONFIG.systemInstruction)));
    expect(usage.usageMetadata!.promptTokenCount).toBe(firstUsage.totalTokenCount! + 32);
    resumed.session.close();
  });

  it('closes a setup with an unknown handle with 1008, as the real service does', async () => {
    await expect(
      connectTestClient(emulator.url, { config: { ...TEST_CONFIG, sessionResumption: { handle: 'emu-unknown' } } }),
    ).rejects.toThrow(/code 1008/);
  });

  it('refuses resumption when told to (per connection, through the model name)', async () => {
    const first = await connectTestClient(emulator.url);
    const handle = await first.waitFor((message) => message.sessionResumptionUpdate !== undefined);
    first.session.close();
    await expect(
      connectTestClient(emulator.url, {
        model: 'gemini-live-emulator;refuseResumption=true',
        config: { ...TEST_CONFIG, sessionResumption: { handle: handle.sessionResumptionUpdate!.newHandle! } },
      }),
    ).rejects.toThrow(/code 1008/);
  });

  it('sends goAway with timeLeft, then closes when the time is up', async () => {
    const client = await connectTestClient(emulator.url, {
      model: 'gemini-live-emulator;goAwayAfterMs=50;goAwayTimeLeftMs=300',
    });
    const goAway = await client.waitFor((message) => message.goAway !== undefined);
    expect(goAway.goAway?.timeLeft).toBe('0.3s');
    const sentAtMs = performance.now();
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect(performance.now() - sentAtMs).toBeGreaterThanOrEqual(250);
  });

  it('drops the connection abnormally (1006) when dropAfterMs is set in the API key', async () => {
    const client = await connectTestClient(emulator.url, { apiKey: 'emulator;dropAfterMs=50' });
    const closed = await client.closed;
    expect(closed.code).toBe(1006);
  });

  it('delays the first audio byte by firstByteDelayMs', async () => {
    const timeToFirstAudioMs = async (model: string): Promise<number> => {
      const client = await connectTestClient(emulator.url, { model });
      const sentAtMs = performance.now();
      sendPlayerTurn(client.session, 300);
      await client.waitFor((message) => message.serverContent?.modelTurn !== undefined);
      const elapsedMs = performance.now() - sentAtMs;
      client.session.close();
      return elapsedMs;
    };
    // The first run also leaves the turn-0 line synthesized, so the second measures the injected delay.
    const baselineMs = await timeToFirstAudioMs('gemini-live-emulator');
    const delayedMs = await timeToFirstAudioMs('gemini-live-emulator;firstByteDelayMs=400');
    expect(delayedMs).toBeGreaterThanOrEqual(395);
    expect(delayedMs).toBeGreaterThan(baselineMs);
  });
});
