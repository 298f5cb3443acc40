// The few signal blocks the crowd synthesizer is built from: a band-pass biquad, a voice source
// (buzz plus breath) and buffer helpers. Plain arithmetic on Float32Arrays, so it runs (and is tested)
// in Node exactly as in the browser.

/** RBJ cookbook band-pass (0 dB peak gain), direct form I. Retune at any time without clearing state. */
export class BandPass {
  private b0 = 0;
  private b2 = 0;
  private a1 = 0;
  private a2 = 0;
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;

  constructor(
    private readonly sampleRateHz: number,
    centerHz: number,
    q: number,
  ) {
    this.tune(centerHz, q);
  }

  tune(centerHz: number, q: number): void {
    // Keep the centre below Nyquist so a high formant on a low-rate buffer cannot blow up.
    const safeHz = Math.min(centerHz, this.sampleRateHz * 0.45);
    const omega = (2 * Math.PI * safeHz) / this.sampleRateHz;
    const alpha = Math.sin(omega) / (2 * q);
    const a0 = 1 + alpha;
    this.b0 = alpha / a0;
    this.b2 = -alpha / a0;
    this.a1 = (-2 * Math.cos(omega)) / a0;
    this.a2 = (1 - alpha) / a0;
  }

  process(input: number): number {
    const output = this.b0 * input + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = input;
    this.y2 = this.y1;
    this.y1 = output;
    return output;
  }
}

/**
 * A voice's excitation: a sawtooth buzz at the pitch (the vocal folds) mixed with white noise (breath).
 * `breath` 0 is pure buzz, 1 is a whisper.
 */
export class VoiceSource {
  private phase = 0;

  constructor(
    private readonly sampleRateHz: number,
    private readonly random: () => number,
  ) {
    this.phase = random();
  }

  next(pitchHz: number, breath: number): number {
    this.phase += pitchHz / this.sampleRateHz;
    if (this.phase >= 1) this.phase -= Math.floor(this.phase);
    const buzz = 2 * this.phase - 1;
    const noise = 2 * this.random() - 1;
    return buzz * (1 - breath) + noise * breath;
  }
}

/** A uniform draw in [low, high). */
export function between(random: () => number, low: number, high: number): number {
  return low + (high - low) * random();
}

/** Short linear fades at both ends, so a buffer never starts or stops on a click. */
export function fadeEdges(samples: Float32Array, sampleRateHz: number, fadeInMs: number, fadeOutMs: number): void {
  const fadeIn = Math.min(samples.length, Math.round((fadeInMs / 1000) * sampleRateHz));
  const fadeOut = Math.min(samples.length, Math.round((fadeOutMs / 1000) * sampleRateHz));
  for (let index = 0; index < fadeIn; index++) samples[index]! *= index / fadeIn;
  for (let index = 0; index < fadeOut; index++) samples[samples.length - 1 - index]! *= index / fadeOut;
}

export function peakOf(samples: Float32Array): number {
  let peak = 0;
  for (let index = 0; index < samples.length; index++) {
    const magnitude = Math.abs(samples[index]!);
    if (magnitude > peak) peak = magnitude;
  }
  return peak;
}

/** Scales so the peak lands just under `peak` (float32 rounding must never push it over); silence stays silent. */
export function normalizePeak(samples: Float32Array, peak: number): void {
  const current = peakOf(samples);
  if (current === 0) return;
  const scale = (peak * 0.999) / current;
  for (let index = 0; index < samples.length; index++) samples[index]! *= scale;
}

/**
 * Amplitude envelope: RMS over consecutive windows of `windowMs`. Used by tests to read a laugh's
 * pulse rate, and handy for looking at any rendered sound.
 */
export function rmsEnvelope(samples: Float32Array, sampleRateHz: number, windowMs: number): Float32Array {
  const window = Math.max(1, Math.round((windowMs / 1000) * sampleRateHz));
  const envelope = new Float32Array(Math.floor(samples.length / window));
  for (let frame = 0; frame < envelope.length; frame++) {
    let sum = 0;
    for (let index = frame * window; index < (frame + 1) * window; index++) sum += samples[index]! ** 2;
    envelope[frame] = Math.sqrt(sum / window);
  }
  return envelope;
}
