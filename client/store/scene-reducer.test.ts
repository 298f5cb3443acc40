import { describe, expect, it } from 'vitest';
import { INITIAL_SCENE, type SceneEvent, type SceneState, sceneReducer } from './scene-reducer.js';

const run = (events: SceneEvent[], from: SceneState = INITIAL_SCENE) => events.reduce(sceneReducer, from);

describe('sceneReducer', () => {
  it('walks a scene: start, welcome, run, speak, hear the partner, end', () => {
    const state = run([
      { type: 'starting' },
      { type: 'welcomed', sessionId: 's1', upstream: 'emulator' },
      { type: 'running' },
      { type: 'utterance.started' },
      { type: 'utterance.ended' },
      { type: 'partner.audible', turnId: 4, voiceToVoiceMs: 612 },
    ]);
    expect(state).toMatchObject({
      phase: 'running',
      sessionId: 's1',
      upstream: 'emulator',
      utterancesSent: 1,
      partnerTurnsHeard: 1,
      partnerSpeakingTurnId: 4,
      lastVoiceToVoiceMs: 612,
      playerSpeaking: false,
    });
    const drained = run([{ type: 'partner.drained', turnId: 3 }], state);
    expect(drained.partnerSpeakingTurnId).toBe(4);
    const ended = run([{ type: 'partner.drained', turnId: 4 }, { type: 'ending' }, { type: 'ended' }], state);
    expect(ended).toMatchObject({ phase: 'idle', partnerSpeakingTurnId: null, utterancesSent: 1 });
  });

  it('keeps the previous latency when a turn is heard without a measured latency', () => {
    const state = run([
      { type: 'partner.audible', turnId: 1, voiceToVoiceMs: 500 },
      { type: 'partner.audible', turnId: 2, voiceToVoiceMs: null },
    ]);
    expect(state.lastVoiceToVoiceMs).toBe(500);
    expect(state.partnerTurnsHeard).toBe(2);
  });

  it('a barge-in counts and silences the partner indicator', () => {
    const state = run([{ type: 'partner.audible', turnId: 9, voiceToVoiceMs: null }, { type: 'barge-in' }]);
    expect(state).toMatchObject({ bargeIns: 1, partnerSpeakingTurnId: null });
  });

  it('a failure returns to idle with the error; a new start clears error and counters', () => {
    const failed = run([
      { type: 'starting' },
      { type: 'utterance.started' },
      { type: 'failed', error: { code: 'mic.denied', text: 'We can’t hear you' } },
    ]);
    expect(failed).toMatchObject({ phase: 'idle', error: { code: 'mic.denied' }, playerSpeaking: false });
    const restarted = run([{ type: 'starting' }], failed);
    expect(restarted).toEqual({ ...INITIAL_SCENE, phase: 'starting' });
  });

  it('running only follows starting', () => {
    expect(run([{ type: 'running' }]).phase).toBe('idle');
    expect(run([{ type: 'ending' }]).phase).toBe('idle');
  });
});

describe('sceneReducer: the MC on the downlink', () => {
  it('counts the MC’s turns apart from the partner’s, with no voice-to-voice figure', () => {
    const state = run([
      { type: 'partner.audible', turnId: 1, voiceToVoiceMs: 300, speaker: 'mc' },
      { type: 'partner.drained', turnId: 1 },
      { type: 'partner.audible', turnId: 2, voiceToVoiceMs: 640, speaker: 'partner' },
      { type: 'partner.audible', turnId: 3, voiceToVoiceMs: null },
    ]);
    expect(state).toMatchObject({
      mcTurnsHeard: 1,
      partnerTurnsHeard: 2,
      lastVoiceToVoiceMs: 640,
      partnerSpeakingTurnId: 3,
      speakingSpeaker: 'partner',
    });
    const mcOnly = run([{ type: 'partner.audible', turnId: 1, voiceToVoiceMs: 300, speaker: 'mc' }]);
    expect(mcOnly).toMatchObject({ mcTurnsHeard: 1, partnerTurnsHeard: 0, lastVoiceToVoiceMs: null });
    expect(mcOnly).toMatchObject({ partnerSpeakingTurnId: 1, speakingSpeaker: 'mc' });
  });

  it('talking over the MC is an MC barge-in, not a partner one', () => {
    const overMc = run([
      { type: 'partner.audible', turnId: 1, voiceToVoiceMs: null, speaker: 'mc' },
      { type: 'barge-in' },
    ]);
    expect(overMc).toMatchObject({ bargeIns: 0, mcBargeIns: 1, partnerSpeakingTurnId: null, speakingSpeaker: null });
    const overPartner = run(
      [{ type: 'partner.audible', turnId: 2, voiceToVoiceMs: null }, { type: 'barge-in' }],
      overMc,
    );
    expect(overPartner).toMatchObject({ bargeIns: 1, mcBargeIns: 1 });
  });
});
