// The stage's messages on the control channel: hello's scene setup, scene.state, audience.reaction,
// coach.report and partner.start's speaker.
import { describe, expect, it } from 'vitest';
import { SessionDetailJson } from './api.js';
import { PROTOCOL_VERSION } from './constants.js';
import { GAMES } from './games.js';
import { parseClientMessage, parseRelayMessage } from './protocol.js';
import { drawSuggestion } from './stage.js';

const suggestion = drawSuggestion(GAMES[0]!, 11);
const relay = (message: object) => parseRelayMessage(JSON.stringify(message));
const client = (message: object) => parseClientMessage(JSON.stringify(message));

const SCENE_STATE = {
  type: 'scene.state',
  game: 'yes-and',
  suggestion,
  phase: 'fallible',
  playerTurns: 6,
  turnBudget: 15,
  partnerVoice: 'Puck',
  mcVoice: 'Charon',
};

describe('stage messages', () => {
  it('hello carries the chosen suggestion and partner voice, and still works without them', () => {
    const hello = { type: 'hello', protocolVersion: PROTOCOL_VERSION, game: 'yes-and' };
    expect(client({ ...hello, suggestion, partnerVoice: 'Kore' })).toEqual({
      ok: true,
      value: { ...hello, suggestion, partnerVoice: 'Kore' },
    });
    expect(client(hello).ok).toBe(true);
    expect(client({ ...hello, partnerVoice: 'HAL' })).toMatchObject({ ok: false, code: 'message.invalid' });
    expect(client({ ...hello, suggestion: { ...suggestion, seed: 'x' } })).toMatchObject({ ok: false });
  });

  it('scene.state needs a known phase, a non-negative turn count and Live voices', () => {
    expect(relay(SCENE_STATE)).toEqual({ ok: true, value: SCENE_STATE });
    expect(relay({ ...SCENE_STATE, phase: 'intermission' }).ok).toBe(false);
    expect(relay({ ...SCENE_STATE, playerTurns: -1 }).ok).toBe(false);
    expect(relay({ ...SCENE_STATE, turnBudget: 0 }).ok).toBe(false);
    expect(relay({ ...SCENE_STATE, mcVoice: 'Robot' }).ok).toBe(false);
  });

  it('audience.reaction keeps sentiment and mood within [-1, 1]', () => {
    const reaction = { type: 'audience.reaction', turnSeq: 3, sentiment: 0.8, reaction: '*laughter*', mood: 0.4 };
    expect(relay(reaction)).toEqual({ ok: true, value: reaction });
    expect(relay({ ...reaction, sentiment: -1.5 }).ok).toBe(false);
    expect(relay({ ...reaction, mood: 2 }).ok).toBe(false);
    expect(relay({ ...reaction, reaction: '' }).ok).toBe(false);
  });

  it('coach.report carries a model report or a fallback that says why', () => {
    const report = {
      summary: 'Good scene.',
      strengths: [],
      tryNext: ['Listen longer.'],
      principles: [{ principle: 'listening', score: 2, note: 'Talked over the partner.' }],
      source: 'model',
    };
    expect(relay({ type: 'coach.report', report }).ok).toBe(true);
    const fallback = { ...report, principles: [], source: 'fallback', message: 'The coach timed out.' };
    expect(relay({ type: 'coach.report', report: fallback }).ok).toBe(true);
    expect(relay({ type: 'coach.report', report: { ...fallback, message: undefined } }).ok).toBe(false);
    expect(relay({ type: 'coach.report', report: { ...report, principles: [] } }).ok).toBe(false);
  });

  it('partner.start may name the MC as the speaker; other speakers are refused', () => {
    expect(relay({ type: 'partner.start', turnId: 4 })).toEqual({
      ok: true,
      value: { type: 'partner.start', turnId: 4 },
    });
    expect(relay({ type: 'partner.start', turnId: 4, speaker: 'mc' }).ok).toBe(true);
    expect(relay({ type: 'partner.start', turnId: 4, speaker: 'audience' }).ok).toBe(false);
  });

  it('a history detail carries the coach report, or none', () => {
    const detail = {
      id: 's1',
      game: 'yes-and',
      status: 'completed',
      phase: null,
      createdAt: '2026-11-23T10:00:00.000Z',
      endedAt: '2026-11-23T10:03:00.000Z',
      turnCount: 0,
      durationMs: 180_000,
      latencyP50Ms: null,
      latencyP95Ms: null,
      estimatedCostUsd: 0,
      usage: { inputAudioTokens: 0, outputAudioTokens: 0, textTokens: 0, estimatedCostUsd: 0 },
      quality: { framesReceived: 0, framesLost: 0, jitterP95Ms: 0, reconnects: 0 },
      turns: [],
    };
    expect(SessionDetailJson.safeParse(detail).success).toBe(true);
    expect(SessionDetailJson.safeParse({ ...detail, coach: null }).success).toBe(true);
    const fallback = { summary: 'x', strengths: [], tryNext: ['y'], principles: [], source: 'fallback', message: 'z' };
    expect(SessionDetailJson.safeParse({ ...detail, coach: fallback }).success).toBe(true);
    expect(SessionDetailJson.safeParse({ ...detail, coach: { notes: 'free text' } }).success).toBe(false);
  });
});
