// The coach: one text-model call over the whole transcript after the scene → structured, validated feedback.
// Never throws: a failed or malformed reply becomes a fallback report that says plainly what went wrong.
import { type GoogleGenAI, type Schema, Type } from '@google/genai';
import type { Game } from '../../shared/games.js';
import { Principle } from '../../shared/games.js';
import type { Speaker } from '../../shared/protocol.js';
import { CoachFeedback, CoachReport, type Suggestion } from '../../shared/stage.js';
import { unheardSpeechSeconds } from './audience.js';
import { COACH_PROMPT_MARKER, formatGameLine, formatPromptLine, type PromptSpeaker } from './prompt-contract.js';
import { generateJson } from './text-model.js';

export interface TranscriptLine {
  speaker: Speaker;
  text: string;
  /** Audience lines read back from the store: the reaction's sentiment, so a taken-over scene keeps its mood. */
  sentiment?: number;
}

export interface CoachInput {
  game: Game;
  suggestion?: Suggestion;
  transcript: readonly TranscriptLine[];
}

export interface CoachOptions {
  model: string;
  /** Default 30 s: the review is not on the scene's critical path. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_COACH_TIMEOUT_MS = 30_000;
/** The newest lines win when a transcript is longer than this. */
export const MAX_COACH_TRANSCRIPT_LINES = 300;

// The report's schemas are shared with the client (shared/stage.ts), which renders them.
export { CoachFeedback, CoachReport };

export const COACH_RESPONSE_SCHEMA: Schema = {
  type: Type.OBJECT,
  properties: {
    summary: { type: Type.STRING, description: 'two or three sentences on how the scene went' },
    strengths: {
      type: Type.ARRAY,
      maxItems: '3',
      items: {
        type: Type.OBJECT,
        properties: {
          point: { type: Type.STRING },
          quote: { type: Type.STRING, description: "the player's own words from the transcript, verbatim" },
        },
        required: ['point', 'quote'],
        propertyOrdering: ['point', 'quote'],
      },
    },
    tryNext: { type: Type.ARRAY, minItems: '1', maxItems: '2', items: { type: Type.STRING } },
    principles: {
      type: Type.ARRAY,
      minItems: '1',
      maxItems: '5',
      items: {
        type: Type.OBJECT,
        properties: {
          principle: { type: Type.STRING, format: 'enum', enum: [...Principle.options] },
          score: { type: Type.INTEGER, minimum: 1, maximum: 5 },
          note: { type: Type.STRING },
        },
        required: ['principle', 'score', 'note'],
        propertyOrdering: ['principle', 'score', 'note'],
      },
    },
  },
  required: ['summary', 'strengths', 'tryNext', 'principles'],
  propertyOrdering: ['summary', 'strengths', 'tryNext', 'principles'],
};

const COACH_SYSTEM_INSTRUCTION = [
  COACH_PROMPT_MARKER,
  'You are a warm, precise improv coach reviewing a short-form scene between a PLAYER (a person you are coaching)',
  'and their AI scene PARTNER. AUDIENCE lines are the crowd. Coach the PLAYER only.',
  'summary: two or three sentences. strengths: up to three things the player did well, each with a verbatim quote of',
  "the player's own line. tryNext: one or two concrete things to try in the next scene. principles: score each of",
  'yes-and, specificity, heightening, listening, justification from 1 to 5 with a one-sentence note.',
].join('\n');

const PROMPT_SPEAKER: Partial<Record<Speaker, PromptSpeaker>> = {
  player: 'PLAYER',
  partner: 'PARTNER',
  audience: 'AUDIENCE',
};

export function coachPrompt(input: CoachInput): string {
  const lines = input.transcript
    .filter((line) => PROMPT_SPEAKER[line.speaker] && line.text.trim())
    .slice(-MAX_COACH_TRANSCRIPT_LINES)
    .map((line) => formatPromptLine(PROMPT_SPEAKER[line.speaker]!, line.text));
  const header = [formatGameLine(input.game.name), `Rules: ${input.game.mcRules}`];
  if (input.suggestion) {
    const { relationship, location, object } = input.suggestion;
    header.push(`Suggestion: ${relationship}, at ${location}, with ${object}`);
  }
  return [...header, 'Transcript:', ...lines].join('\n');
}

export async function coachScene(ai: GoogleGenAI, input: CoachInput, options: CoachOptions): Promise<CoachFeedback> {
  if (!input.transcript.some((line) => line.speaker === 'player' && line.text.trim())) {
    return fallbackFeedback(input.game, 'no player lines were recorded, so there is nothing to review yet');
  }
  const playerLines = input.transcript.filter((line) => line.speaker === 'player' && line.text.trim());
  const heardS = playerLines.map((line) => unheardSpeechSeconds(line.text));
  if (heardS.every((seconds) => seconds !== null)) return measuredFeedback(input.game, heardS as number[]);
  const result = await generateJson(ai, {
    model: options.model,
    systemInstruction: COACH_SYSTEM_INSTRUCTION,
    prompt: coachPrompt(input),
    responseSchema: COACH_RESPONSE_SCHEMA,
    validator: CoachReport,
    timeoutMs: options.timeoutMs ?? DEFAULT_COACH_TIMEOUT_MS,
    temperature: 0.4,
    signal: options.signal,
  });
  if (!result.ok) return fallbackFeedback(input.game, result.reason);
  // A quote must be the player's words: never a placeholder for speech nobody transcribed.
  const strengths = result.value.strengths.map((strength) =>
    unheardSpeechSeconds(strength.quote) === null ? strength : { ...strength, quote: '' },
  );
  return { ...result.value, strengths, source: 'model' };
}

/**
 * Offline the coach hears no words (the emulator only reports how long the player spoke). It says so plainly and
 * reviews what was measured: how many lines, how long, how even. No principle scores: none can be measured.
 */
export function measuredFeedback(game: Game, lineSeconds: readonly number[]): CoachFeedback {
  const count = lineSeconds.length;
  const mean = lineSeconds.reduce((sum, value) => sum + value, 0) / count;
  const clipped = lineSeconds.filter((seconds) => seconds < 1.5).length;
  const long = lineSeconds.filter((seconds) => seconds > 12).length;
  const round = (value: number) => Math.round(value * 10) / 10;
  const lines = `${count} line${count === 1 ? '' : 's'}`;
  const strengths =
    mean >= 2 && mean <= 9
      ? [
          {
            point: `Your lines averaged ${round(mean)} s: long enough to make an offer, short enough to share the scene.`,
            quote: '',
          },
        ]
      : [];
  const tryNext =
    clipped > count / 2
      ? [
          `Most of your lines were under 1.5 s. In ${game.name}, give each line one concrete detail your partner can use.`,
        ]
      : long > 0
        ? [`${long} of your lines ran past 12 s. Hand the scene back sooner: one offer, then listen.`]
        : [`Your pace was steady. Next time in ${game.name}, push one detail further each line (heighten).`];
  const message = 'Offline, the coach could not hear your words, so this review only covers what was measured.';
  return {
    source: 'fallback',
    message,
    summary: `${message} You played ${lines}, ${round(mean)} s each on average (shortest ${round(Math.min(...lineSeconds))} s, longest ${round(Math.max(...lineSeconds))} s).`,
    strengths,
    tryNext,
    principles: [],
  };
}

/** An honest stand-in: no invented scores or quotes, one tip from what the game trains. */
export function fallbackFeedback(game: Game, reason: string): CoachFeedback {
  const message = `The coach could not review this scene: ${reason}.`;
  const skill = game.skills[0] ?? 'yes-and';
  return {
    source: 'fallback',
    message,
    summary: `${message} Your scene is saved; you can ask for the review again in a moment.`,
    strengths: [],
    tryNext: [`Next time in ${game.name}, put your attention on ${skill}.`],
    principles: [],
  };
}
