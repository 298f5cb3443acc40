import { describe, expect, it } from 'vitest';
import type { SessionDetailJson } from '../../shared/api.js';
import { castText, playerLineCount, premiseText, transcriptMarkdown } from './scene-story.js';

const scene: SessionDetailJson = {
  id: 'abc123456',
  game: 'questions-only',
  status: 'completed',
  phase: 'ended',
  createdAt: '2026-12-03T08:00:00.000Z',
  endedAt: '2026-12-03T08:03:00.000Z',
  turnCount: 4,
  durationMs: 180_000,
  latencyP50Ms: 500,
  latencyP95Ms: 700,
  estimatedCostUsd: 0.01,
  premise: { relationship: 'rival beekeepers', location: 'the DMV', object: 'a love letter' },
  persona: 'wildcard',
  audience: 'skeptics',
  usage: { inputAudioTokens: 1, outputAudioTokens: 1, textTokens: 1, estimatedCostUsd: 0.01 },
  quality: { framesReceived: 1, framesLost: 0, jitterP95Ms: 1, reconnects: 0 },
  turns: [
    {
      seq: 0,
      speaker: 'mc',
      text: 'Welcome!',
      startedAt: '2026-12-03T08:00:00.000Z',
      durationMs: 1,
      voiceToVoiceMs: null,
      interrupted: false,
    },
    {
      seq: 1,
      speaker: 'player',
      text: 'Why are you here?',
      startedAt: '2026-12-03T08:00:05.000Z',
      durationMs: 1,
      voiceToVoiceMs: null,
      interrupted: false,
    },
    {
      seq: 2,
      speaker: 'partner',
      text: 'Who wants to know?',
      startedAt: '2026-12-03T08:00:07.000Z',
      durationMs: 1,
      voiceToVoiceMs: 400,
      interrupted: true,
    },
    {
      seq: 3,
      speaker: 'player',
      text: '',
      startedAt: '2026-12-03T08:00:09.000Z',
      durationMs: 1,
      voiceToVoiceMs: null,
      interrupted: false,
    },
  ],
  coach: null,
};

describe('scene story', () => {
  it('says the premise and the cast in words', () => {
    expect(premiseText(scene)).toBe('Rival beekeepers, at the DMV, with a love letter.');
    expect(castText(scene)).toBe('Partner: The Wildcard · Audience: The Skeptics');
    expect(premiseText({})).toBeNull();
  });

  it('counts only the player’s lines with words', () => {
    expect(playerLineCount(scene)).toBe(1);
  });

  it('exports the transcript as Markdown with the premise and every speaker', () => {
    const markdown = transcriptMarkdown(scene);
    expect(markdown).toMatch(/^# Questions Only\n/);
    expect(markdown).toContain('**Premise:** Rival beekeepers, at the DMV, with a love letter.');
    expect(markdown).toContain('**You:** Why are you here?');
    expect(markdown).toContain('**Partner:** Who wants to know? *(cut off)*');
    expect(markdown).toContain('(no words caught)');
  });
});
