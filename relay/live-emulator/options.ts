// Emulator options, and per-connection overrides for fault tests.
//
// A connection can override the instance's options in two ways (later wins):
//  1. the URL query string, e.g. `?key=emulator&goAwayAfterMs=500` (raw WebSocket clients), or
//     inside the API key itself, since the SDK puts it in the URL verbatim:
//     `new GoogleGenAI({ apiKey: 'emulator;goAwayAfterMs=500' })`;
//  2. the model name, e.g. `ai.live.connect({ model: 'gemini-live-emulator;dropAfterMs=800;thinkMs=0' })`.
//     (The SDK forbids `?` and `&` in model names, hence `;`.)

import type { TranscriptHabits } from './habits.js';

export interface LiveEmulatorOptions {
  host?: string;
  /** 0 = ephemeral. */
  port?: number;
  /** Delay between the end of the player's turn and the reply's first message. Default 300. */
  thinkMs?: number;
  /** Seed for the scripted lines. Default 1. */
  seed?: number;
  /** Stream reply audio at real-time pace (default) or as fast as possible. */
  realtime?: boolean;
  /** Send goAway this long after setup, then close when its timeLeft runs out. */
  goAwayAfterMs?: number;
  /** The timeLeft announced in goAway. Default 2000. */
  goAwayTimeLeftMs?: number;
  /** Drop the connection abnormally (no close frame; the client sees 1006) this long after setup. */
  dropAfterMs?: number;
  /** Reject every setup that carries a resumption handle, as if it had expired. */
  refuseResumption?: boolean;
  /** Extra delay before the first audio chunk of every reply (a slow first byte). */
  firstByteDelayMs?: number;
  /**
   * 'real': transcripts timed as the real service is reported to (habits.ts): input in pieces after the reply's
   * first audio and never `finished`, output lagging the audio with its tail after turnComplete. Default 'tidy'.
   */
  habits?: TranscriptHabits;
  /** Seed of the real habits' timing. Default: `seed`. */
  habitsSeed?: number;
  /** Pre-synthesize the scripted lines for these voices at startup. Default: the default voice. */
  warmVoices?: readonly string[];
  /** Log lines (stderr in the CLI). Default: silent. */
  log?: (line: string) => void;
}

/** The options that may differ per connection. */
export interface ConnectionOptions {
  thinkMs: number;
  seed: number;
  realtime: boolean;
  goAwayAfterMs: number | undefined;
  goAwayTimeLeftMs: number;
  dropAfterMs: number | undefined;
  refuseResumption: boolean;
  firstByteDelayMs: number;
  habits: TranscriptHabits;
  habitsSeed: number;
}

export const DEFAULT_THINK_MS = 300;
export const DEFAULT_GO_AWAY_TIME_LEFT_MS = 2_000;

export function connectionDefaults(options: LiveEmulatorOptions): ConnectionOptions {
  return {
    thinkMs: options.thinkMs ?? DEFAULT_THINK_MS,
    seed: options.seed ?? 1,
    realtime: options.realtime ?? true,
    goAwayAfterMs: options.goAwayAfterMs,
    goAwayTimeLeftMs: options.goAwayTimeLeftMs ?? DEFAULT_GO_AWAY_TIME_LEFT_MS,
    dropAfterMs: options.dropAfterMs,
    refuseResumption: options.refuseResumption ?? false,
    firstByteDelayMs: options.firstByteDelayMs ?? 0,
    habits: options.habits ?? 'tidy',
    habitsSeed: options.habitsSeed ?? options.seed ?? 1,
  };
}

const NUMERIC_KEYS = [
  'thinkMs',
  'seed',
  'goAwayAfterMs',
  'goAwayTimeLeftMs',
  'dropAfterMs',
  'firstByteDelayMs',
  'habitsSeed',
] as const;
const BOOLEAN_KEYS = ['realtime', 'refuseResumption'] as const;

/** Applies `key=value` pairs; unknown keys and unparsable values are ignored (they are test knobs). */
export function applyOverrides(base: ConnectionOptions, pairs: Iterable<[string, string]>): ConnectionOptions {
  const result = { ...base };
  for (const [key, value] of pairs) {
    if ((NUMERIC_KEYS as readonly string[]).includes(key)) {
      const number = Number(value);
      if (Number.isFinite(number) && number >= 0) result[key as (typeof NUMERIC_KEYS)[number]] = number;
    } else if (key === 'habits') {
      if (value === 'tidy' || value === 'real') result.habits = value;
    } else if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (value === 'true' || value === '1') result[key as (typeof BOOLEAN_KEYS)[number]] = true;
      if (value === 'false' || value === '0') result[key as (typeof BOOLEAN_KEYS)[number]] = false;
    }
  }
  return result;
}

/** `key=value` pairs after the first `;` of a model name or API key. */
export function semicolonPairs(text: string): [string, string][] {
  return text
    .split(';')
    .slice(1)
    .map((pair) => pair.split('=', 2) as [string, string | undefined])
    .filter((pair): pair is [string, string] => pair[1] !== undefined)
    .map(([key, value]) => [key.trim(), value.trim()]);
}

/** Overrides carried by the upgrade URL: its query params and any `;key=value` inside `key`. */
export function urlPairs(url: URL): [string, string][] {
  const pairs: [string, string][] = [...url.searchParams.entries()];
  const apiKey = url.searchParams.get('key');
  if (apiKey) pairs.push(...semicolonPairs(apiKey));
  return pairs;
}
