// Signal helpers shared by codec and relay tests (not used at run time).

/** PCM16 LE mono sine of `samples` samples starting at sample `startSample`. */
export function sinePcm16(
  frequencyHz: number,
  sampleRateHz: number,
  samples: number,
  amplitude = 8000,
  startSample = 0,
) {
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * (startSample + i)) / sampleRateHz));
  }
  return new Uint8Array(pcm.buffer);
}

export function toInt16(bytes: Uint8Array): Int16Array {
  const copy = new Uint8Array(bytes); // aligned copy
  return new Int16Array(copy.buffer, 0, copy.byteLength >> 1);
}

export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** Frequency estimate from positive-going zero crossings. */
export function zeroCrossingHz(samples: Int16Array, sampleRateHz: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 && samples[i]! >= 0) crossings++;
  return (crossings * sampleRateHz) / samples.length;
}
