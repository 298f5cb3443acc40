// Price table for estimatedCostUsd, keyed by model name: the rows live beside the model choices in
// relay/live/models.ts (one place to update when a model or a price changes); this module prices usage with them.
import {
  DEFAULT_LIVE_MODEL,
  MODEL_PRICES,
  type ModelPriceUsdPerMillionTokens,
  type PriceRow,
  priceAt,
} from '../live/models.js';
import type { UpstreamUsage } from '../live/upstream.js';
import type { UsageTotals } from './session-store.js';

export type { ModelPriceUsdPerMillionTokens } from '../live/models.js';

export const DEFAULT_PRICE_MODEL = DEFAULT_LIVE_MODEL;

export const MODEL_PRICES_USD_PER_MILLION_TOKENS: Readonly<Record<string, PriceRow>> = MODEL_PRICES;

export function priceFor(
  model: string,
  table: Readonly<Record<string, PriceRow>> = MODEL_PRICES,
  at: Date = new Date(),
): ModelPriceUsdPerMillionTokens {
  // An unknown model (the offline emulator's, a new preview) is priced like the default so cost is never 0 by
  // accident; test knobs after `;` (emulator model names) do not change the model.
  const row = table[model] ?? table[model.split(';')[0] ?? ''] ?? table[DEFAULT_PRICE_MODEL];
  return row ? priceAt(row, at) : { inputAudio: 0, outputAudio: 0, text: 0 };
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

export const noUsage = (): UsageTotals => ({ inputAudioTokens: 0, outputAudioTokens: 0, textTokens: 0 });

/** Running totals plus one report of Live's usage (text in and out, thinking included, are one text figure). */
export function addUsage(totals: UsageTotals, usage: UpstreamUsage): UsageTotals {
  return {
    inputAudioTokens: totals.inputAudioTokens + usage.inputAudioTokens,
    outputAudioTokens: totals.outputAudioTokens + usage.outputAudioTokens,
    textTokens: totals.textTokens + usage.inputTextTokens + usage.outputTextTokens,
  };
}
