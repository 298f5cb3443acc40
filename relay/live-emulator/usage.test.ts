import { describe, expect, it } from 'vitest';
import { AUDIO_TOKENS_PER_SECOND, audioTokensFor, ConversationContext, textTokensFor, usageForTurn } from './usage.js';

describe('Live-shaped token accounting', () => {
  it('bills audio at 32 tokens per second (ai.google.dev/gemini-api/docs/tokens), rounding up', () => {
    expect(AUDIO_TOKENS_PER_SECOND).toBe(32);
    expect(audioTokensFor(1_000)).toBe(32);
    expect(audioTokensFor(2_300)).toBe(74);
    expect(audioTokensFor(0)).toBe(0);
    expect(textTokensFor('abcdefgh')).toBe(2);
  });

  it('reports prompt, response and total with per-modality details', () => {
    const usage = usageForTurn({ audioTokens: 50, textTokens: 8 }, { audioTokens: 75, textTokens: 0 });
    expect(usage).toEqual({
      promptTokenCount: 58,
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 8 },
        { modality: 'AUDIO', tokenCount: 50 },
      ],
      responseTokenCount: 75,
      responseTokensDetails: [{ modality: 'AUDIO', tokenCount: 75 }],
      totalTokenCount: 133,
    });
  });

  it('accumulates context across turns and compresses it with a sliding window', () => {
    const context = new ConversationContext();
    context.systemInstructionTokens = 10;
    for (let turn = 0; turn < 10; turn++) context.add({ audioTokens: 100, textTokens: 0 });
    expect(context.totals()).toEqual({ audioTokens: 1_000, textTokens: 10 });
    // Below the trigger nothing is dropped.
    context.compress({ triggerTokens: 2_000, targetTokens: 500 });
    expect(context.entries).toHaveLength(10);
    context.compress({ triggerTokens: 900, targetTokens: 500 });
    // The system instruction stays; the oldest turns go until the context fits the target.
    expect(context.totals()).toEqual({ audioTokens: 400, textTokens: 10 });
  });
});
