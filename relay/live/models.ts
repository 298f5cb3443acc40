// The Gemini models the relay calls, each with the documentation it was checked against, and their prices.
// One place to change when Google ships or retires a model: config.ts (Live), stage/mc-voice.ts (TTS) and
// stage/text-model.ts (audience + coach) take their defaults from here, store/pricing.ts its price rows.
// Checked 2026-12-03 against (see docs/models.md for the reasoning and how to switch):
//   https://ai.google.dev/gemini-api/docs/models/gemini-3.8-live        (stable, "last updated September 2026")
//   https://ai.google.dev/gemini-api/docs/deprecations                  (3.8 Live / 3.8 Flash: no shutdown date;
//                                                                        gemini-2.5-flash shut down 2026-12-01)
//   https://ai.google.dev/gemini-api/docs/speech-generation#migration   (3.1 Flash TTS preview → 3.8 TTS)
//   https://ai.google.dev/gemini-api/docs/pricing                       (prices below; see PRICE_SOURCES)
//   https://ai.google.dev/gemini-api/docs/tokens                        (audio: 32 tokens per second)

/** What the relay calls on a model; `models.get` reports it in supportedActions (supportedGenerationMethods). */
export type ModelMethod = 'bidiGenerateContent' | 'generateContent';

export interface ModelChoice {
  /** The model code, as `models.get` and `ai.live.connect` take it. */
  name: string;
  /** The environment variable that overrides it. */
  envVar: 'GEMINI_LIVE_MODEL' | 'GEMINI_TTS_MODEL' | 'GEMINI_TEXT_MODEL';
  method: ModelMethod;
  /** The page it was checked against, and when. */
  doc: string;
  checkedOn: string;
}

export const MODELS_CHECKED_ON = '2026-12-03';

/**
 * Gemini 3.8 Live: the stable Live model (released 2026-09-15, no shutdown date announced). Audio in and out,
 * no reasoning delay (the `-extended-thinking` variant adds one, which a scene partner cannot afford).
 */
export const LIVE_MODEL: ModelChoice = {
  name: 'gemini-3.8-live',
  envVar: 'GEMINI_LIVE_MODEL',
  method: 'bidiGenerateContent',
  doc: 'https://ai.google.dev/gemini-api/docs/models/gemini-3.8-live',
  checkedOn: MODELS_CHECKED_ON,
};

/**
 * Gemini 3.8 Flash-Lite TTS: Google's recommended replacement for the 3.1 Flash TTS preview for voice agents and
 * short single-speaker lines (the MC's), lower latency and a third cheaper on audio than 3.8 Flash TTS.
 */
export const TTS_MODEL: ModelChoice = {
  name: 'gemini-3.8-flash-lite-tts',
  envVar: 'GEMINI_TTS_MODEL',
  method: 'generateContent',
  doc: 'https://ai.google.dev/gemini-api/docs/models/gemini-3.8-flash-lite-tts',
  checkedOn: MODELS_CHECKED_ON,
};

/**
 * Gemini 3.5 Flash-Lite: the audience's reaction must land within a second or two and the coach's report is a
 * short JSON object; Flash-Lite is the fastest and cheapest stable text model (released 2026-07-21, no shutdown
 * date). gemini-3.8-flash (GEMINI_TEXT_MODEL) writes better coaching at 2.5× the price and thinks by default.
 */
export const TEXT_MODEL: ModelChoice = {
  name: 'gemini-3.5-flash-lite',
  envVar: 'GEMINI_TEXT_MODEL',
  method: 'generateContent',
  doc: 'https://ai.google.dev/gemini-api/docs/deprecations',
  checkedOn: MODELS_CHECKED_ON,
};

export const DEFAULT_LIVE_MODEL = LIVE_MODEL.name;
export const DEFAULT_TTS_MODEL = TTS_MODEL.name;
export const DEFAULT_TEXT_MODEL = TEXT_MODEL.name;

/**
 * Audio is billed at 32 tokens per second of sound, in and out ("Gemini represents each second of audio as 32
 * tokens", https://ai.google.dev/gemini-api/docs/tokens, checked 2026-12-03).
 */
export const AUDIO_TOKENS_PER_SECOND = 32;

/** USD per million tokens. Thinking tokens are billed as output text ("output price, including thinking"). */
export interface ModelPriceUsdPerMillionTokens {
  inputAudio: number;
  outputAudio: number;
  /** Text in (system instruction, stage directions, history). */
  text: number;
  /** Text out and thinking; the input text rate when absent (older rows). */
  outputText?: number;
}

export interface PriceRow extends ModelPriceUsdPerMillionTokens {
  /** A launch price ends: from this instant (ISO date) `after` applies. */
  until?: string;
  after?: ModelPriceUsdPerMillionTokens;
}

/**
 * Paid-tier list prices (Gemini Developer API). Where Google's page gives one input and one output price for all
 * modalities, both modalities carry it. Sources, read 2026-12-03:
 *  - 3.8 Live: $0.75 in / $4.50 out per 1M (AI Gateway listing of ai.google.dev/gemini-api/docs/pricing);
 *  - 3.8 Flash: $0.75 / $3.75 through 2026-12-31, $1.50 / $7.50 from 2027-01-01 (pricing page transcript);
 *  - 3.5 Flash-Lite: $0.30 in (text/image/video/audio) / $2.50 out;
 *  - 3.8 Flash(-Lite) TTS: $0.50 text in / $9.00 (Flash) or $6.00 (Flash-Lite) audio out, launch prices through
 *    2026-12-31, doubling on 2027-01-01;
 *  - older rows stay so stored scenes of retired models keep their cost.
 * The per-modality split for 3.8 Live is not published separately: re-check before billing anyone by it.
 */
export const MODEL_PRICES: Readonly<Record<string, PriceRow>> = {
  'gemini-3.8-live': { inputAudio: 0.75, outputAudio: 4.5, text: 0.75, outputText: 4.5 },
  'gemini-3.8-live-extended-thinking': { inputAudio: 0.75, outputAudio: 4.5, text: 0.75, outputText: 4.5 },
  'gemini-3.8-flash': {
    inputAudio: 0.75,
    outputAudio: 3.75,
    text: 0.75,
    outputText: 3.75,
    until: '2027-01-01',
    after: { inputAudio: 1.5, outputAudio: 7.5, text: 1.5, outputText: 7.5 },
  },
  'gemini-3.5-flash-lite': { inputAudio: 0.3, outputAudio: 2.5, text: 0.3, outputText: 2.5 },
  'gemini-3.8-flash-tts': {
    inputAudio: 0.5,
    outputAudio: 9.0,
    text: 0.5,
    outputText: 9.0,
    until: '2027-01-01',
    after: { inputAudio: 1.0, outputAudio: 18.0, text: 1.0, outputText: 18.0 },
  },
  'gemini-3.8-flash-lite-tts': {
    inputAudio: 0.5,
    outputAudio: 6.0,
    text: 0.5,
    outputText: 6.0,
    until: '2027-01-01',
    after: { inputAudio: 1.0, outputAudio: 12.0, text: 1.0, outputText: 12.0 },
  },
  // Retired or retiring; kept for the cost of scenes stored while they served.
  'gemini-2.5-flash-native-audio-preview-09-2025': { inputAudio: 3.0, outputAudio: 12.0, text: 0.5 },
  'gemini-live-2.5-flash-preview': { inputAudio: 3.0, outputAudio: 12.0, text: 0.5 },
  'gemini-2.0-flash-live-001': { inputAudio: 2.1, outputAudio: 8.5, text: 0.35 },
};

/** The row's price at `at` (launch prices end on their `until` date). */
export function priceAt(row: PriceRow, at: Date): ModelPriceUsdPerMillionTokens {
  if (row.until && row.after && at.getTime() >= Date.parse(row.until)) return row.after;
  const { until: _until, after: _after, ...price } = row;
  return price;
}
