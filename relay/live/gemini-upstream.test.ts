// The real SDK path against the Live emulator (never a mock): what we configure, what we send, what we map back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLINK_SAMPLE_RATE_HZ } from '../../shared/constants.js';
import { AppError } from '../../shared/errors.js';
import { sinePcm16 } from '../codec/test-signal.js';
import { type LiveEmulator, startLiveEmulator } from '../live-emulator/server.js';
import { createGeminiUpstreamFactory } from './gemini-upstream.js';
import type { UpstreamEvents } from './upstream.js';

let emulator: LiveEmulator;
beforeAll(async () => {
  emulator = await startLiveEmulator({ host: '127.0.0.1', port: 0, realtime: false, thinkMs: 20 });
});
afterAll(async () => {
  await emulator?.close();
});

function recordingEvents() {
  const state = {
    audioBytes: 0,
    output: '',
    turnComplete: 0,
    handles: [] as string[],
    goAways: [] as number[],
    closes: [] as Array<{ reason: string; abnormal: boolean }>,
  };
  const waiters: Array<() => void> = [];
  const changed = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const events: UpstreamEvents = {
    onAudio: (pcm) => {
      state.audioBytes += pcm.length;
      changed();
    },
    onInputTranscript: () => changed(),
    onOutputTranscript: (text) => {
      state.output += text;
      changed();
    },
    onTurnComplete: () => {
      state.turnComplete++;
      changed();
    },
    onInterrupted: () => changed(),
    onUsage: () => changed(),
    onGoAway: (ms) => {
      state.goAways.push(ms);
      changed();
    },
    onResumptionHandle: (handle) => {
      state.handles.push(handle);
      changed();
    },
    onClose: (reason, abnormal) => {
      state.closes.push({ reason, abnormal });
      changed();
    },
  };
  const until = async (condition: () => boolean, timeoutMs = 10_000) => {
    const deadline = performance.now() + timeoutMs;
    while (!condition()) {
      if (performance.now() > deadline) throw new Error('condition not met in time');
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  return { state, events, until };
}

describe('Gemini upstream via the SDK', () => {
  it('configures manual activity, transcription and resumption, and maps a spoken reply', async () => {
    const factory = createGeminiUpstreamFactory({
      apiKey: 'emulator',
      baseUrl: emulator.url,
      model: 'gemini-live-emulator',
      systemInstruction: 'Be a pirate.',
      voiceName: 'Puck',
    });
    const { state, events, until } = recordingEvents();
    const upstream = await factory(events, {});
    const setup = emulator.setups.at(-1);
    expect(setup).toMatchObject({
      automaticActivityDetectionDisabled: true,
      inputAudioTranscription: true,
      outputAudioTranscription: true,
      sessionResumption: true,
      systemInstruction: 'Be a pirate.',
      voiceName: 'Puck',
    });
    expect(setup?.contextWindowCompression).toBeDefined();

    upstream.activityStart();
    for (let i = 0; i < 50; i++)
      upstream.sendAudio(Buffer.from(sinePcm16(220, UPLINK_SAMPLE_RATE_HZ, 320, 6000, i * 320)));
    upstream.activityEnd();
    await until(() => state.turnComplete > 0);
    expect(state.audioBytes).toBeGreaterThan(24_000); // over half a second of 24 kHz PCM16
    expect(state.audioBytes % 2).toBe(0);
    expect(state.output.length).toBeGreaterThan(3);

    upstream.close();
    await until(() => state.closes.length > 0);
    expect(state.closes[0]?.abnormal).toBe(false);
  });

  it('reports goAway and an abnormal drop', async () => {
    const factory = createGeminiUpstreamFactory({
      apiKey: 'emulator',
      baseUrl: emulator.url,
      model: 'gemini-live-emulator;goAwayAfterMs=100;goAwayTimeLeftMs=300',
    });
    const { state, events, until } = recordingEvents();
    await factory(events, {});
    await until(() => state.goAways.length > 0 && state.closes.length > 0);
    expect(state.goAways[0]).toBe(300);
    expect(state.closes[0]?.abnormal).toBe(true);
  });

  it('fails to connect with a typed error when nothing listens', async () => {
    const factory = createGeminiUpstreamFactory({
      apiKey: 'emulator',
      baseUrl: 'http://127.0.0.1:9',
      model: 'gemini-live-emulator',
      connectTimeoutMs: 3_000,
    });
    const { events } = recordingEvents();
    const error = await factory(events, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('upstream.unavailable');
  });
});
