import { describe, expect, it } from 'vitest';
import {
  CROWD_FADE_OUT_MS,
  chooseCrowdSound,
  crowdBusLevel,
  crowdRampTimeConstantS,
  DUCKED_LEVEL,
  gainFor,
  kindForSentiment,
  MAX_CROWD_GAIN,
} from './ambient-choice.js';

describe('chooseCrowdSound', () => {
  it('picks by sentiment: strong positive laughs, mild positive chuckles, neutral murmurs, negative groans', () => {
    expect(kindForSentiment(0.9)).toBe('laughter');
    expect(kindForSentiment(0.3)).toBe('laughter');
    expect(kindForSentiment(0.1)).toBe('chuckle');
    expect(kindForSentiment(0)).toBe('murmur');
    expect(kindForSentiment(-0.2)).toBe('murmur');
    expect(kindForSentiment(-0.3)).toBe('groan');
    expect(kindForSentiment(-1)).toBe('groan');
    expect(kindForSentiment(Number.NaN)).toBe('murmur');
  });

  it('lets the reaction text name the sound', () => {
    const kind = (sentiment: number, reaction: string) => chooseCrowdSound({ sentiment, reaction }).kind;
    expect(kind(0.7, '*applause break*')).toBe('applause');
    expect(kind(0.7, 'WOOO!')).toBe('applause');
    expect(kind(0.4, '*big laugh*')).toBe('laughter');
    expect(kind(0.4, 'Ha!')).toBe('laughter');
    expect(kind(0.1, '*chuckles*')).toBe('chuckle');
    expect(kind(-0.1, '*polite chuckle*')).toBe('chuckle');
    expect(kind(0.1, 'Ooooh!')).toBe('murmur');
    expect(kind(-0.1, 'Hmm!')).toBe('murmur');
    expect(kind(-0.6, '*groans*')).toBe('groan');
    expect(kind(-0.6, 'Awww...')).toBe('groan');
    expect(kind(-0.9, '*crickets*')).toBe('crickets');
    expect(kind(-0.9, '*awkward silence*')).toBe('crickets');
    expect(kind(0, '*polite applause*')).toBe('applause');
    // No cue in the text: the sentiment decides.
    expect(kind(0.8, 'Yes!!')).toBe('laughter');
    expect(kind(-0.8, 'Yikes')).toBe('groan');
  });

  it('keeps a lone clapper to one pair of hands, and a sound that contradicts the score small', () => {
    expect(chooseCrowdSound({ sentiment: -0.9, reaction: '*one person claps*' })).toMatchObject({
      kind: 'applause',
      intensity: 0,
    });
    expect(chooseCrowdSound({ sentiment: -0.9, reaction: '*laughter*' }).intensity).toBeLessThanOrEqual(0.3);
    expect(chooseCrowdSound({ sentiment: 0.9, reaction: '*laughter*' }).intensity).toBeGreaterThan(0.9);
  });

  it('grows louder with the strength of the feeling, never above the ceiling', () => {
    const gains = [0, 0.2, 0.4, 0.6, 0.8, 1].map((sentiment) => chooseCrowdSound({ sentiment }).gain);
    for (let index = 1; index < gains.length; index++) expect(gains[index]!).toBeGreaterThan(gains[index - 1]!);
    const groans = [-0.3, -0.6, -1].map((sentiment) => chooseCrowdSound({ sentiment }).gain);
    expect(groans[2]!).toBeGreaterThan(groans[0]!);
    for (const sentiment of [-1, -0.5, 0, 0.5, 1, 7, Number.NaN]) {
      const { gain, intensity } = chooseCrowdSound({ sentiment, reaction: '*roaring laughter*' });
      expect(gain).toBeGreaterThan(0);
      expect(gain).toBeLessThanOrEqual(MAX_CROWD_GAIN);
      expect(intensity).toBeGreaterThanOrEqual(0);
      expect(intensity).toBeLessThanOrEqual(1);
    }
    expect(gainFor('laughter', 1)).toBe(MAX_CROWD_GAIN);
    // The ceiling itself sits well under a full-scale voice: at most -14 dBFS.
    expect(20 * Math.log10(MAX_CROWD_GAIN)).toBeLessThanOrEqual(-13.9);
  });
});

describe('crowd bus', () => {
  it('is silent when off and ducks while the partner or MC speaks', () => {
    expect(crowdBusLevel({ enabled: false, partnerSpeaking: false })).toBe(0);
    expect(crowdBusLevel({ enabled: false, partnerSpeaking: true })).toBe(0);
    expect(crowdBusLevel({ enabled: true, partnerSpeaking: false })).toBe(1);
    expect(crowdBusLevel({ enabled: true, partnerSpeaking: true })).toBe(DUCKED_LEVEL);
    // A duck of at least 10 dB.
    expect(20 * Math.log10(DUCKED_LEVEL)).toBeLessThanOrEqual(-10);
  });

  it('fades out within 100 ms, ducks fast and recovers slowly', () => {
    const offTau = crowdRampTimeConstantS(1, 0);
    // setTargetAtTime reaches e^-5 (-43 dB) after five time constants.
    expect(5 * offTau * 1000).toBeLessThanOrEqual(CROWD_FADE_OUT_MS);
    expect(CROWD_FADE_OUT_MS).toBeLessThanOrEqual(100);
    const duckTau = crowdRampTimeConstantS(1, DUCKED_LEVEL);
    const releaseTau = crowdRampTimeConstantS(DUCKED_LEVEL, 1);
    expect(duckTau).toBeLessThan(releaseTau);
    expect(5 * duckTau).toBeLessThanOrEqual(0.25);
  });
});
