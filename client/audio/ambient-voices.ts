// The crowd's single voices, each rendered into a shared buffer: a laughing voice ("ha" pulses), a
// groaning one (a falling "uhh"), an "ooh", one clapper, one cricket. ambient-synth.ts decides how
// many of each and where they start. Pitch, formants and rates are what make each one read as itself.
import { BandPass, between, VoiceSource } from './ambient-dsp.js';

export interface LaughVoice {
  startS: number;
  /** Pitch of the first "ha"; later ones fall a little, as breath runs out. */
  pitchHz: number;
  /** "ha" pulses per second, 4–6 Hz for real laughter. */
  pulseRateHz: number;
  pulses: number;
  /** Vowel formants: ~750/1250 Hz is an open "ha", ~400/1000 Hz a closed-mouth "hm" chuckle. */
  formant1Hz: number;
  formant2Hz: number;
  /** 0 pure voice, 1 whisper. */
  breath: number;
  level: number;
}

/** Each interval 2% longer than the last: a laugh slows slightly as it runs down. */
const LAUGH_SLOWDOWN_PER_PULSE = 0.02;
const LAUGH_ATTACK_S = 0.012;

/** Onset times (s, from the voice's start) of each "ha". */
export function laughPulseOnsetsS(voice: Pick<LaughVoice, 'pulseRateHz' | 'pulses'>): number[] {
  const onsets: number[] = [];
  let time = 0;
  for (let pulse = 0; pulse < voice.pulses; pulse++) {
    onsets.push(time);
    time += 1 / (voice.pulseRateHz * (1 - LAUGH_SLOWDOWN_PER_PULSE * pulse));
  }
  return onsets;
}

export function laughVoiceDurationS(voice: Pick<LaughVoice, 'pulseRateHz' | 'pulses'>): number {
  const onsets = laughPulseOnsetsS(voice);
  return (onsets[onsets.length - 1] ?? 0) + 1 / voice.pulseRateHz;
}

export function renderLaughVoice(out: Float32Array, sampleRateHz: number, voice: LaughVoice, random: () => number) {
  const source = new VoiceSource(sampleRateHz, random);
  const formant1 = new BandPass(sampleRateHz, voice.formant1Hz, 5);
  const formant2 = new BandPass(sampleRateHz, voice.formant2Hz, 7);
  const onsets = laughPulseOnsetsS(voice);
  const startSample = Math.round(voice.startS * sampleRateHz);
  onsets.forEach((onsetS, pulse) => {
    const periodS = 1 / (voice.pulseRateHz * (1 - LAUGH_SLOWDOWN_PER_PULSE * pulse));
    // The first "ha" is a little softer than the second; then each one fades as the laugh runs down.
    const shape = pulse === 0 ? 0.8 : 1 - (0.5 * pulse) / voice.pulses;
    const amplitude = voice.level * shape * between(random, 0.75, 1);
    const pitchHz = voice.pitchHz * (1 - 0.025 * pulse);
    // Voiced for just over half the period; the rest is the short inhale between "ha"s.
    const voicedS = periodS * 0.6;
    const first = startSample + Math.round(onsetS * sampleRateHz);
    const count = Math.round(voicedS * sampleRateHz);
    for (let index = 0; index < count && first + index < out.length; index++) {
      const t = index / sampleRateHz;
      const attack = t < LAUGH_ATTACK_S ? 0.5 - 0.5 * Math.cos((Math.PI * t) / LAUGH_ATTACK_S) : 1;
      const decay = Math.exp(-t / (voicedS * 0.45));
      const tail = index > count * 0.8 ? (count - index) / (count * 0.2) : 1;
      // An aspirated "h" at the onset, then the vowel; the pitch sags through each "ha".
      const breath = Math.min(1, voice.breath + (t < 0.025 ? 0.5 : 0));
      const excitation = source.next(pitchHz * (1.06 - 0.12 * (t / voicedS)), breath);
      const vowel = formant1.process(excitation) + 0.6 * formant2.process(excitation);
      out[first + index]! += vowel * amplitude * attack * decay * tail;
    }
  });
}

/** Sliding filters are retuned this often: smooth to the ear, a fraction of the cost of every sample. */
const RETUNE_EVERY_SAMPLES = 32;

export interface GroanVoice {
  startS: number;
  durationS: number;
  /** Pitch at the start; it falls to `fallRatio` of it by the end. */
  pitchHz: number;
  fallRatio: number;
  breath: number;
  level: number;
}

/** "Uhhh…" sliding to "ohh": a slow swell, a falling pitch and falling formants. */
export function renderGroanVoice(out: Float32Array, sampleRateHz: number, voice: GroanVoice, random: () => number) {
  const source = new VoiceSource(sampleRateHz, random);
  const formant1 = new BandPass(sampleRateHz, 560, 4);
  const formant2 = new BandPass(sampleRateHz, 1050, 6);
  renderSwell(out, sampleRateHz, voice, (progress, index) => {
    if (index % RETUNE_EVERY_SAMPLES === 0) {
      formant1.tune(560 - 160 * progress, 4);
      formant2.tune(1050 - 300 * progress, 6);
    }
    const pitchHz = voice.pitchHz * (1 - (1 - voice.fallRatio) * progress);
    const excitation = source.next(pitchHz, voice.breath);
    return formant1.process(excitation) + 0.5 * formant2.process(excitation);
  });
}

/** "Ooooh": a rounded vowel whose pitch rises and settles, the sound of a room impressed or unsure. */
export function renderOohVoice(out: Float32Array, sampleRateHz: number, voice: GroanVoice, random: () => number) {
  const source = new VoiceSource(sampleRateHz, random);
  const formant1 = new BandPass(sampleRateHz, between(random, 320, 400), 5);
  const formant2 = new BandPass(sampleRateHz, between(random, 800, 950), 7);
  renderSwell(out, sampleRateHz, voice, (progress) => {
    const pitchHz = voice.pitchHz * (1 + 0.25 * Math.sin(Math.PI * progress) - (1 - voice.fallRatio) * progress);
    const excitation = source.next(pitchHz, voice.breath);
    return formant1.process(excitation) + 0.4 * formant2.process(excitation);
  });
}

/** A raised-sine swell over the voice's span, applied to whatever `sample(progress)` produces. */
function renderSwell(
  out: Float32Array,
  sampleRateHz: number,
  voice: { startS: number; durationS: number; level: number },
  sample: (progress: number, index: number) => number,
): void {
  const first = Math.round(voice.startS * sampleRateHz);
  const count = Math.round(voice.durationS * sampleRateHz);
  for (let index = 0; index < count && first + index < out.length; index++) {
    const progress = index / count;
    // Fast-ish rise (first 20%), long fall: a groan lands and then trails off.
    const envelope =
      progress < 0.2 ? Math.sin((Math.PI / 2) * (progress / 0.2)) : Math.cos((Math.PI / 2) * ((progress - 0.2) / 0.8));
    out[first + index]! += sample(progress, index) * envelope * voice.level;
  }
}

/** Low filtered noise whose band slides down: the room's "mmmh" under a groan. */
export function renderMurmurBed(
  out: Float32Array,
  sampleRateHz: number,
  bed: { startS: number; durationS: number; level: number; fromHz: number; toHz: number },
  random: () => number,
): void {
  const band = new BandPass(sampleRateHz, bed.fromHz, 1.5);
  renderSwell(out, sampleRateHz, bed, (progress, index) => {
    if (index % RETUNE_EVERY_SAMPLES === 0) band.tune(bed.fromHz + (bed.toHz - bed.fromHz) * progress, 1.5);
    return band.process(2 * random() - 1);
  });
}

export interface Clapper {
  startS: number;
  endS: number;
  clapRateHz: number;
  /** Each pair of hands has its own ring: a cupped clap is low, a flat one bright. */
  centerHz: number;
  level: number;
}

const CLAP_LENGTH_S = 0.04;

/** One pair of hands: short noise bursts, each band-passed and decaying in a few milliseconds. */
export function renderClapper(out: Float32Array, sampleRateHz: number, clapper: Clapper, random: () => number) {
  const band = new BandPass(sampleRateHz, clapper.centerHz, 1.6);
  const length = Math.round(CLAP_LENGTH_S * sampleRateHz);
  for (let clapS = clapper.startS; clapS < clapper.endS; clapS += between(random, 0.85, 1.15) / clapper.clapRateHz) {
    band.tune(clapper.centerHz * between(random, 0.9, 1.1), 1.6);
    const decayS = between(random, 0.004, 0.009);
    const amplitude = clapper.level * between(random, 0.55, 1);
    const first = Math.round(clapS * sampleRateHz);
    for (let index = 0; index < length && first + index < out.length; index++) {
      const envelope = Math.exp(-index / sampleRateHz / decayS);
      out[first + index]! += band.process(2 * random() - 1) * amplitude * envelope * 3;
    }
  }
}

/** A cricket chirp: three short pulses of a ~4.4 kHz tone. */
export function renderChirp(out: Float32Array, sampleRateHz: number, startS: number, level: number) {
  const toneHz = Math.min(4_400, sampleRateHz * 0.4);
  const pulseS = 0.018;
  for (let pulse = 0; pulse < 3; pulse++) {
    const first = Math.round((startS + pulse * 0.045) * sampleRateHz);
    const count = Math.round(pulseS * sampleRateHz);
    for (let index = 0; index < count && first + index < out.length; index++) {
      const envelope = Math.sin((Math.PI * index) / count);
      out[first + index]! += Math.sin((2 * Math.PI * toneHz * index) / sampleRateHz) * envelope * level;
    }
  }
}
