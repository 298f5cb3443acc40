// The crowd wired to the real stores, fed real wire messages through the stage store's own handler.
import { describe, expect, it } from 'vitest';
import { parseRelayMessage, type RelayMessage } from '../../shared/protocol.js';
import { handleStageMessage, type StageReaction } from '../store/stage-store.js';
import { createAppStores, dispatchScene } from '../store/stores.js';
import { createAmbientSetting } from './ambient-setting.js';
import { connectAmbientCrowd, newestFreshReaction } from './ambient-wiring.js';

function wire(message: object): RelayMessage {
  const parsed = parseRelayMessage(JSON.stringify(message));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}
const reaction = (turnSeq: number, sentiment: number, text = `r${turnSeq}`) =>
  wire({ type: 'audience.reaction', turnSeq, sentiment, reaction: text, mood: sentiment });
const welcome = (resumed: boolean) =>
  wire({ type: 'welcome', protocolVersion: 1, sessionId: 's', resumeToken: 't', upstream: 'emulator', resumed });

class RecordingCrowd {
  enabled: boolean[] = [];
  speaking: boolean[] = [];
  played: { sentiment: number; reaction?: string }[] = [];
  setEnabled(enabled: boolean) {
    this.enabled.push(enabled);
  }
  setPartnerSpeaking(speaking: boolean) {
    this.speaking.push(speaking);
  }
  async play(item: { sentiment: number; reaction?: string }) {
    this.played.push(item);
    return true;
  }
}

function setup() {
  const stores = createAppStores();
  const setting = createAmbientSetting(null);
  const crowd = new RecordingCrowd();
  const connect = () => connectAmbientCrowd({ crowd, setting, scene: stores.scene, stage: stores.stage });
  return { stores, setting, crowd, connect };
}

describe('newestFreshReaction', () => {
  const r = (turnSeq: number): StageReaction => ({ turnSeq, sentiment: 0, reaction: 'x' });
  it('finds the newest reaction for a turn not seen before', () => {
    expect(newestFreshReaction([], [r(0)])).toEqual(r(0));
    expect(newestFreshReaction([r(0)], [r(0), r(1)])).toEqual(r(1));
    expect(newestFreshReaction([r(0)], [r(0), r(1), r(2)])).toEqual(r(2));
    expect(newestFreshReaction([r(0), r(1)], [r(0), { ...r(1), sentiment: 0.5 }])).toBeNull();
    expect(newestFreshReaction([r(0)], [])).toBeNull();
    const same = [r(3)];
    expect(newestFreshReaction(same, same)).toBeNull();
  });
});

describe('connectAmbientCrowd', () => {
  it('plays each new audience reaction once, with its sentiment and text', () => {
    const { stores, crowd, connect } = setup();
    handleStageMessage(stores.stage, reaction(0, 0.2));
    connect();
    // What was already on the stage when the crowd arrived stays silent.
    expect(crowd.played).toEqual([]);
    handleStageMessage(stores.stage, reaction(1, 0.8, '*roaring laughter*'));
    handleStageMessage(stores.stage, reaction(1, 0.7, '*roaring laughter*'));
    handleStageMessage(stores.stage, wire({ type: 'partner.start', turnId: 4, speaker: 'mc' }));
    handleStageMessage(stores.stage, reaction(2, -0.6, '*groans*'));
    expect(crowd.played).toEqual([
      { turnSeq: 1, sentiment: 0.8, reaction: '*roaring laughter*' },
      { turnSeq: 2, sentiment: -0.6, reaction: '*groans*' },
    ]);
  });

  it('plays turn 0 of a fresh session even though the last one had a turn 0', () => {
    const { stores, crowd, connect } = setup();
    connect();
    handleStageMessage(stores.stage, reaction(0, 0.5));
    handleStageMessage(stores.stage, welcome(true));
    handleStageMessage(stores.stage, reaction(0, 0.5));
    expect(crowd.played).toHaveLength(1);
    handleStageMessage(stores.stage, welcome(false));
    handleStageMessage(stores.stage, reaction(0, -0.5));
    expect(crowd.played.map((item) => item.sentiment)).toEqual([0.5, -0.5]);
  });

  it('passes the setting and the partner’s (or MC’s) voice to the crowd as they change', () => {
    const { stores, setting, crowd, connect } = setup();
    connect();
    expect(crowd.enabled).toEqual([false]);
    expect(crowd.speaking).toEqual([false]);
    setting.setEnabled(true);
    expect(crowd.enabled).toEqual([false, true]);
    dispatchScene(stores, { type: 'partner.audible', turnId: 3, voiceToVoiceMs: 600 });
    expect(crowd.speaking.at(-1)).toBe(true);
    dispatchScene(stores, { type: 'partner.drained', turnId: 3 });
    expect(crowd.speaking.at(-1)).toBe(false);
    dispatchScene(stores, { type: 'partner.audible', turnId: 4, voiceToVoiceMs: null });
    dispatchScene(stores, { type: 'barge-in' });
    expect(crowd.speaking.at(-1)).toBe(false);
  });

  it('stops listening when disconnected', () => {
    const { stores, setting, crowd, connect } = setup();
    const disconnect = connect();
    disconnect();
    setting.setEnabled(true);
    handleStageMessage(stores.stage, reaction(0, 0.9));
    dispatchScene(stores, { type: 'partner.audible', turnId: 1, voiceToVoiceMs: null });
    expect(crowd.enabled).toEqual([false]);
    expect(crowd.played).toEqual([]);
    expect(crowd.speaking).toEqual([false]);
  });
});
