// `npm run smoke:gemini`: one fixture scene (conversation.wav, three lines) through the real relay against the real
// Gemini Live service. Prints one JSON line (per-turn voice-to-voice, tokens, cost) and saves the service's messages
// (audio replaced by its length) under relay/live/recordings/, which relay/live/replay.test.ts replays.
//   GEMINI_API_KEY=… npm run smoke:gemini
//   npm run smoke:gemini -- --emulator   (no credentials: the emulator's real-habits mode, for a reference recording)
// Without credentials (and without --emulator) it says so and exits 2. CI does not run it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../relay/config.js';
import { createGeminiUpstreamFactory } from '../relay/live/gemini-upstream.js';
import { RECORDINGS_DIR, type RecordedEvent, type Recording, withoutAudio } from '../relay/live/recording.js';
import { type LiveEmulator, startLiveEmulator } from '../relay/live-emulator/server.js';
import { startRelay } from '../relay/server.js';
import type { SessionObserver, TurnEndedEvent } from '../relay/session/observer.js';
import { estimateCostUsd, priceFor } from '../relay/store/pricing.js';
import { RtcTestClient } from '../relay/test/rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from '../relay/test/speech.js';
import type { RelayMessage } from '../shared/protocol.js';

const FIXTURE = 'conversation.wav';
/** The fixture's three lines (e2e/fixtures/audio/manifest.json), with the VAD's lead-in and hangover. */
const LINES_S: ReadonlyArray<readonly [number, number]> = [
  [0.7, 6.9],
  [12.1, 17.5],
  [22.7, 26.2],
];
const REPLY_TIMEOUT_MS = 30_000;

async function main(): Promise<number> {
  const useEmulator = process.argv.includes('--emulator');
  const apiKey = process.env.GEMINI_API_KEY?.trim();
  if (!apiKey && !useEmulator) {
    process.stderr.write(
      'smoke:gemini needs credentials for the real Gemini Live service: set GEMINI_API_KEY (Vertex AI is not wired ' +
        'into the relay yet). Nothing was run. (`npm run smoke:gemini -- --emulator` runs it offline.)\n',
    );
    return 2;
  }
  let emulator: LiveEmulator | null = null;
  if (useEmulator) emulator = await startLiveEmulator({ habits: 'real', habitsSeed: 2, seed: 5, warmVoices: [] });
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    RTC_BIND_ADDRESS: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...(emulator ? { GEMINI_API_KEY: '', LIVE_EMULATOR_URL: emulator.url } : {}),
  });
  const events: RecordedEvent[] = [];
  const startedAtMs = performance.now();
  const at = (ms: number) => Math.round((ms - startedAtMs) * 10) / 10;
  const upstreamFactory = createGeminiUpstreamFactory({
    apiKey: config.geminiApiKey ?? 'emulator',
    baseUrl: emulator?.url,
    model: config.geminiLiveModel,
    systemInstruction: config.systemInstruction,
    voiceName: config.voiceName,
    onServerMessage: (message, receivedAtMs) => events.push({ atMs: at(receivedAtMs), server: withoutAudio(message) }),
  });
  const usage = { inputAudioTokens: 0, outputAudioTokens: 0, textTokens: 0, thinkingTokens: 0, totalTokens: 0 };
  const turns: TurnEndedEvent[] = [];
  const observer: SessionObserver = {
    onTurnEnded: (event) => turns.push(event),
    onUsage: ({ usage: u }) => {
      usage.inputAudioTokens += u.inputAudioTokens;
      usage.outputAudioTokens += u.outputAudioTokens;
      usage.textTokens += u.inputTextTokens + u.outputTextTokens;
      usage.thinkingTokens += u.thinkingTokens ?? 0;
      usage.totalTokens += u.totalTokens;
    },
  };
  const relay = await startRelay(config, { upstreamFactory, observer, stage: { ttsModel: null } });
  const client = await RtcTestClient.connect(relay.url, { bindAddress: '127.0.0.1' });
  const perTurn: { line: number; voiceToVoiceMs: number | null }[] = [];
  try {
    const welcome = await client.hello({ game: 'freeze-tag' });
    if (welcome.type !== 'welcome') throw new Error(`the relay refused the scene: ${JSON.stringify(welcome)}`);
    for (const [index, [startS, endS]] of LINES_S.entries()) {
      const utterance = index + 1;
      const ends = () => client.messages.filter((m) => m.type === 'partner.end').length;
      const before = ends();
      const framesBefore = client.frames.length;
      events.push({ atMs: at(performance.now()), client: 'activityStart', utterance });
      await client.speak(utterance, encodeSpeech(fixtureSpeech16k(FIXTURE, startS, endS)), 20);
      const spokeAtMs = performance.now();
      events.push({ atMs: at(spokeAtMs), client: 'activityEnd', utterance });
      await client.waitForMessage((m: RelayMessage) => m.type === 'partner.end' && ends() > before, REPLY_TIMEOUT_MS);
      // The reply's first frame: the first to arrive after the line ended (a previous reply's last frames may trail).
      const firstFrameAtMs = client.frameArrivalsMs.slice(framesBefore).find((arrivedMs) => arrivedMs >= spokeAtMs);
      perTurn.push({
        line: utterance,
        voiceToVoiceMs: firstFrameAtMs === undefined ? null : Math.round(firstFrameAtMs - spokeAtMs),
      });
    }
    client.send({ type: 'scene.end' });
    await client.waitForMessage((m) => m.type === 'session.ended', 30_000);
  } finally {
    client.close();
    await relay.close();
    await emulator?.close();
  }
  const model = config.geminiLiveModel;
  const costUsd = estimateCostUsd(usage, priceFor(model));
  const recording: Recording = {
    model,
    recordedAt: new Date().toISOString(),
    source: emulator ? 'Live emulator, real habits (documented message shapes), seed 5 / habits seed 2' : 'Gemini Live',
    events,
    turns: turns
      .filter((t): t is TurnEndedEvent & { speaker: 'player' | 'partner' } => ['player', 'partner'].includes(t.speaker))
      .map((t) => ({ speaker: t.speaker, text: t.text })),
  };
  const file = join(
    RECORDINGS_DIR,
    `${emulator ? 'emulator-real-habits' : `${model}-${recording.recordedAt.slice(0, 10)}`}.json`,
  );
  writeFileSync(file, `${JSON.stringify(recording, null, 1)}\n`);
  process.stdout.write(
    `${JSON.stringify({ model, source: recording.source, perTurn, usage, costUsd, recording: file })}\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`smoke:gemini failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
