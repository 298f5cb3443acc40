// Linear resampler for decoded partner audio, used only if the browser's Opus decoder does not
// output at the playback context's rate (Chromium outputs 48 kHz, our context rate, so normally
// this is a no-op). Linear is enough for speech at these ratios and costs nothing.

export function resampleLinear(
  input: Float32Array<ArrayBuffer>,
  fromRateHz: number,
  toRateHz: number,
): Float32Array<ArrayBuffer> {
  if (fromRateHz === toRateHz || input.length === 0) return input;
  const outLength = Math.round((input.length * toRateHz) / fromRateHz);
  const out = new Float32Array(outLength);
  const step = fromRateHz / toRateHz;
  for (let i = 0; i < outLength; i += 1) {
    const position = i * step;
    const left = Math.floor(position);
    const fraction = position - left;
    const a = input[left] ?? 0;
    const b = input[left + 1] ?? a;
    out[i] = a + (b - a) * fraction;
  }
  return out;
}
