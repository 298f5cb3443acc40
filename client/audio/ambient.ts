// The crowd in the room: plays a synthesized laugh, groan or round of applause for each audience
// reaction, quietly under the partner. Its own AudioContext (the partner's player keeps its own),
// created on the first sound after the player opted in; one gain bus that ducks while the partner or the
// MC talks and fades out within 100 ms when the setting goes off. Every sound's nodes are released
// when it ends. The choices and the synthesis are pure (ambient-choice.ts, ambient-synth.ts).
import { CROWD_FADE_OUT_MS, chooseCrowdSound, crowdBusLevel, crowdRampTimeConstantS } from './ambient-choice.js';
import { CROWD_SYNTH_SAMPLE_RATE_HZ, renderCrowdSound, renderCrowdSoundSliced } from './ambient-synth.js';

// The slice of Web Audio the crowd uses, so Node tests can drive it with a stand-in; AudioContext fits it.
export interface CrowdParam {
  value: number;
  cancelScheduledValues(startTime: number): unknown;
  setValueAtTime(value: number, startTime: number): unknown;
  setTargetAtTime(target: number, startTime: number, timeConstant: number): unknown;
}
export interface CrowdNode {
  connect(destination: CrowdNode): unknown;
  disconnect(): void;
}
export interface CrowdGain extends CrowdNode {
  readonly gain: CrowdParam;
}
export interface CrowdBuffer {
  copyToChannel(source: Float32Array<ArrayBuffer>, channelNumber: number): void;
}
export interface CrowdBufferSource extends CrowdNode {
  buffer: CrowdBuffer | null;
  onended: ((event: Event) => void) | null;
  start(when?: number): void;
  stop(when?: number): void;
}
export interface CrowdContext {
  readonly currentTime: number;
  readonly state: AudioContextState;
  readonly destination: CrowdNode;
  createGain(): CrowdGain;
  createBuffer(numberOfChannels: number, length: number, sampleRate: number): CrowdBuffer;
  createBufferSource(): CrowdBufferSource;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export interface AmbientCrowdOptions {
  enabled?: boolean;
  /** Default: a real AudioContext. Called once, on the first sound played while enabled. */
  createContext?: () => CrowdContext;
  /** Awaited between synthesis steps (default: one macrotask), so rendering never blocks the page for long. */
  pause?: () => Promise<void>;
  seed?: number;
}

/** A third reaction while two still ring fades the oldest: the room never turns into a wall of noise. */
export const MAX_OVERLAPPING_SOUNDS = 2;
const REPLACED_FADE_S = 0.25;

interface ActiveSound {
  source: CrowdBufferSource;
  gain: CrowdGain;
  fading: boolean;
}

let soundsPlayedOnPage = 0;

/** Crowd sounds started on this page so far, by every crowd: for window.__improv.ambientSoundsPlayed. */
export function ambientSoundsPlayed(): number {
  return soundsPlayedOnPage;
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class AmbientCrowd {
  private context: CrowdContext | null = null;
  private bus: CrowdGain | null = null;
  private enabled: boolean;
  private partnerSpeaking = false;
  private level: number;
  /** Bumped when the setting goes off or the crowd is disposed: sounds still being rendered are dropped. */
  private generation = 0;
  private disposed = false;
  private seed: number;
  private readonly active = new Set<ActiveSound>();
  private readonly createContext: () => CrowdContext;
  private readonly pause: () => Promise<void>;
  private played = 0;

  constructor(options: AmbientCrowdOptions = {}) {
    this.enabled = options.enabled ?? false;
    this.level = crowdBusLevel({ enabled: this.enabled, partnerSpeaking: this.partnerSpeaking });
    this.createContext = options.createContext ?? (() => new AudioContext({ latencyHint: 'playback' }));
    this.pause = options.pause ?? macrotask;
    this.seed = options.seed ?? Math.floor(Math.random() * 0x1_0000_0000);
    if (this.enabled) warmUpSynth();
  }

  /** Sounds this crowd started. */
  get soundsPlayed(): number {
    return this.played;
  }

  /** Sounds whose nodes are still connected. */
  get activeSounds(): number {
    return this.active.size;
  }

  get hasContext(): boolean {
    return this.context !== null;
  }

  /** The bus level the crowd is heading to: 0 off, DUCKED_LEVEL under the partner, else 1. */
  get busLevel(): number {
    return this.level;
  }

  /** Call from the toggle's click (directly or through a synchronous store listener): resume() needs the gesture. */
  setEnabled(enabled: boolean): void {
    if (this.disposed || enabled === this.enabled) return;
    this.enabled = enabled;
    if (enabled) {
      if (this.context?.state === 'suspended') this.context.resume().catch(warnResume);
      warmUpSynth();
    } else {
      this.generation++;
    }
    this.applyLevel();
    if (!enabled) this.stopAll(CROWD_FADE_OUT_MS / 1000);
  }

  /** True while the partner or the MC is audible: the crowd ducks under them. */
  setPartnerSpeaking(speaking: boolean): void {
    if (this.disposed || speaking === this.partnerSpeaking) return;
    this.partnerSpeaking = speaking;
    this.applyLevel();
  }

  /** Plays the sound for one reaction. Resolves true once it started, false when off, disposed or unavailable. */
  async play(reaction: { sentiment: number; reaction?: string }): Promise<boolean> {
    if (!this.enabled || this.disposed) return false;
    const generation = this.generation;
    const spec = chooseCrowdSound(reaction);
    this.seed = (this.seed + 0x9e3779b9) >>> 0;
    const samples = await renderCrowdSoundSliced(spec, { seed: this.seed }, this.pause);
    if (generation !== this.generation || !this.enabled || this.disposed || samples.length === 0) return false;
    const context = this.ensureContext();
    if (!context || !this.bus) return false;
    if (context.state === 'suspended') context.resume().catch(warnResume);

    const buffer = context.createBuffer(1, samples.length, CROWD_SYNTH_SAMPLE_RATE_HZ);
    buffer.copyToChannel(samples, 0);
    const source = context.createBufferSource();
    source.buffer = buffer;
    const gain = context.createGain();
    source.connect(gain);
    gain.connect(this.bus);
    const sound: ActiveSound = { source, gain, fading: false };
    source.onended = () => this.release(sound);
    this.active.add(sound);
    this.fadeOldestBeyond(MAX_OVERLAPPING_SOUNDS);
    source.start();
    this.played++;
    soundsPlayedOnPage++;
    return true;
  }

  /** Stops everything and closes the context; the crowd plays nothing afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.generation++;
    for (const sound of [...this.active]) {
      try {
        sound.source.stop();
      } catch {
        // Never started or already stopped: releasing it is all that is left.
      }
      this.release(sound);
    }
    this.bus?.disconnect();
    this.bus = null;
    const context = this.context;
    this.context = null;
    if (context && context.state !== 'closed') await context.close().catch(() => undefined);
  }

  private ensureContext(): CrowdContext | null {
    if (this.context) return this.context;
    try {
      const context = this.createContext();
      const bus = context.createGain();
      bus.gain.value = this.level;
      bus.connect(context.destination);
      this.context = context;
      this.bus = bus;
      return context;
    } catch (error) {
      // No Web Audio here: the crowd stays silent; the toggle already says sound needs a current browser.
      console.warn('crowd sounds unavailable:', error);
      this.enabled = false;
      return null;
    }
  }

  private applyLevel(): void {
    const target = crowdBusLevel({ enabled: this.enabled, partnerSpeaking: this.partnerSpeaking });
    const from = this.level;
    this.level = target;
    if (!this.context || !this.bus || target === from) return;
    const now = this.context.currentTime;
    const param = this.bus.gain;
    // Hold where the ramp is now, then head for the new level: no jump when a duck interrupts a swell.
    const current = param.value;
    param.cancelScheduledValues(now);
    param.setValueAtTime(current, now);
    param.setTargetAtTime(target, now, crowdRampTimeConstantS(from, target));
  }

  private stopAll(afterS: number): void {
    if (!this.context) return;
    const stopAt = this.context.currentTime + afterS;
    for (const sound of this.active) {
      sound.fading = true;
      sound.source.stop(stopAt);
    }
  }

  private fadeOldestBeyond(limit: number): void {
    if (!this.context) return;
    const ringing = [...this.active].filter((sound) => !sound.fading);
    const now = this.context.currentTime;
    for (const sound of ringing.slice(0, Math.max(0, ringing.length - limit))) {
      sound.fading = true;
      sound.gain.gain.setTargetAtTime(0, now, REPLACED_FADE_S / 5);
      sound.source.stop(now + REPLACED_FADE_S);
    }
  }

  private release(sound: ActiveSound): void {
    if (!this.active.delete(sound)) return;
    sound.source.onended = null;
    sound.source.disconnect();
    sound.gain.disconnect();
  }
}

let synthWarm = false;

/**
 * The first render runs the synthesis loops unoptimized (~20 ms, 140 ms on a loaded 2-core box); doing
 * that once, right after the player turns the crowd on (or the stage loads with it on), keeps the stall
 * away from the partner's voice. A macrotask later, so the switch repaints first.
 */
function warmUpSynth(): void {
  if (synthWarm) return;
  synthWarm = true;
  setTimeout(() => {
    renderCrowdSound({ kind: 'chuckle', intensity: 0.5, gain: 0.1 }, { seed: 1 });
    renderCrowdSound({ kind: 'groan', intensity: 0, gain: 0.1 }, { seed: 1 });
    renderCrowdSound({ kind: 'applause', intensity: 0, gain: 0.1 }, { seed: 1 });
  }, 0);
}

function warnResume(error: unknown): void {
  console.warn('crowd sounds could not start audio:', error);
}
