// The coach against the real SDK and the live emulator's REST endpoint: a validated report that quotes the
// player's real lines, and an honest fallback report for every failure.
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gameOrDefault, Principle } from '../../shared/games.js';
import { type LiveEmulator, startLiveEmulator } from '../live-emulator/server.js';
import {
  CoachReport,
  coachPrompt,
  coachScene,
  MAX_COACH_TRANSCRIPT_LINES,
  measuredFeedback,
  type TranscriptLine,
} from './coach.js';
import { parseGameName, parsePromptLines } from './prompt-contract.js';
import { drawSuggestion } from './suggestion.js';

const MODEL = 'gemini-2.5-flash';
const game = gameOrDefault('expert-interview');

const TRANSCRIPT: TranscriptLine[] = [
  { speaker: 'mc', text: 'Welcome to Improv Olympics Live!' },
  { speaker: 'partner', text: 'Welcome, Professor. Tell us about competitive napping.' },
  { speaker: 'player', text: 'Yes, and I have napped for Belgium in 14 championships!' },
  { speaker: 'audience', text: '*laughter*' },
  { speaker: 'partner', text: 'Fourteen championships! What was your hardest nap?' },
  { speaker: 'player', text: 'The hardest nap was in Oslo, because the championships were held in a drum factory.' },
  { speaker: 'partner', text: 'A drum factory? How did you sleep?' },
  { speaker: 'player', text: 'Earplugs made of cheese.' },
];
const PLAYER_LINES = TRANSCRIPT.filter((line) => line.speaker === 'player').map((line) => line.text);

const VALID_REPORT = {
  summary: 'A confident expert.',
  strengths: [{ point: 'Specific', quote: 'Earplugs made of cheese.' }],
  tryNext: ['Heighten the cheese.'],
  principles: [{ principle: 'specificity', score: 4, note: 'Names and numbers.' }],
};

describe('coach report parsing', () => {
  it('accepts a valid report and rounds half-point scores', () => {
    expect(CoachReport.parse(VALID_REPORT).principles[0]!.score).toBe(4);
    const half = { ...VALID_REPORT, principles: [{ principle: 'listening', score: 3.6, note: '' }] };
    expect(CoachReport.parse(half).principles[0]!.score).toBe(4);
  });

  it('rejects reports of the wrong shape', () => {
    for (const report of [
      { ...VALID_REPORT, summary: '' },
      { ...VALID_REPORT, tryNext: [] },
      { ...VALID_REPORT, tryNext: ['a', 'b', 'c'] },
      { ...VALID_REPORT, principles: [] },
      { ...VALID_REPORT, principles: [{ principle: 'volume', score: 3, note: '' }] },
      { ...VALID_REPORT, principles: [{ principle: 'listening', score: 6, note: '' }] },
      { ...VALID_REPORT, principles: [VALID_REPORT.principles[0], VALID_REPORT.principles[0]] },
      { ...VALID_REPORT, strengths: [{ point: 'no quote' }] },
    ]) {
      expect(CoachReport.safeParse(report).success, JSON.stringify(report)).toBe(false);
    }
  });

  it('sends the game and only player, partner and audience lines, newest kept when too long', () => {
    const prompt = coachPrompt({ game, suggestion: drawSuggestion(game, 1), transcript: TRANSCRIPT });
    expect(parseGameName(prompt)).toBe(game.name);
    const lines = parsePromptLines(prompt);
    expect(lines).toHaveLength(TRANSCRIPT.length - 1);
    expect(lines.some((line) => line.text.includes('Welcome to Improv'))).toBe(false);
    const long = Array.from({ length: MAX_COACH_TRANSCRIPT_LINES + 50 }, (_, index) => ({
      speaker: 'player' as const,
      text: `line ${index}`,
    }));
    const kept = parsePromptLines(coachPrompt({ game, transcript: long }));
    expect(kept).toHaveLength(MAX_COACH_TRANSCRIPT_LINES);
    expect(kept.at(-1)!.text).toBe(`line ${MAX_COACH_TRANSCRIPT_LINES + 49}`);
  });
});

describe('coach against the emulator', () => {
  let emulator: LiveEmulator;
  let ai: GoogleGenAI;
  beforeAll(async () => {
    emulator = await startLiveEmulator({ port: 0, warmVoices: [] });
    ai = new GoogleGenAI({ apiKey: 'emulator', httpOptions: { baseUrl: emulator.url } });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('returns a validated report quoting the player’s real lines and scoring every principle', async () => {
    const feedback = await coachScene(
      ai,
      { game, suggestion: drawSuggestion(game, 1), transcript: TRANSCRIPT },
      { model: MODEL },
    );
    expect(feedback.source).toBe('model');
    expect(CoachReport.safeParse(feedback).success).toBe(true);
    expect(feedback.summary).toContain(`3 lines of ${game.name}`);
    expect(feedback.strengths.length).toBeGreaterThan(0);
    for (const strength of feedback.strengths) expect(PLAYER_LINES).toContain(strength.quote);
    expect(feedback.tryNext.length).toBeGreaterThanOrEqual(1);
    expect(feedback.tryNext.length).toBeLessThanOrEqual(2);
    expect(feedback.principles.map((item) => item.principle).sort()).toEqual([...Principle.options].sort());
    // The player said "yes, and" once in three lines and justified once: neither is a 1 nor a 5.
    const yesAnd = feedback.principles.find((item) => item.principle === 'yes-and')!;
    expect(yesAnd.score).toBeGreaterThan(1);
    expect(yesAnd.score).toBeLessThan(5);
  });

  it('scores a blocking scene lower on yes-and than an accepting one', async () => {
    const blocking: TranscriptLine[] = [
      { speaker: 'partner', text: 'Welcome to the bakery!' },
      { speaker: 'player', text: 'No, this is a bank.' },
      { speaker: 'partner', text: 'A bank that sells bread?' },
      { speaker: 'player', text: 'No.' },
    ];
    const accepting: TranscriptLine[] = [
      { speaker: 'partner', text: 'Welcome to the bakery!' },
      { speaker: 'player', text: 'Yes, and the croissants are alive!' },
      { speaker: 'partner', text: 'Alive? They are purring.' },
      { speaker: 'player', text: 'Yes, and purring croissants are why we won the prize.' },
    ];
    const low = await coachScene(ai, { game, transcript: blocking }, { model: MODEL });
    const high = await coachScene(ai, { game, transcript: accepting }, { model: MODEL });
    const score = (feedback: typeof low) => feedback.principles.find((item) => item.principle === 'yes-and')!.score;
    expect(score(low)).toBeLessThan(score(high));
  });

  it('falls back with a clear message on truncated JSON, a wrong shape or an HTTP error', async () => {
    const cases = [
      [`${MODEL};malformed=1`, 'malformed JSON'],
      [`${MODEL};malformed=schema`, 'did not match the schema'],
      [`${MODEL};status=500`, 'HTTP 500'],
    ] as const;
    for (const [model, reason] of cases) {
      const feedback = await coachScene(ai, { game, transcript: TRANSCRIPT }, { model });
      expect(feedback.source, model).toBe('fallback');
      if (feedback.source !== 'fallback') continue;
      expect(feedback.message).toMatch(/^The coach could not review this scene: /);
      expect(feedback.message).toContain(reason);
      expect(feedback.summary).toContain(feedback.message);
      expect(feedback.tryNext).toHaveLength(1);
      // No invented scores or quotes in a fallback.
      expect(feedback.principles).toEqual([]);
      expect(feedback.strengths).toEqual([]);
    }
  });

  it('does not call the model for a scene with no player lines', async () => {
    // A model that would fail with 503: the reason shows the call was never made.
    const feedback = await coachScene(
      ai,
      { game, transcript: TRANSCRIPT.filter((line) => line.speaker !== 'player') },
      {
        model: `${MODEL};status=503`,
      },
    );
    expect(feedback.source).toBe('fallback');
    expect(feedback.summary).toContain('no player lines');
  });
});

describe('coach offline: says what it could not hear, reviews what it measured', () => {
  it('never quotes a placeholder and differs with what was measured', () => {
    const game = gameOrDefault('yes-and');
    const clipped = measuredFeedback(game, [0.8, 0.9, 1.0]);
    const steady = measuredFeedback(game, [4, 5, 6]);
    expect(clipped.message).toMatch(/could not hear your words/);
    expect(clipped.summary).toContain('3 lines');
    expect(clipped.summary).not.toMatch(/player speech/);
    expect(clipped.tryNext[0]).toMatch(/under 1.5 s/);
    expect(steady.strengths[0]?.point).toMatch(/averaged 5 s/);
    expect(steady.summary).not.toBe(clipped.summary);
    for (const report of [clipped, steady]) expect(JSON.stringify(report)).not.toMatch(/\(player speech/);
  });
});
