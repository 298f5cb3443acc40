import { describe, expect, it } from 'vitest';
import { INITIAL_SCENE, type SceneEvent, type SceneState, sceneReducer } from '../store/scene-reducer.js';
import { canSkipIntro, stageMoment } from './turn-cue.js';

const run = (events: SceneEvent[], from: SceneState = INITIAL_SCENE) => events.reduce(sceneReducer, from);
const momentOf = (scene: SceneState, connection: 'connected' | 'reconnecting' = 'connected', stagePhase = 'support') =>
  stageMoment({ scene, connection, stagePhase });

const LIVE: SceneEvent[] = [
  { type: 'starting' },
  { type: 'welcomed', sessionId: 's', upstream: 'emulator' },
  { type: 'running' },
];

describe('stage moment', () => {
  it('never cues the player while the MC speaks; cues them once the MC finished', () => {
    const waiting = run(LIVE);
    expect(momentOf(waiting)).toBe('mc-soon');
    const mc = run([{ type: 'partner.audible', turnId: 1, voiceToVoiceMs: null, speaker: 'mc' }], waiting);
    expect(momentOf(mc)).toBe('mc');
    expect(momentOf(run([{ type: 'partner.drained', turnId: 1 }], mc))).toBe('you');
  });

  it('goes you → speaking → partner answering → partner → you', () => {
    let scene = run([...LIVE, { type: 'intro.skipped' }]);
    expect(momentOf(scene)).toBe('you');
    scene = run([{ type: 'utterance.started' }], scene);
    expect(momentOf(scene)).toBe('you-speaking');
    scene = run([{ type: 'utterance.ended' }], scene);
    expect(momentOf(scene)).toBe('partner-thinking');
    scene = run([{ type: 'partner.audible', turnId: 2, voiceToVoiceMs: 500, speaker: 'partner' }], scene);
    expect(momentOf(scene)).toBe('partner');
    scene = run([{ type: 'partner.drained', turnId: 2 }], scene);
    expect(momentOf(scene)).toBe('you');
  });

  it('says reconnecting, paused, muted and ending from the real state, not the cue', () => {
    const yours = run([...LIVE, { type: 'intro.skipped' }]);
    expect(momentOf(yours, 'reconnecting')).toBe('reconnecting');
    expect(momentOf(run([{ type: 'hold', paused: true }], yours))).toBe('paused');
    expect(momentOf(run([{ type: 'hold', muted: true }], yours))).toBe('muted');
    expect(momentOf(yours, 'connected', 'ended')).toBe('ending');
    expect(momentOf(run([{ type: 'ending' }], yours))).toBe('ending');
    expect(momentOf(run([{ type: 'ended' }], yours))).toBe('idle');
  });

  it('pausing silences whoever spoke and hands the floor back on resume', () => {
    const speaking = run([...LIVE, { type: 'partner.audible', turnId: 3, voiceToVoiceMs: 400, speaker: 'partner' }]);
    const paused = run([{ type: 'hold', paused: true }], speaking);
    expect(paused.partnerSpeakingTurnId).toBeNull();
    expect(momentOf(run([{ type: 'hold', paused: false }], paused))).toBe('you');
  });

  it('offers Skip intro only before anything else happened', () => {
    const waiting = run(LIVE);
    expect(canSkipIntro(momentOf(waiting), waiting)).toBe(true);
    const skipped = run([{ type: 'intro.skipped' }], waiting);
    expect(canSkipIntro(momentOf(skipped), skipped)).toBe(false);
    const spoke = run([{ type: 'utterance.started' }, { type: 'utterance.ended' }], waiting);
    expect(canSkipIntro(momentOf(spoke), spoke)).toBe(false);
  });
});
