import { describe, expect, it } from 'vitest';
import { toUpstreamUsage } from '../relay/live/server-message.js';
import { audioTokensFor, ConversationContext, usageForTurn } from '../relay/live-emulator/usage.js';
import { summarize } from './cost.js';

/** Usage reports exactly as the emulator builds them and the relay parses them, for turns of known length. */
function emulatedUsage(turns: Array<{ inputMs: number; replyMs: number }>) {
  const context = new ConversationContext();
  context.systemInstructionTokens = 40;
  return turns.map(({ inputMs, replyMs }) => {
    context.add({ audioTokens: audioTokensFor(inputMs), textTokens: 0 });
    const prompt = context.totals();
    const response = { audioTokens: audioTokensFor(replyMs), textTokens: 0 };
    context.add(response);
    return toUpstreamUsage(usageForTurn(prompt, response));
  });
}

describe('summarize (cost phase token arithmetic)', () => {
  it('recovers the player input audio tokens from cumulative prompts', () => {
    const turns = [
      { inputMs: 6_080, replyMs: 3_200 },
      { inputMs: 5_260, replyMs: 4_040 },
      { inputMs: 3_460, replyMs: 2_520 },
    ];
    const usage = emulatedUsage(turns);
    const result = summarize(usage, turns.length, 14_800);
    const expected = turns.reduce((sum, t) => sum + audioTokensFor(t.inputMs), 0);
    expect(result.inputAudioTokens).toBe(expected);
    expect(result.usageReports).toBe(3);
    // The bill re-reads the context every turn, so it exceeds input + output audio.
    expect(result.billedTokens).toBe(usage.reduce((sum, u) => sum + u.totalTokens, 0));
    expect(result.billedTokens).toBeGreaterThan(expected);
  });

  it('counts one long turn as its whole duration', () => {
    const usage = emulatedUsage([{ inputMs: 29_720, replyMs: 3_000 }]);
    expect(summarize(usage, 1, 29_720).inputAudioTokens).toBe(audioTokensFor(29_720));
  });
});
