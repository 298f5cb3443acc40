import { describe, expect, it } from 'vitest';
import { GAMES } from '../../shared/games.js';
import { parseRelayMessage, type RelayMessage } from '../../shared/protocol.js';
import { drawSuggestion } from '../../shared/stage.js';
import {
  applyStageMessage,
  clampMood,
  createStageStore,
  handleStageMessage,
  INITIAL_STAGE,
  MAX_MOOD_POINTS,
  MAX_STAGE_REACTIONS,
} from './stage-store.js';

/** Every message goes through the real wire schema first, as it does in the app. */
function wire(message: object): RelayMessage {
  const parsed = parseRelayMessage(JSON.stringify(message));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const sceneState = (playerTurns: number) =>
  wire({
    type: 'scene.state',
    game: 'party-quirks',
    suggestion: drawSuggestion(GAMES[4]!, 5),
    phase: playerTurns >= 5 ? 'fallible' : 'support',
    playerTurns,
    turnBudget: 15,
    partnerVoice: 'Kore',
    mcVoice: 'Charon',
  });
const reaction = (turnSeq: number, sentiment: number, mood: number) =>
  wire({ type: 'audience.reaction', turnSeq, sentiment, reaction: `r${turnSeq}`, mood });
const welcome = (resumed: boolean) =>
  wire({ type: 'welcome', protocolVersion: 1, sessionId: 's', resumeToken: 't', upstream: 'emulator', resumed });

describe('stage reducer', () => {
  it('keeps the latest scene.state', () => {
    const state = applyStageMessage(applyStageMessage(INITIAL_STAGE, sceneState(2)), sceneState(6));
    expect(state.scene).toMatchObject({ game: 'party-quirks', playerTurns: 6, phase: 'fallible', turnBudget: 15 });
    expect(state.scene).not.toHaveProperty('type');
  });

  it('bounds the reactions and the mood history, newest last, one entry per turn', () => {
    let state = INITIAL_STAGE;
    for (let turn = 0; turn < MAX_MOOD_POINTS + 5; turn++)
      state = applyStageMessage(state, reaction(turn, 0.5, turn / 100));
    expect(state.reactions).toHaveLength(MAX_STAGE_REACTIONS);
    expect(state.reactions.at(-1)?.turnSeq).toBe(MAX_MOOD_POINTS + 4);
    expect(state.moodHistory).toHaveLength(MAX_MOOD_POINTS);
    expect(state.mood).toBeCloseTo((MAX_MOOD_POINTS + 4) / 100);
    // A resent reaction for a turn replaces the old one instead of showing twice.
    state = applyStageMessage(state, reaction(MAX_MOOD_POINTS + 4, -0.5, 0.1));
    expect(state.reactions.filter((item) => item.turnSeq === MAX_MOOD_POINTS + 4)).toEqual([
      { turnSeq: MAX_MOOD_POINTS + 4, sentiment: -0.5, reaction: `r${MAX_MOOD_POINTS + 4}` },
    ]);
  });

  it('clamps mood into [-1, 1] and treats a non-number as neutral', () => {
    expect([clampMood(-3), clampMood(2), clampMood(0.25), clampMood(Number.NaN)]).toEqual([-1, 1, 0.25, 0]);
  });

  it("keeps the scene's running cost, and a new scene starts without one", () => {
    const costed = applyStageMessage(INITIAL_STAGE, wire({ type: 'scene.cost', usd: 0.0042 }));
    expect(costed.costUsd).toBe(0.0042);
    expect(applyStageMessage(costed, wire({ type: 'scene.cost', usd: 0.0091 })).costUsd).toBe(0.0091);
    expect(applyStageMessage(costed, welcome(false)).costUsd).toBeNull();
    expect(applyStageMessage(costed, welcome(true)).costUsd).toBe(0.0042);
  });

  it('stores the coach report, fallback included', () => {
    const report = { summary: 's', strengths: [], tryNext: ['t'], principles: [], source: 'fallback', message: 'why' };
    const state = applyStageMessage(INITIAL_STAGE, wire({ type: 'coach.report', report }));
    expect(state.coach).toEqual(report);
  });

  it('starts fresh on a new session but keeps everything on a resumed one', () => {
    const busy = applyStageMessage(applyStageMessage(INITIAL_STAGE, sceneState(3)), reaction(3, 1, 0.8));
    expect(applyStageMessage(busy, welcome(true))).toBe(busy);
    expect(applyStageMessage(busy, welcome(false))).toEqual(INITIAL_STAGE);
  });

  it('remembers which turns the MC voices', () => {
    let state = applyStageMessage(INITIAL_STAGE, wire({ type: 'partner.start', turnId: 1, speaker: 'mc' }));
    state = applyStageMessage(state, wire({ type: 'partner.start', turnId: 2 }));
    expect(state.mcTurnIds).toEqual([1]);
  });
});

describe('handleStageMessage', () => {
  it('claims the three stage messages and passes everything else on', () => {
    const store = createStageStore();
    expect(handleStageMessage(store, sceneState(1))).toBe(true);
    expect(handleStageMessage(store, reaction(1, 0.2, 0.2))).toBe(true);
    expect(store.getState().scene?.playerTurns).toBe(1);
    expect(store.getState().mood).toBe(0.2);
    expect(handleStageMessage(store, wire({ type: 'pong', t: 1 }))).toBe(false);
    // welcome is observed (a fresh one clears the stage) but still belongs to the session.
    expect(handleStageMessage(store, welcome(false))).toBe(false);
    expect(store.getState()).toEqual(INITIAL_STAGE);
  });

  it('does not notify subscribers for messages that change nothing', () => {
    const store = createStageStore();
    let notified = 0;
    store.subscribe(() => notified++);
    handleStageMessage(store, wire({ type: 'pong', t: 1 }));
    handleStageMessage(store, reaction(0, 0, 0));
    expect(notified).toBe(1);
  });
});
