// Price table for estimatedCostUsd, keyed by Live model name. USD per million tokens, from Google's published
// Gemini API prices for the Live native-audio models (check them when a model or price changes).
import type { UsageTotals } from './session-store.js';

export interface ModelPriceUsdPerMillionTokens {
  inputAudio: number;
  outputAudio: number;
  /** Text in and out are counted together in UsageTotals.textTokens; priced at the text input rate. */
  text: number;
}

export const DEFAULT_PRICE_MODEL = 'gemini-2.5-flash-native-audio-preview-09-2025';

export const MODEL_PRICES_USD_PER_MILLION_TOKENS: Readonly<Record<string, ModelPriceUsdPerMillionTokens>> = {
  'gemini-2.5-flash-native-audio-preview-09-2025': { inputAudio: 3.0, outputAudio: 12.0, text: 0.5 },
  'gemini-live-2.5-flash-preview': { inputAudio: 3.0, outputAudio: 12.0, text: 0.5 },
  'gemini-2.0-flash-live-001': { inputAudio: 2.1, outputAudio: 8.5, text: 0.35 },
};

export function priceFor(
  model: string,
  table: Readonly<Record<string, ModelPriceUsdPerMillionTokens>> = MODEL_PRICES_USD_PER_MILLION_TOKENS,
): ModelPriceUsdPerMillionTokens {
  // An unknown model (the offline emulator's, a new preview) is priced like the default so cost is never 0 by accident.
  return table[model] ?? table[DEFAULT_PRICE_MODEL] ?? { inputAudio: 0, outputAudio: 0, text: 0 };
}

export function estimateCostUsd(usage: UsageTotals, price: ModelPriceUsdPerMillionTokens): number {
  const usd =
    (usage.inputAudioTokens * price.inputAudio +
      usage.outputAudioTokens * price.outputAudio +
      usage.textTokens * price.text) /
    1_000_000;
  // Micro-dollar precision: enough for per-session cost, and stable across retries.
  return Math.round(usd * 1_000_000) / 1_000_000;
}
