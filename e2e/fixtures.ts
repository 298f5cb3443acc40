// Shared e2e helpers: a Chromium whose microphone is a fixture WAV, and the fixture manifest.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';
import { CHROMIUM_BASE_ARGS, fakeMicArgs, findChromium } from '../scripts/chromium.js';

const here = dirname(fileURLToPath(import.meta.url));
export const AUDIO_DIR = join(here, 'fixtures', 'audio');

interface ManifestEntry {
  speech: [number, number][];
  text: string[];
}
export const manifest: { files: Record<string, ManifestEntry> } = JSON.parse(
  readFileSync(join(AUDIO_DIR, 'manifest.json'), 'utf8'),
);

/**
 * `test.use(...)` options that make the browser's microphone play `wavName` once, for a returning player who has
 * allowed the microphone: hello goes at once (client/stage/mic-check.ts), so the scene's timeline (the MC's intro,
 * then the fixture's lines) is the one a returning player meets.
 */
export function micFrom(wavName: string) {
  return {
    permissions: ['microphone'],
    launchOptions: {
      executablePath: findChromium(),
      args: [...CHROMIUM_BASE_ARGS, ...fakeMicArgs(join(AUDIO_DIR, wavName))],
    },
  };
}

/**
 * After End scene, how long until Start scene is back, at most: the undo window (END_UNDO_MS, 3 s,
 * client/ui/SceneButton.tsx), then the wait for the MC's close and the coach (DEFAULT_ENDING_WAIT_MS, 25 s,
 * client/session/scene-controller.ts), plus 5 s for the page to settle.
 */
export const SCENE_END_TIMEOUT_MS = 33_000;

/** Read-only instrumentation the client exposes as window.__improv. */
export interface ImprovProbe {
  connectionState: string;
  utterancesSent: number;
  partnerTurnsHeard: number;
  /** The MC's voiced turns that became audible (the intro, the outro). */
  mcTurnsHeard: number;
  bargeIns: number;
  partnerSpeaking: boolean;
  lastVoiceToVoiceMs: number | null;
}

export async function probe(page: Page): Promise<ImprovProbe> {
  return page.evaluate(() => (window as unknown as { __improv: ImprovProbe }).__improv);
}

/**
 * What the page's connection indicator says, or, when it shows none (no scene, or a scene that failed), why:
 * the alert the page shows, so a failed start names its cause.
 */
export function connectionOrAlert(page: Page): Promise<string> {
  return page.evaluate(() => {
    const state = document.querySelector('[role="status"][aria-label="Connection"] [data-state]');
    if (state) return state.getAttribute('data-state') ?? '';
    const alerts = [...document.querySelectorAll('[role="alert"]')].map((a) => a.textContent?.trim()).filter(Boolean);
    return alerts.length > 0
      ? `no connection; the page says: ${alerts.join(' | ')}`
      : `no connection (${location.pathname})`;
  });
}

/** Clicks Start scene (on a freshly loaded lobby unless `navigate: false`) and waits until the scene is connected. */
export async function startScene(page: Page, options: { navigate?: boolean } = {}): Promise<void> {
  if (options.navigate !== false) await page.goto('/');
  await page.getByRole('button', { name: 'Start scene' }).click();
  // Loading the VAD (onnxruntime's wasm) has held the page's main thread for 7–18 s at a time, even on a quiet
  // machine (a CI run's trace): the page cannot even be asked its state meanwhile. Connected is bounded at 60 s.
  await expect.poll(() => connectionOrAlert(page), { timeout: 60_000, intervals: [100, 250, 500] }).toBe('connected');
}

export function transcriptEntries(page: Page, speaker: 'player' | 'partner') {
  return page.getByRole('log', { name: 'Transcript' }).locator(`[data-speaker="${speaker}"]`);
}

export interface PlayedTurn {
  turnId: number;
  playedMs: number;
  rms: number;
}

/** What the partner's audio actually did on the speakers (null once the scene has ended). */
export async function playback(
  page: Page,
): Promise<{ playedTurns: PlayedTurn[]; lastInterruptToSilenceMs: number | null }> {
  return page.evaluate(() => {
    const stats = (
      window as unknown as {
        __improv: { playerStats: null | { playedTurns: PlayedTurn[]; lastInterruptToSilenceMs: number | null } };
      }
    ).__improv.playerStats;
    return stats ?? { playedTurns: [], lastInterruptToSilenceMs: null };
  });
}

/** A partner reply counts as audible when at least this much was played at this RMS or more. */
export const AUDIBLE_MIN_PLAYED_MS = 500;
export const AUDIBLE_MIN_RMS = 0.01;

interface Timeline {
  captureStartedAtMs: number | null;
  utterances: { utteranceId: number; firstFrameCapturedAtMs: number | null; endSentAtMs: number | null }[];
  partnerTurns: {
    turnId: number;
    answersUtteranceId: number | null;
    firstFrameReceivedAtMs: number;
    audibleAtMs: number | null;
  }[];
}

export interface VoiceToVoiceSplit {
  utterance: number;
  /** End of speech in the WAV → partner's first sound on the speakers. */
  totalMs: number;
  /** End of speech in the WAV → `utterance.end` sent (the VAD's end-of-speech hangover). */
  vadHangoverMs: number;
  /** `utterance.end` sent → first partner frame received: network both ways, relay, and the model's think time. */
  relayNetworkModelMs: number;
  /** First partner frame received → audible: jitter buffer, decode, audio thread. */
  playoutMs: number;
}

/** Splits each answered utterance's voice-to-voice latency using the fixture's manifest and the page's hop timings. */
export async function voiceToVoiceSplits(page: Page, wavName: string): Promise<VoiceToVoiceSplit[]> {
  const timeline = await page.evaluate(
    () =>
      JSON.parse(
        JSON.stringify((window as unknown as { __improv: { timeline: unknown } }).__improv.timeline),
      ) as Timeline,
  );
  const speech = manifest.files[wavName]?.speech ?? [];
  const captureStart = timeline.captureStartedAtMs;
  if (captureStart === null) return [];
  const splits: VoiceToVoiceSplit[] = [];
  // Utterances map to the manifest's lines by capture time (a line the VAD split has two); the reply
  // that was heard answers the line's last utterance.
  const PRE_ROLL_SLACK_MS = 1_000;
  speech.forEach(([startS, endS], index) => {
    const inLine = timeline.utterances.filter((utterance) => {
      if (utterance.firstFrameCapturedAtMs === null) return false;
      const atMs = utterance.firstFrameCapturedAtMs - captureStart;
      return atMs >= startS * 1000 - PRE_ROLL_SLACK_MS && atMs <= endS * 1000;
    });
    const utterance = inLine.at(-1);
    const turn = timeline.partnerTurns.find((t) => t.answersUtteranceId === utterance?.utteranceId);
    if (!utterance || !turn || turn.audibleAtMs === null || utterance.endSentAtMs === null) return;
    const wavEndAtMs = captureStart + endS * 1000;
    splits.push({
      utterance: index + 1,
      totalMs: Math.round(turn.audibleAtMs - wavEndAtMs),
      vadHangoverMs: Math.round(utterance.endSentAtMs - wavEndAtMs),
      relayNetworkModelMs: Math.round(turn.firstFrameReceivedAtMs - utterance.endSentAtMs),
      playoutMs: Math.round(turn.audibleAtMs - turn.firstFrameReceivedAtMs),
    });
  });
  return splits;
}
