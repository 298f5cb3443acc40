// The emulator's "real habits" mode: transcripts timed the way the real service is reported to time them, not the
// tidy way (googleapis/js-genai#1429 and dotnet-genai#264: input transcription's `finished` is never set; Firebase's
// Live docs: "transcripts may come earlier or later than the corresponding audio"; issue #10 of this project: input
// transcription in pieces after the reply's first audio, the output transcription's tail after turnComplete).
// Seeded, so a failing run replays exactly. What a turn says is the same as in tidy mode; only the timing differs.
import { mulberry32 } from '../../shared/stage.js';

export type TranscriptHabits = 'tidy' | 'real';

/** How one reply delivers its transcripts in real-habits mode (all counts in 40 ms reply chunks). */
export interface HabitPlan {
  /** The input transcription in pieces whose concatenation is the tidy text, sent without `finished`. */
  inputPieces: string[];
  /** The first input piece goes after this many reply audio chunks; each later one `inputGapChunks` after. */
  inputAfterChunks: number;
  inputGapChunks: number;
  /** Output transcription lags the audio by this many chunks. */
  outputLagChunks: number;
  /** The last output pieces held back until after turnComplete … */
  tailPieces: number;
  /** … and sent this long after it, one delay per piece (ascending). */
  tailDelaysMs: number[];
}

/** Reported lateness stays within a breath: a tail is never later than this after turnComplete. */
export const MAX_TAIL_DELAY_MS = 250;

export function planHabits(
  seed: number,
  turnIndex: number,
  inputText: string | undefined,
  outputPieces: number,
): HabitPlan {
  const random = mulberry32((seed ^ Math.imul(turnIndex + 7, 0x85ebca6b)) >>> 0);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const tailPieces = outputPieces > 1 ? Math.min(outputPieces - 1, between(1, 2)) : 0;
  const tailDelaysMs = Array.from({ length: tailPieces }, () => between(15, MAX_TAIL_DELAY_MS)).sort((a, b) => a - b);
  return {
    inputPieces: inputText === undefined ? [] : splitInPieces(inputText, between(2, 3)),
    inputAfterChunks: between(1, 3),
    inputGapChunks: between(1, 4),
    outputLagChunks: between(1, 4),
    tailPieces,
    tailDelaysMs,
  };
}

/** Splits text at word boundaries into at most `count` non-empty pieces whose concatenation is the text. */
export function splitInPieces(text: string, count: number): string[] {
  const words = text.match(/\s*\S+/g) ?? [];
  if (words.length <= 1 || count <= 1) return text ? [text] : [];
  const size = Math.ceil(words.length / Math.min(count, words.length));
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += size) pieces.push(words.slice(index, index + size).join(''));
  return pieces;
}
