// Starts an emulator + relay pair on loopback for cross-process tests and the benchmark.
import { Decoder } from '@evan/opus';
import { DOWNLINK_SAMPLE_RATE_HZ } from '../../shared/constants.js';
import type { AudioFrame } from '../../shared/frame.js';
import { loadConfig, type RelayConfig } from '../config.js';
import { type LiveEmulator, type LiveEmulatorOptions, startLiveEmulator } from '../live-emulator/server.js';
import { type RunningRelay, type StartRelayOptions, startRelay } from '../server.js';

export interface Harness {
  emulator: LiveEmulator;
  relay: RunningRelay;
  close(): Promise<void>;
}

export async function startHarness(
  options: { emulator?: LiveEmulatorOptions; env?: Record<string, string>; relay?: StartRelayOptions } = {},
): Promise<Harness> {
  const emulator = await startLiveEmulator({ host: '127.0.0.1', port: 0, ...options.emulator });
  let relay: RunningRelay;
  try {
    const config: RelayConfig = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      RTC_BIND_ADDRESS: '127.0.0.1',
      LIVE_EMULATOR_URL: emulator.url,
      LOG_LEVEL: process.env.RELAY_TEST_LOG_LEVEL ?? 'warn',
      ...options.env,
    });
    // The MC is text only here (its voiced intro is ~20 s of audio ahead of every scene); relay/test/stage.test.ts
    // and the e2e tests run the voiced MC.
    relay = await startRelay(config, { ...options.relay, stage: { ttsModel: null, ...options.relay?.stage } });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return {
    emulator,
    relay,
    close: async () => {
      await relay.close();
      await emulator.close();
    },
  };
}

/** Decodes a partner turn's frames (in seq order) to PCM16 24 kHz and returns its RMS level. */
export function partnerAudioRms(frames: AudioFrame[]): { rms: number; samples: number } {
  const decoder = new Decoder({ channels: 1, sample_rate: DOWNLINK_SAMPLE_RATE_HZ });
  let sumSquares = 0;
  let samples = 0;
  for (const frame of [...frames].sort((a, b) => a.seq - b.seq)) {
    const bytes = decoder.decode(frame.payload);
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
    for (const s of pcm) sumSquares += s * s;
    samples += pcm.length;
  }
  return { rms: samples ? Math.sqrt(sumSquares / samples) : 0, samples };
}
