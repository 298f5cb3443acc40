// Bad clients are closed one by one with the real service's codes; the emulator keeps serving others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type LiveEmulator, startLiveEmulator } from './server.js';
import { connectTestClient, isTurnComplete, sendPlayerTurn } from './test-client.js';

interface RawClose {
  code: number;
  reason: string;
}

function rawLiveSocket(emulator: LiveEmulator): Promise<WebSocket> {
  const url = `ws://127.0.0.1:${emulator.port}/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=x`;
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function closeOf(socket: WebSocket): Promise<RawClose> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

async function sendRaw(emulator: LiveEmulator, ...frames: string[]): Promise<RawClose> {
  const socket = await rawLiveSocket(emulator);
  const closed = closeOf(socket);
  for (const frame of frames) socket.send(frame);
  return closed;
}

const SETUP = JSON.stringify({ setup: { model: 'models/gemini-live-emulator' } });

describe('live emulator robustness', () => {
  let emulator: LiveEmulator;
  beforeAll(async () => {
    emulator = await startLiveEmulator({ thinkMs: 0, realtime: false, warmVoices: [] });
  });
  afterAll(() => emulator.close());

  it('closes a connection that sends malformed JSON with 1007', async () => {
    const closed = await sendRaw(emulator, SETUP, '{"realtimeInput": ');
    expect(closed.code).toBe(1007);
    expect(closed.reason).toMatch(/Invalid JSON payload/);
  });

  it('closes on an unknown message, a message before setup, a second setup, or a bad field type', async () => {
    expect((await sendRaw(emulator, SETUP, JSON.stringify({ fooBar: {} }))).code).toBe(1007);
    expect((await sendRaw(emulator, JSON.stringify({ realtimeInput: { activityStart: {} } }))).code).toBe(1007);
    expect((await sendRaw(emulator, SETUP, SETUP)).code).toBe(1007);
    expect((await sendRaw(emulator, JSON.stringify({ setup: { model: 42 } }))).code).toBe(1007);
    expect((await sendRaw(emulator, SETUP, JSON.stringify({ realtimeInput: { audio: { data: 1 } } }))).code).toBe(1007);
    expect((await sendRaw(emulator, '"just a string"')).code).toBe(1007);
  });

  it('answers 404 for other paths and REST calls', async () => {
    // generateContent is served since rest.ts; streaming and every other REST method are not.
    const response = await fetch(`${emulator.url}/v1beta/models/x:streamGenerateContent`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { status: string } };
    expect(body.error.status).toBe('NOT_FOUND');
    const socket = new WebSocket(`ws://127.0.0.1:${emulator.port}/ws/elsewhere`);
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(error.message).toMatch(/404/);
  });

  it('keeps serving a healthy connection while another one misbehaves', async () => {
    const healthy = await connectTestClient(emulator.url);
    const bad = await sendRaw(emulator, SETUP, 'not json at all');
    expect(bad.code).toBe(1007);
    sendPlayerTurn(healthy.session, 500);
    await healthy.waitFor(isTurnComplete);
    healthy.session.close();
  });

  it('serves 60 concurrent connections, each completing a turn', async () => {
    const clients = await Promise.all(Array.from({ length: 60 }, () => connectTestClient(emulator.url)));
    for (const client of clients) sendPlayerTurn(client.session, 400);
    const usages = await Promise.all(
      clients.map((client) => client.waitFor((message) => message.usageMetadata !== undefined, 15_000)),
    );
    for (const usage of usages) {
      expect(usage.usageMetadata?.promptTokensDetails?.find((detail) => detail.modality === 'AUDIO')?.tokenCount).toBe(
        13, // 0.4 s at 32 tokens per second, rounded up
      );
    }
    for (const client of clients) client.session.close();
  });
});
