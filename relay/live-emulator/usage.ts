// Token accounting shaped like Live's: audio costs 32 tokens per second in both directions (the documented rate,
// relay/live/models.ts), and every turn is billed for the whole accumulated context (prompt), not only for what
// was said in it.
import { MediaModality, type ModalityTokenCount, type UsageMetadata } from '@google/genai';
import { AUDIO_TOKENS_PER_SECOND } from '../live/models.js';

export { AUDIO_TOKENS_PER_SECOND };
/** Rough text rate for English (Gemini's tokenizer averages about four characters a token). */
export const TEXT_CHARS_PER_TOKEN = 4;

export function audioTokensFor(durationMs: number): number {
  return Math.ceil((durationMs / 1000) * AUDIO_TOKENS_PER_SECOND);
}

export function textTokensFor(text: string): number {
  return Math.ceil(text.length / TEXT_CHARS_PER_TOKEN);
}

/** What a turn adds to the session's context; the context persists across resumption. */
export interface ContextEntry {
  audioTokens: number;
  textTokens: number;
}

export interface SlidingWindowConfig {
  /** Compression starts when the context exceeds this many tokens. */
  triggerTokens: number;
  /** Oldest entries are dropped until the context is at most this many tokens. */
  targetTokens: number;
}

/** Accumulated context of one Live session (shared by all connections resuming it). */
export class ConversationContext {
  readonly entries: ContextEntry[] = [];
  systemInstructionTokens = 0;

  add(entry: ContextEntry): void {
    this.entries.push(entry);
  }

  totals(): ContextEntry {
    let audioTokens = 0;
    let textTokens = this.systemInstructionTokens;
    for (const entry of this.entries) {
      audioTokens += entry.audioTokens;
      textTokens += entry.textTokens;
    }
    return { audioTokens, textTokens };
  }

  /** Sliding-window compression as Live does it: the system instruction is always kept. */
  compress(window: SlidingWindowConfig | undefined): void {
    if (!window) return;
    const total = (): number => {
      const { audioTokens, textTokens } = this.totals();
      return audioTokens + textTokens;
    };
    if (total() <= window.triggerTokens) return;
    while (this.entries.length > 1 && total() > window.targetTokens) this.entries.shift();
  }
}

function details(counts: ContextEntry): ModalityTokenCount[] {
  const list: ModalityTokenCount[] = [];
  if (counts.textTokens > 0) list.push({ modality: MediaModality.TEXT, tokenCount: counts.textTokens });
  if (counts.audioTokens > 0) list.push({ modality: MediaModality.AUDIO, tokenCount: counts.audioTokens });
  return list;
}

/**
 * Usage for one model turn: the prompt is the context the model read (everything before its reply,
 * including this turn's input), the response is what it said.
 */
export function usageForTurn(prompt: ContextEntry, response: ContextEntry): UsageMetadata {
  const promptTokenCount = prompt.audioTokens + prompt.textTokens;
  const responseTokenCount = response.audioTokens + response.textTokens;
  return {
    promptTokenCount,
    promptTokensDetails: details(prompt),
    responseTokenCount,
    responseTokensDetails: details(response),
    totalTokenCount: promptTokenCount + responseTokenCount,
  };
}
