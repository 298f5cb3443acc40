// The stage's views rendered to HTML in Node: what a screen reader and the e2e tests rely on.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SessionDetailJson } from '../../shared/api.js';
import { GAMES } from '../../shared/games.js';
import { CoachFeedback, drawSuggestion } from '../../shared/stage.js';
import { CoachReportBody } from '../history/CoachReportPage.js';
import { AudienceMeterView } from './AudienceMeter.js';
import { CoachReportView } from './CoachReportView.js';
import { SceneInfoView } from './SceneInfo.js';
import { moodPercent, runningCostText, turnCounterText } from './stage-text.js';

const MODEL_REPORT = CoachFeedback.parse({
  source: 'model',
  summary: 'A generous scene with one great specific.',
  strengths: [{ point: 'You named the object early.', quote: 'Mind the cheese fountain!' }],
  tryNext: ['Heighten before you guess.', 'Give the host a want.'],
  principles: [
    { principle: 'yes-and', score: 4, note: 'Accepted every guest.' },
    { principle: 'heightening', score: 2, note: 'Guessed too soon.' },
  ],
});
const FALLBACK_REPORT = CoachFeedback.parse({
  source: 'fallback',
  message: 'The coach could not review this scene: the review model timed out.',
  summary: 'The coach could not review this scene.',
  strengths: [],
  tryNext: ['Next time, put your attention on listening.'],
  principles: [],
});

const html = (element: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(element);
const text = (markup: string) => markup.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('coach report', () => {
  it('shows the summary, strengths with quotes, things to try and a score per principle in text', () => {
    const markup = html(createElement(CoachReportView, { report: MODEL_REPORT }));
    const words = text(markup);
    expect(markup).toContain('data-coach-source="model"');
    expect(words).toContain('A generous scene with one great specific.');
    expect(words).toContain('You said: “Mind the cheese fountain!”');
    expect(words).toContain('Heighten before you guess.');
    expect(words).toContain('Give the host a want.');
    expect(words).toMatch(/Yes, and 4 \/ 5/);
    expect(words).toMatch(/Heightening 2 \/ 5/);
    // Bars: as many lit segments as the score says, hidden from screen readers (the text carries the value).
    const heightening = markup.slice(markup.indexOf('data-principle="heightening"'));
    expect(heightening.slice(0, heightening.indexOf('</li>')).match(/bg-amber-400/g)).toHaveLength(2);
    expect(words).not.toContain('No full review');
  });

  it('says plainly when it is a fallback, and invents no scores or quotes', () => {
    const markup = html(createElement(CoachReportView, { report: FALLBACK_REPORT }));
    const words = text(markup);
    expect(markup).toContain('data-coach-source="fallback"');
    expect(words).toContain('No full review this time');
    expect(words).toContain('the review model timed out');
    expect(words).toContain('Next time, put your attention on listening.');
    expect(markup).not.toContain('Principles');
    expect(markup).not.toContain('What worked');
  });

  it('on the history page, says when a scene has no notes', () => {
    const scene = { status: 'completed', coach: null } as unknown as SessionDetailJson;
    expect(text(html(createElement(CoachReportBody, { scene })))).toContain('The coach has no notes for this scene.');
    const withReport = { status: 'completed', coach: MODEL_REPORT } as unknown as SessionDetailJson;
    expect(html(createElement(CoachReportBody, { scene: withReport }))).toContain('data-coach-source="model"');
  });
});

describe('audience meter', () => {
  const meterValue = (markup: string) => Number(/aria-valuenow="([^"]+)"/.exec(markup)?.[1]);

  it('is a named meter from -1 to 1 whose value is clamped', () => {
    for (const [mood, expected] of [
      [0.42, 0.42],
      [3, 1],
      [-7, -1],
    ] as const) {
      const markup = html(createElement(AudienceMeterView, { mood, history: [], reactions: [] }));
      expect(markup).toContain('role="meter"');
      expect(markup).toContain('aria-label="Audience mood"');
      expect(markup).toContain('aria-valuemin="-1"');
      expect(markup).toContain('aria-valuemax="1"');
      expect(meterValue(markup)).toBe(expected);
    }
    expect(moodPercent(-1)).toBe(0);
    expect(moodPercent(0)).toBe(50);
    expect(moodPercent(5)).toBe(100);
  });

  it('names the room in words and shows the newest reaction first', () => {
    const reactions = [
      { turnSeq: 1, sentiment: -0.4, reaction: '*groans*' },
      { turnSeq: 2, sentiment: 0.9, reaction: '*roaring laughter*' },
    ];
    const markup = html(createElement(AudienceMeterView, { mood: 0.7, history: [0.1, 0.7], reactions }));
    expect(markup).toContain('aria-valuetext="roaring (0.70)"');
    expect(markup.indexOf('*roaring laughter*')).toBeLessThan(markup.indexOf('*groans*'));
    expect(text(markup)).toContain('Audience: *roaring laughter*');
    const waiting = html(createElement(AudienceMeterView, { mood: null, history: [], reactions: [] }));
    expect(waiting).toContain('aria-valuetext="no reactions yet"');
  });
});

describe('scene info', () => {
  it('shows the turn, the phase and the suggestion', () => {
    const suggestion = drawSuggestion(GAMES[0]!, 7);
    const scene = {
      game: 'yes-and',
      suggestion,
      phase: 'closing',
      playerTurns: 13,
      turnBudget: 15,
      partnerVoice: 'Puck',
      mcVoice: 'Charon',
    } as const;
    const words = text(html(createElement(SceneInfoView, { scene })));
    expect(words).not.toContain('so far');
    expect(text(html(createElement(SceneInfoView, { scene, costUsd: 0.0123 })))).toContain('$0.012 so far');
    expect(words).toContain('Turn 14 of 15');
    expect(words).toContain('Phase: Closing');
    expect(words).toContain('rival beekeepers');
  });

  it('shows a running cost in tenths of a cent, never a misleading zero', () => {
    expect(runningCostText(0.00349)).toBe('$0.003 so far');
    expect(runningCostText(0.0004)).toBe('< $0.001 so far');
    expect(runningCostText(0)).toBe('$0.000 so far');
    expect(runningCostText(1.234)).toBe('$1.23 so far');
  });

  it('never counts past the budget or below the first turn', () => {
    expect(turnCounterText(0, 15)).toBe('Turn 1 of 15');
    expect(turnCounterText(15, 15)).toBe('Turn 15 of 15');
    expect(turnCounterText(-2, 10)).toBe('Turn 1 of 10');
  });
});
