// The emulator refuses, waits and interrupts where gemini-3.8-live does (docs/models.md), through the real SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveConnectConfig } from '../live/gemini-upstream.js';
import { DEFAULT_LIVE_MODEL } from '../live/models.js';
import { type LiveEmulator, startLiveEmulator } from './server.js';
import { connectTestClient, isTurnComplete, sendPlayerTurn, TEST_CONFIG } from './test-client.js';

let emulator: LiveEmulator;

beforeAll(async () => {
  emulator = await startLiveEmulator({ realtime: false, thinkMs: 150, warmVoices: [] });
});

afterAll(async () => {
  await emulator.close();
});

describe('gemini-3.8-live setup rules', () => {
  it('accepts the setup the relay sends', async () => {
    const config = liveConnectConfig(
      { apiKey: 'k', model: DEFAULT_LIVE_MODEL, systemInstruction: 'Be a partner.', voiceName: 'Puck' },
      {},
    );
    const client = await connectTestClient(emulator.url, { model: DEFAULT_LIVE_MODEL, config });
    sendPlayerTurn(client.session, 400);
    await client.waitFor(isTurnComplete);
    client.session.close();
  });

  it.each([
    ['a thinking level', { ...TEST_CONFIG, thinkingConfig: { thinkingBudget: 0 } }, 1007, /thinking_level/],
    ['proactiveAudio: false', { ...TEST_CONFIG, proactivity: { proactiveAudio: false } }, 1007, /proactive_audio/],
    ['affective dialog', { ...TEST_CONFIG, enableAffectiveDialog: true }, 1007, /affective/],
  ])('closes on %s with the service’s code and reason, before setupComplete', async (_label, config, code, reason) => {
    const connecting = connectTestClient(emulator.url, { model: DEFAULT_LIVE_MODEL, config });
    await expect(connecting).rejects.toThrow(`(code ${code})`);
    await expect(connecting).rejects.toThrow(reason);
  });

  it('closes 1008 on a retired model or one that is not a Live model', async () => {
    for (const model of ['gemini-2.5-flash-native-audio-preview-09-2025', 'gemini-3.8-flash']) {
      const connecting = connectTestClient(emulator.url, { model });
      await expect(connecting).rejects.toThrow('(code 1008)');
      await expect(connecting).rejects.toThrow(`models/${model} is not found`);
    }
  });
});

describe('gemini-3.8-live client content rules', () => {
  it('refuses a turn without an explicit role (1007)', async () => {
    const client = await connectTestClient(emulator.url);
    client.session.sendClientContent({ turns: [{ parts: [{ text: 'no role' }] }], turnComplete: false });
    expect((await client.closed).code).toBe(1007);
  });

  it('content without turnComplete after the player’s turn holds the owed reply back until the next activity', async () => {
    const client = await connectTestClient(emulator.url);
    sendPlayerTurn(client.session, 400);
    // Within the think time: the reply has not begun, so the service waits for more before answering.
    client.session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'note' }] }], turnComplete: false });
    await expect.poll(() => emulator.clientContents.at(-1)?.heldReply).toBe(true);
    // The next activity is the "more" it waited for: that turn is answered, once.
    sendPlayerTurn(client.session, 400);
    await client.waitFor(isTurnComplete);
    expect(client.messages.filter(isTurnComplete)).toHaveLength(1);
    expect(client.messages.some((m) => m.serverContent?.interrupted)).toBe(false);
    client.session.close();
  });

  it('turnComplete: true interrupts the reply in progress and is answered', async () => {
    const client = await connectTestClient(emulator.url, { model: 'gemini-live-emulator;realtime=true;thinkMs=0' });
    sendPlayerTurn(client.session, 400);
    await client.waitFor((m) => m.serverContent?.modelTurn !== undefined);
    client.session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'cut' }] }], turnComplete: true });
    await client.waitFor((m) => m.serverContent?.interrupted === true);
    await expect.poll(() => client.messages.filter(isTurnComplete).length, { timeout: 20_000 }).toBe(2);
    client.session.close();
  });
});
