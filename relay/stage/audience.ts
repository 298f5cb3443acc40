// "The room": after each exchange, one fast text-model call rates it and picks the crowd's reaction.
// Never throws and never blocks the scene for long: a failed, slow or malformed reply becomes a neutral reaction.
import { type GoogleGenAI, type Schema, Type } from '@google/genai';
import { z } from 'zod';
import type { Game } from '../../shared/games.js';
import type { AudienceReaction as SharedAudienceReaction } from '../../shared/stage.js';
import { AUDIENCE_PROMPT_MARKER, formatGameLine, formatPromptLine } from './prompt-contract.js';
import { generateJson } from './text-model.js';

export interface AudienceExchange {
  game: Game;
  playerLine: string;
  partnerLine: string;
}

/** The room's reaction as the client gets it (shared/stage.ts), plus where it came from. */
export interface AudienceReaction extends SharedAudienceReaction {
  source: 'model' | 'fallback';
  /** Why the fallback was used (for logs, not for the player). */
  fallbackReason?: string;
}

export interface AudienceOptions {
  model: string;
  /** The reaction must land while the exchange is still fresh. Default 4 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Default 0 (thinking off): a reaction must be fast, and a thinking model would spend the small output
   * budget on thoughts. Models that cannot turn thinking off (2.5 Pro) need a positive budget here.
   */
  thinkingBudget?: number;
}

export const DEFAULT_AUDIENCE_TIMEOUT_MS = 4_000;

/** The model's reply. A slightly out-of-range sentiment is clamped rather than thrown away. */
export const AudienceReply = z.object({
  sentiment: z
    .number()
    .refine(Number.isFinite, 'sentiment must be a finite number')
    .transform((value) => Math.max(-1, Math.min(1, value))),
  reaction: z.string().trim().min(1).max(60),
});
export type AudienceReply = z.infer<typeof AudienceReply>;

export const AUDIENCE_RESPONSE_SCHEMA: Schema = {
  type: Type.OBJECT,
  properties: {
    sentiment: {
      type: Type.NUMBER,
      minimum: -1,
      maximum: 1,
      description: '-1 groans/silence, 0 polite, 1 roaring laughter',
    },
    reaction: { type: Type.STRING, description: 'the crowd sound, 1-4 words, e.g. "*laughter*", "Ooooh!", "*groans*"' },
  },
  required: ['sentiment', 'reaction'],
  propertyOrdering: ['sentiment', 'reaction'],
};

export const NEUTRAL_REACTION = '*polite applause*';

const AUDIENCE_SYSTEM_INSTRUCTION = [
  AUDIENCE_PROMPT_MARKER,
  'You are the audience at a live short-form improv show. Rate only the last exchange between the PLAYER and their',
  'scene PARTNER. Reward accepting and building on offers, specific details, commitment, surprise and playing the',
  "game's rules; penalize blocking, denying, vagueness and stalling. sentiment: -1 (groans, silence) to 1 (big laugh).",
  'reaction: the sound the crowd makes, 1-4 words, like "*laughter*", "Ooooh!", "*groans*", "*scattered applause*".',
].join('\n');

export function audiencePrompt(exchange: AudienceExchange): string {
  return [
    formatGameLine(exchange.game.name),
    formatPromptLine('PLAYER', exchange.playerLine),
    formatPromptLine('PARTNER', exchange.partnerLine),
  ].join('\n');
}

/** What the offline Live emulator transcribes instead of words: "(player speech, 5.5 s)". */
const UNHEARD_LINE = /^\(player speech, (\d+(?:\.\d+)?) s\)$/;

/** Seconds of speech when the player's line has no words (offline), else null. */
export function unheardSpeechSeconds(playerLine: string): number | null {
  const match = UNHEARD_LINE.exec(playerLine.trim());
  return match ? Number(match[1]) : null;
}

/**
 * Offline there are no words to rate, only what the relay measured: how long the player spoke. A clipped
 * one-word line ("No.") cools the room, a committed line of a few seconds warms it, a monologue loses it.
 */
export function measuredReaction(speechS: number): AudienceReaction {
  const [sentiment, reaction] =
    speechS < 1.5
      ? [-0.4, '*awkward silence*']
      : speechS < 3
        ? [0.05, '*polite chuckles*']
        : speechS < 9
          ? [0.45, '*laughter*']
          : speechS < 15
            ? [0.1, '*murmurs*']
            : [-0.3, '*restless shuffling*'];
  return { sentiment, reaction, source: 'fallback', fallbackReason: 'offline: rated on speech length, not words' };
}

export async function rateExchange(
  ai: GoogleGenAI,
  exchange: AudienceExchange,
  options: AudienceOptions,
): Promise<AudienceReaction> {
  if (!exchange.playerLine.trim() && !exchange.partnerLine.trim()) {
    return neutralReaction('nothing was said in this exchange');
  }
  const unheardS = unheardSpeechSeconds(exchange.playerLine);
  if (unheardS !== null) return measuredReaction(unheardS);
  const result = await generateJson(ai, {
    model: options.model,
    systemInstruction: AUDIENCE_SYSTEM_INSTRUCTION,
    prompt: audiencePrompt(exchange),
    responseSchema: AUDIENCE_RESPONSE_SCHEMA,
    validator: AudienceReply,
    timeoutMs: options.timeoutMs ?? DEFAULT_AUDIENCE_TIMEOUT_MS,
    temperature: 0.7,
    maxOutputTokens: 64,
    thinkingBudget: options.thinkingBudget ?? 0,
    signal: options.signal,
  });
  if (!result.ok) return neutralReaction(result.reason);
  return { ...result.value, source: 'model' };
}

export function neutralReaction(reason: string): AudienceReaction {
  return { sentiment: 0, reaction: NEUTRAL_REACTION, source: 'fallback', fallbackReason: reason };
}
