// The history views rendered to HTML in Node (no DOM needed): the hooks e2e tests and screen readers rely on.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SessionDetailJson } from '../../shared/api.js';
import { HistoryError } from './api.js';
import { ErrorPanel } from './HistoryStates.js';
import { PastTranscript } from './PastTranscript.js';
import { SceneFigures } from './SceneFigures.js';

const scene: SessionDetailJson = {
  id: 'scene_1',
  game: 'yes-and',
  status: 'completed',
  phase: null,
  createdAt: '2026-11-22T18:00:00.000Z',
  endedAt: '2026-11-22T18:01:00.000Z',
  turnCount: 3,
  durationMs: 60_000,
  latencyP50Ms: 410,
  latencyP95Ms: 520,
  estimatedCostUsd: 0.0421,
  usage: { inputAudioTokens: 1200, outputAudioTokens: 3400, textTokens: 50, estimatedCostUsd: 0.0421 },
  quality: { framesReceived: 990, framesLost: 10, jitterP95Ms: 18, reconnects: 1 },
  // Out of order on purpose: the transcript shows turns by seq.
  turns: [
    {
      seq: 1,
      speaker: 'partner',
      text: 'Yes, and the light is cheese.',
      startedAt: '2026-11-22T18:00:05.000Z',
      durationMs: 2000,
      voiceToVoiceMs: 410,
      interrupted: true,
    },
    {
      seq: 0,
      speaker: 'player',
      text: 'Welcome to the lighthouse.',
      startedAt: '2026-11-22T18:00:00.000Z',
      durationMs: 2000,
      voiceToVoiceMs: null,
      interrupted: false,
    },
    {
      seq: 2,
      speaker: 'coach',
      text: 'Nice heightening.',
      startedAt: '2026-11-22T18:01:05.000Z',
      durationMs: 2000,
      voiceToVoiceMs: null,
      interrupted: false,
    },
  ],
};

describe('PastTranscript', () => {
  it('is a log named Transcript with one data-speaker entry per turn, in seq order', () => {
    const html = renderToStaticMarkup(createElement(PastTranscript, { scene }));
    expect(html).toContain('role="log" aria-label="Transcript"');
    expect([...html.matchAll(/data-speaker="(\w+)"/g)].map((match) => match[1])).toEqual([
      'player',
      'partner',
      'coach',
    ]);
    expect(html.match(/data-interrupted="true"/g)).toHaveLength(1);
    expect(html).toContain('(cut off)');
    expect(html).toContain('replied in 410 ms');
    expect(html).toContain('>1:05<');
  });

  it('says no words were caught for a turn stored without text, instead of an empty bubble', () => {
    const silent = { ...scene.turns[1]!, seq: 3, text: '  ' };
    const html = renderToStaticMarkup(createElement(PastTranscript, { scene: { ...scene, turns: [silent] } }));
    expect(html).toContain('(no words caught)');
    expect(renderToStaticMarkup(createElement(PastTranscript, { scene }))).not.toContain('(no words caught)');
  });

  it('says so when a scene has no lines', () => {
    const html = renderToStaticMarkup(createElement(PastTranscript, { scene: { ...scene, turns: [] } }));
    expect(html).toContain('No lines were recorded in this scene.');
    expect(html).not.toContain('data-speaker');
  });
});

describe('SceneFigures', () => {
  it('shows length, reply time, cost and audio loss', () => {
    const html = renderToStaticMarkup(createElement(SceneFigures, { scene }));
    for (const text of ['1 min 00 s', '3 turns', '410 ms', '520 ms', '$0.04', '1.0 % lost', '1 reconnect']) {
      expect(html).toContain(text);
    }
  });
});

describe('ErrorPanel', () => {
  const render = (error: HistoryError, retrying = false) =>
    renderToStaticMarkup(createElement(ErrorPanel, { error, retrying, onRetry: () => {} }));

  it('offers Retry for a storage outage, and shows it busy while retrying', () => {
    const html = render(new HistoryError('storage_unavailable', 'list', 503));
    expect(html).toContain('role="alert"');
    expect(html).toContain('storage is unavailable');
    expect(html).toContain('>Retry<');
    expect(render(new HistoryError('storage_unavailable', 'list', 503), true)).toContain('aria-disabled="true"');
  });

  it('offers no Retry for a scene that is not there', () => {
    const html = render(new HistoryError('not_found', 'scene', 404));
    expect(html).toContain('doesn’t exist or isn’t yours');
    expect(html).not.toContain('<button');
  });
});
