// Cross-process: the WebSocket fallback carries the same hello/utterance/frames as the data channels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import { type AudioFrame, decodeFrame, encodeFrame, FrameFlag } from '../../shared/frame.js';
import { type ClientMessage, parseRelayMessage, type RelayMessage } from '../../shared/protocol.js';
import { type Harness, partnerAudioRms, startHarness } from './harness.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

let harness: Harness;
const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));

beforeAll(async () => {
  harness = await startHarness({ emulator: { realtime: false, thinkMs: 20 } });
});
afterAll(async () => {
  await harness?.close();
});

function open(path = '/api/ws'): Promise<{ ws: WebSocket; messages: RelayMessage[]; frames: AudioFrame[] }> {
  const ws = new WebSocket(`${harness.relay.url.replace('http', 'ws')}${path}`);
  const messages: RelayMessage[] = [];
  const frames: AudioFrame[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) frames.push(decodeFrame(new Uint8Array(data)));
    else {
      const parsed = parseRelayMessage(data.toString());
      if (parsed.ok) messages.push(parsed.value);
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, frames }));
    ws.once('error', reject);
  });
}

const send = (ws: WebSocket, message: ClientMessage) => ws.send(JSON.stringify(message));

describe('WebSocket fallback', () => {
  it('plays a scene turn over one socket', async () => {
    const { ws, messages, frames } = await open();
    try {
      send(ws, { type: 'hello', protocolVersion: PROTOCOL_VERSION });
      await expect.poll(() => messages.find((m) => m.type === 'welcome')).toBeDefined();
      send(ws, { type: 'utterance.start', utteranceId: 1 });
      speech.forEach((packet, seq) => {
        ws.send(
          encodeFrame({
            flags: seq === 0 ? FrameFlag.Start : 0,
            streamId: 1,
            seq,
            timestampMs: seq * 20,
            payload: packet,
          }),
        );
      });
      send(ws, { type: 'utterance.end', utteranceId: 1, frameCount: speech.length });
      await expect.poll(() => messages.find((m) => m.type === 'partner.end'), { timeout: 15_000 }).toBeDefined();
      const end = messages.find((m) => m.type === 'partner.end');
      const turnId = end?.type === 'partner.end' ? end.turnId : -1;
      // One TCP stream: everything arrives in order, the End frame before partner.end.
      const turnFrames = frames.filter((f) => f.streamId === turnId);
      expect(turnFrames.at(-1)!.flags & FrameFlag.End).toBe(FrameFlag.End);
      expect(partnerAudioRms(turnFrames).rms).toBeGreaterThan(300);

      ws.send(new Uint8Array([1, 2, 3]));
      await expect
        .poll(() => messages.find((m) => m.type === 'error'))
        .toMatchObject({ code: 'frame.too_short', fatal: false });
    } finally {
      ws.close();
    }
  });

  it('refuses other upgrade paths', async () => {
    await expect(open('/api/nope')).rejects.toThrow(/404/);
  });
});

describe('WebSocket keepalive', () => {
  const KEEPALIVE_MS = 200;
  let keepalive: Harness;
  beforeAll(async () => {
    keepalive = await startHarness({
      emulator: { realtime: false },
      env: { WS_KEEPALIVE_MS: String(KEEPALIVE_MS) },
    });
  });
  afterAll(async () => {
    await keepalive?.close();
  });

  /** A live session on the keepalive relay; `autoPong: false` plays a peer that has silently gone away. */
  async function openLive(autoPong: boolean) {
    const ws = new WebSocket(`${keepalive.relay.url.replace('http', 'ws')}/api/ws`, { autoPong });
    let pings = 0;
    ws.on('ping', () => pings++);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const welcomed = new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const parsed = parseRelayMessage(data.toString());
        if (parsed.ok && parsed.value.type === 'welcome') resolve();
      });
      ws.once('error', reject);
      void closed.then((code) => reject(new Error(`closed (${code}) before welcome`)));
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    send(ws, { type: 'hello', protocolVersion: PROTOCOL_VERSION });
    await welcomed;
    return { ws, closed, pings: () => pings };
  }

  it('pings an idle socket on a fixed interval and keeps it open while the peer answers', async () => {
    const { ws, pings } = await openLive(true);
    try {
      await expect.poll(pings, { timeout: 5_000, interval: 20 }).toBeGreaterThanOrEqual(4);
      // Four intervals with nothing but pings and pongs: still open.
      expect(ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      ws.close();
    }
  });

  it('closes a socket whose peer stops answering pings', async () => {
    const { closed, pings } = await openLive(false);
    const silentSinceMs = performance.now();
    const code = await Promise.race([
      closed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('relay never closed it')), 5_000)),
    ]);
    const closedAfterMs = performance.now() - silentSinceMs;
    // terminate(): no close handshake with a peer that is gone.
    expect(code).toBe(1006);
    expect(pings()).toBeGreaterThanOrEqual(1);
    // Noticed within two intervals (a few more if our event loop stalled), well before the hello timeout (10 s).
    expect(closedAfterMs).toBeLessThan(KEEPALIVE_MS * 8);
  });
});
