// Real-time behaviour: audio paced like speech, and barge-in cutting a reply short.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLY_CHUNK_MS } from './reply.js';
import { type LiveEmulator, startLiveEmulator } from './server.js';
import { connectTestClient, isTurnComplete, sendPlayerTurn } from './test-client.js';

const hasAudio = (message: { serverContent?: { modelTurn?: unknown } }): boolean =>
  message.serverContent?.modelTurn !== undefined;

describe('live emulator pacing and barge-in', () => {
  let emulator: LiveEmulator;
  beforeAll(async () => {
    emulator = await startLiveEmulator({ thinkMs: 0, realtime: true, seed: 3 });
    await emulator.warmed;
  });
  afterAll(() => emulator.close());

  it('answers within the think time once the scripted lines are pre-synthesized', async () => {
    const client = await connectTestClient(emulator.url);
    sendPlayerTurn(client.session, 300);
    const endedAtMs = performance.now();
    await client.waitFor(hasAudio);
    // thinkMs is 0 here, so anything beyond a few ms would be synthesis on the reply path.
    expect(performance.now() - endedAtMs).toBeLessThan(100);
    client.session.close();
  });

  it('streams reply audio at real-time pace and holds turnComplete until it has played out', async () => {
    const client = await connectTestClient(emulator.url);
    const arrivalMs: number[] = [];
    let audioMs = 0;
    const done = client.waitFor((message) => {
      const data = message.serverContent?.modelTurn?.parts?.[0]?.inlineData?.data;
      if (data) {
        arrivalMs.push(performance.now());
        audioMs += (Buffer.byteLength(data, 'base64') / 2 / 24_000) * 1000;
      }
      return isTurnComplete(message);
    });
    sendPlayerTurn(client.session, 500);
    await done;
    const turnCompleteMs = performance.now();
    const streamedMs = arrivalMs.at(-1)! - arrivalMs[0]!;
    // The last chunk is due (chunks - 1) · 40 ms after the first. Timers are never early, but the FIRST chunk can
    // arrive late on a loaded machine (the rest then catch up to their schedule), shortening the span by up to a
    // chunk; a burst (no pacing) would shorten it to ~0.
    const expectedMs = (arrivalMs.length - 1) * REPLY_CHUNK_MS;
    expect(streamedMs).toBeGreaterThanOrEqual(expectedMs - REPLY_CHUNK_MS);
    expect(streamedMs).toBeLessThan(expectedMs + 250);
    expect(turnCompleteMs - arrivalMs[0]!).toBeGreaterThanOrEqual(audioMs - 45);
    client.session.close();
  });

  it('keeps 50 concurrent real-time streams on pace', async () => {
    const clients = await Promise.all(Array.from({ length: 50 }, () => connectTestClient(emulator.url)));
    const lateness = await Promise.all(
      clients.map(async (client) => {
        const arrivalMs: number[] = [];
        const done = client.waitFor((message) => {
          if (hasAudio(message)) arrivalMs.push(performance.now());
          return isTurnComplete(message);
        }, 15_000);
        sendPlayerTurn(client.session, 300);
        await done;
        client.session.close();
        // Each chunk's offset from its slot on an ideal 40 ms grid anchored at the earliest-implied
        // start; the spread of offsets is the stream's jitter plus any drift (clients share this process).
        const offsets = arrivalMs.map((atMs, index) => atMs - index * REPLY_CHUNK_MS);
        return { chunks: arrivalMs.length, spreadMs: Math.max(...offsets) - Math.min(...offsets) };
      }),
    );
    for (const { chunks, spreadMs } of lateness) {
      expect(chunks).toBeGreaterThan(25);
      expect(spreadMs).toBeLessThan(300);
    }
  });

  it('stops streaming at once and sends interrupted when the player starts speaking', async () => {
    const client = await connectTestClient(emulator.url);
    sendPlayerTurn(client.session, 800);
    await client.waitFor(hasAudio);
    // Barge in while the reply is still streaming.
    client.session.sendRealtimeInput({ activityStart: {} });
    const interrupted = await client.waitFor((message) => message.serverContent?.interrupted === true);
    const usage = await client.waitFor((message) => message.usageMetadata !== undefined);
    const { messages } = client;
    const interruptedAt = messages.indexOf(interrupted);
    // Nothing of the old reply follows the interruption except its turnComplete and usage.
    expect(messages.slice(interruptedAt + 1).some(hasAudio)).toBe(false);
    expect(messages.slice(interruptedAt + 1).some((message) => message.serverContent?.generationComplete)).toBe(false);
    expect(messages.slice(interruptedAt + 1).some(isTurnComplete)).toBe(true);
    // Billed only for the audio actually sent before the cut.
    const sentChunks = messages.slice(0, interruptedAt).filter(hasAudio).length;
    const audioOut = usage.usageMetadata?.responseTokensDetails?.find((detail) => detail.modality === 'AUDIO');
    expect(audioOut?.tokenCount).toBe(Math.ceil(((sentChunks * REPLY_CHUNK_MS) / 1000) * 32));
    expect(sentChunks).toBeLessThan(20);

    // The barge-in's own turn is answered normally.
    for (let i = 0; i < 10; i++) {
      client.session.sendRealtimeInput({
        audio: { data: Buffer.alloc(640).toString('base64'), mimeType: 'audio/pcm;rate=16000' },
      });
    }
    client.session.sendRealtimeInput({ activityEnd: {} });
    const turns = await client.waitFor(() => client.messages.filter(isTurnComplete).length === 2);
    expect(turns).toBeDefined();
    const secondTurn = client.messages.slice(client.messages.indexOf(usage) + 1);
    expect(secondTurn.some(hasAudio)).toBe(true);
    expect(secondTurn.some((message) => message.serverContent?.generationComplete)).toBe(true);
    client.session.close();
  });
});
