// Mic level for the UI meter: RMS over a fixed window of samples, on a dB scale a player reads
// as "how loud am I" (-60 dBFS and below shows empty, 0 dBFS full). Pure, so it is unit-tested.

const FLOOR_DB = -60;

export class LevelMeter {
  private sumSquares = 0;
  private count = 0;

  /** @param windowSamples samples per reported level, e.g. 800 at 16 kHz for 20 reports a second. */
  constructor(private readonly windowSamples: number) {}

  /** Adds samples; returns the levels (0..1) of every window completed by them, usually zero or one. */
  push(samples: Float32Array): number[] {
    const levels: number[] = [];
    for (const sample of samples) {
      this.sumSquares += sample * sample;
      this.count += 1;
      if (this.count === this.windowSamples) {
        levels.push(levelFromRms(Math.sqrt(this.sumSquares / this.count)));
        this.sumSquares = 0;
        this.count = 0;
      }
    }
    return levels;
  }
}

export function levelFromRms(rms: number): number {
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
}
