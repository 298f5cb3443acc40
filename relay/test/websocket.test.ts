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
