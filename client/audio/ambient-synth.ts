// Renders one crowd sound (a CrowdSoundSpec) to mono PCM: how many voices or clappers, where each
// starts, how long it lasts. Pure and seeded, so the same reaction sounds the same in a test, and the
// browser only wraps the result in an AudioBuffer (no downloaded samples).
import { mulberry32 } from '../../shared/stage.js';
import type { CrowdSoundSpec } from './ambient-choice.js';
import { between, fadeEdges, normalizePeak } from './ambient-dsp.js';
import {
  type Clapper,
  type GroanVoice,
  type LaughVoice,
  laughVoiceDurationS,
  renderChirp,
  renderClapper,
  renderGroanVoice,
  renderLaughVoice,
  renderMurmurBed,
  renderOohVoice,
} from './ambient-voices.js';

/**
 * Voices and claps have nothing above ~5 kHz worth keeping, and the context resamples an AudioBuffer
 * for free: rendering at half of 44.1 kHz halves the main-thread work that the partner's decoder shares.
 */
export const CROWD_SYNTH_SAMPLE_RATE_HZ = 22_050;
/** The longest any crowd sound runs; the buffer is trimmed to what was actually rendered. */
export const MAX_CROWD_SOUND_S = 3;

export interface RenderOptions {
  seed: number;
  sampleRateHz?: number;
}

/**
 * One sound as a list of small steps (a voice or a clapper each, a few ms of work at most) and a finish
 * that trims, fades and sets the peak. The browser runs the steps with a pause between them so the
 * main thread never stalls the partner's decoder; tests run them back to back.
 */
export interface CrowdSoundPlan {
  readonly sampleRateHz: number;
  readonly steps: ReadonlyArray<() => void>;
  finish(): Float32Array<ArrayBuffer>;
}

export function planCrowdSound(spec: CrowdSoundSpec, options: RenderOptions): CrowdSoundPlan {
  const sampleRateHz = options.sampleRateHz ?? CROWD_SYNTH_SAMPLE_RATE_HZ;
  const random = mulberry32(options.seed);
  const out = new Float32Array(Math.round(MAX_CROWD_SOUND_S * sampleRateHz));
  const steps: (() => void)[] = [];
  let endS = 0;
  const extend = (untilS: number) => {
    endS = Math.max(endS, untilS);
  };
  switch (spec.kind) {
    case 'laughter':
    case 'chuckle':
      for (const voice of laughVoices(spec, random)) {
        steps.push(() => renderLaughVoice(out, sampleRateHz, voice, random));
        extend(voice.startS + laughVoiceDurationS(voice));
      }
      // A big laugh breaks into applause underneath.
      if (spec.kind === 'laughter' && spec.intensity > 0.75) {
        extend(planApplause(steps, out, sampleRateHz, (spec.intensity - 0.75) * 2, 0.35, random));
      }
      break;
    case 'groan':
    case 'murmur':
      extend(planRoom(steps, out, sampleRateHz, spec, random));
      break;
    case 'applause':
      extend(planApplause(steps, out, sampleRateHz, spec.intensity, 1, random));
      break;
    case 'crickets':
      steps.push(() => {
        for (let chirp = 0; chirp < 3; chirp++) renderChirp(out, sampleRateHz, 0.1 + chirp * 0.55, 1);
      });
      extend(1.4);
      break;
  }
  return {
    sampleRateHz,
    steps,
    finish() {
      const samples = out.slice(0, Math.min(out.length, Math.ceil(endS * sampleRateHz)));
      fadeEdges(samples, sampleRateHz, 5, 60);
      normalizePeak(samples, spec.gain);
      return samples;
    },
  };
}

/** The whole sound at once (tests, offline rendering). */
export function renderCrowdSound(spec: CrowdSoundSpec, options: RenderOptions): Float32Array<ArrayBuffer> {
  const plan = planCrowdSound(spec, options);
  for (const step of plan.steps) step();
  return plan.finish();
}

/** The same sound, with `pause()` awaited between steps (the browser passes a macrotask yield). */
export async function renderCrowdSoundSliced(
  spec: CrowdSoundSpec,
  options: RenderOptions,
  pause: () => Promise<void>,
): Promise<Float32Array<ArrayBuffer>> {
  const plan = planCrowdSound(spec, options);
  for (const step of plan.steps) {
    step();
    await pause();
  }
  return plan.finish();
}

/** Laughter: 1–8 voices, mixed pitches, entering over the first third of a second. A chuckle: 1–3 closed-mouth voices. */
export function laughVoices(spec: CrowdSoundSpec, random: () => number): LaughVoice[] {
  const chuckle = spec.kind === 'chuckle';
  const count = chuckle ? 1 + Math.round(2 * spec.intensity) : 1 + Math.round(7 * spec.intensity);
  return Array.from({ length: count }, (_, index) => {
    const high = random() < 0.6;
    return {
      startS: index === 0 ? 0 : between(random, 0.02, chuckle ? 0.2 : 0.35),
      pitchHz: high ? between(random, 200, 320) : between(random, 110, 170),
      pulseRateHz: between(random, 4.5, 5.5),
      pulses: chuckle
        ? 2 + Math.round(random() * 2)
        : 3 + Math.round(5 * spec.intensity) + Math.round(between(random, -1, 1)),
      formant1Hz: chuckle ? between(random, 350, 450) : between(random, 650, 850),
      formant2Hz: chuckle ? between(random, 900, 1100) : between(random, 1100, 1400),
      breath: chuckle ? between(random, 0.45, 0.6) : between(random, 0.25, 0.45),
      level: between(random, 0.6, 1),
    };
  });
}

/** A groan (falling "uhh" over a sinking murmur) or a murmur ("ooh"), from a handful of the room's voices. */
function planRoom(
  steps: (() => void)[],
  out: Float32Array,
  sampleRateHz: number,
  spec: CrowdSoundSpec,
  random: () => number,
): number {
  const groan = spec.kind === 'groan';
  const count = groan ? 3 + Math.round(7 * spec.intensity) : 2 + Math.round(5 * spec.intensity);
  const durationS = groan ? 0.9 + 0.6 * spec.intensity : 0.8 + 0.4 * spec.intensity;
  let endS = 0;
  for (let index = 0; index < count; index++) {
    const voice: GroanVoice = {
      startS: between(random, 0, 0.15),
      durationS: durationS * between(random, 0.85, 1.1),
      pitchHz: random() < 0.5 ? between(random, 190, 260) : between(random, 105, 150),
      fallRatio: groan ? between(random, 0.55, 0.7) : between(random, 0.85, 0.95),
      breath: between(random, 0.25, 0.4),
      level: between(random, 0.6, 1),
    };
    const render = groan ? renderGroanVoice : renderOohVoice;
    steps.push(() => render(out, sampleRateHz, voice, random));
    endS = Math.max(endS, voice.startS + voice.durationS);
  }
  const bed = {
    startS: 0,
    durationS: endS,
    level: groan ? 0.5 : 0.3,
    fromHz: groan ? 650 : 500,
    toHz: groan ? 250 : 400,
  };
  steps.push(() => renderMurmurBed(out, sampleRateHz, bed, random));
  return endS;
}

/**
 * Applause: 2–24 clappers at 3–5 claps a second (intensity 0 is one lone pair of hands), swelling in and
 * thinning out as they stop one by one. Returns where it ends (s).
 */
function planApplause(
  steps: (() => void)[],
  out: Float32Array,
  sampleRateHz: number,
  intensity: number,
  level: number,
  random: () => number,
): number {
  const lone = intensity === 0;
  const count = lone ? 1 : 2 + Math.round(22 * intensity);
  const durationS = lone ? 1.4 : 1.2 + 1.3 * intensity;
  let endS = 0;
  for (let index = 0; index < count; index++) {
    const clapper: Clapper = {
      startS: lone ? 0 : between(random, 0, 0.25),
      endS: durationS * (lone ? 1 : between(random, 0.55, 1)),
      clapRateHz: lone ? 2.6 : between(random, 3.2, 5),
      centerHz: between(random, 900, 2_600),
      level: level * between(random, 0.5, 1),
    };
    steps.push(() => renderClapper(out, sampleRateHz, clapper, random));
    endS = Math.max(endS, clapper.endS + 0.05);
  }
  return endS;
}
