// For the playback tests: rendered output read back as runs of sound (test sample values are never 0).

export interface SoundRun {
  /** Context sample where the run starts. */
  startFrame: number;
  samples: number[];
}

/** The output as runs of sound: where each run starts and its samples. */
export function soundRuns(output: Float32Array): SoundRun[] {
  const runs: SoundRun[] = [];
  let run: SoundRun | null = null;
  output.forEach((value, frame) => {
    if (value === 0) {
      run = null;
      return;
    }
    if (!run) {
      run = { startFrame: frame, samples: [] };
      runs.push(run);
    }
    run.samples.push(value);
  });
  return runs;
}
