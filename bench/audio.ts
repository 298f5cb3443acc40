// Speech for the benchmark, encoded ONCE at startup: 16 kHz, 20 ms Opus frames at UPLINK_BITRATE_BPS, exactly as
// the browser sends them (relay/test/speech.ts does the WAV reading and encoding).
import { readFileSync } from 'node:fs';
import { encodeSpeech, FIXTURES_DIR, fixtureSpeech16k, readWav } from '../relay/test/speech.js';
import { OPUS_FRAME_MS, VAD_PRE_SPEECH_PAD_MS, VAD_REDEMPTION_MS } from '../shared/constants.js';

interface Manifest {
  files: Record<string, { speech: Array<[number, number]> }>;
}

export interface SpeechClip {
  name: string;
  packets: Uint8Array[];
  durationMs: number;
}

function readManifest(): Manifest {
  return JSON.parse(readFileSync(`${FIXTURES_DIR}manifest.json`, 'utf8')) as Manifest;
}

function clip(name: string, startS: number, endS: number): SpeechClip {
  const packets = encodeSpeech(fixtureSpeech16k(name, startS, endS));
  return {
    name: `${name}@${startS.toFixed(2)}-${endS.toFixed(2)}s`,
    packets,
    durationMs: packets.length * OPUS_FRAME_MS,
  };
}

function durationS(name: string): number {
  const wav = readWav(`${FIXTURES_DIR}${name}`);
  return wav.samples.length / wav.sampleRateHz;
}

/**
 * Every speech span of every fixture, padded like the client VAD would (pre-roll before, hangover after), so a
 * synthetic utterance carries what a real one would.
 */
export function loadUtteranceClips(): SpeechClip[] {
  const manifest = readManifest();
  const clips: SpeechClip[] = [];
  for (const [name, entry] of Object.entries(manifest.files)) {
    const totalS = durationS(name);
    for (const [startS, endS] of entry.speech) clips.push(vadClip(name, startS, endS, totalS));
  }
  if (clips.length === 0) throw new Error(`no speech spans in ${FIXTURES_DIR}manifest.json`);
  return clips;
}

function vadClip(name: string, startS: number, endS: number, totalS: number): SpeechClip {
  const fromS = Math.max(0, startS - VAD_PRE_SPEECH_PAD_MS / 1000);
  const toS = Math.min(totalS, endS + VAD_REDEMPTION_MS / 1000);
  return clip(name, fromS, toS);
}

export interface CostScene {
  /** What the client VAD sends: each span with pre-roll and hangover, and when (scene time) it starts. */
  vadSegments: Array<{ atMs: number; clip: SpeechClip }>;
  /**
   * The whole file, as if the microphone were streamed continuously, cut into the same turns: turn k runs from
   * where turn k−1's audio stopped to the end of VAD segment k (the last one to the end of the file), so the
   * silences (where the partner talks) are sent too and both modes get the same number of replies.
   */
  continuousTurns: SpeechClip[];
  sceneDurationMs: number;
}

export function loadCostScene(name = 'conversation.wav'): CostScene {
  const entry = readManifest().files[name];
  if (!entry) throw new Error(`${name} is not in the fixture manifest`);
  const totalS = durationS(name);
  const vadSegments = entry.speech.map(([startS, endS]) => ({
    atMs: Math.max(0, startS * 1000 - VAD_PRE_SPEECH_PAD_MS),
    clip: vadClip(name, startS, endS, totalS),
  }));
  const cutsS = entry.speech.map(([, endS]) => Math.min(totalS, endS + VAD_REDEMPTION_MS / 1000));
  cutsS[cutsS.length - 1] = totalS;
  const continuousTurns = cutsS.map((toS, i) => clip(name, i === 0 ? 0 : cutsS[i - 1]!, toS));
  return { vadSegments, continuousTurns, sceneDurationMs: totalS * 1000 };
}
