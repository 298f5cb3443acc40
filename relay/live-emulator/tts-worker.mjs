// Speech synthesis thread for the Live emulator. Plain ESM (not TypeScript) because Node 20 worker
// threads cannot load .ts files through tsx, and synthesis must stay off the emulator's event loop:
// one espeak-ng run blocks its thread for ~150 ms, which would stall every other connection's audio clock.
//
// Request:  { id: number, text: string, voice: string, pitchPercent: number, wordsPerMinute: number, outputRateHz: number }
// Response: { id, pcm: ArrayBuffer (PCM16 LE mono at outputRateHz), sourceRateHz } or { id, error: string }
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const espeakJsPath = require.resolve('espeak-ng');
const { default: createESpeakNg } = await import(pathToFileURL(espeakJsPath).href);
// Compiling the 18 MB module once makes each synthesis an instantiation only.
const espeakModule = await WebAssembly.compile(readFileSync(join(dirname(espeakJsPath), 'espeak-ng.wasm')));

const WAV_PATH = '/out.wav';
// Text goes through a file, never argv, so a line starting with "-" cannot be read as a flag.
const TEXT_PATH = '/in.txt';

/** Returns { samples: Int16Array, sampleRateHz } from a RIFF/WAVE PCM16 mono file. */
function parseWav(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('espeak-ng did not write a WAV file');
  let offset = 12;
  let sampleRateHz = 0;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') sampleRateHz = view.getUint32(body + 4, true);
    if (id === 'data') {
      // espeak may leave a streaming-size placeholder; trust the bytes actually present.
      const byteLength = Math.min(size, bytes.byteLength - body) & ~1;
      const copy = bytes.slice(body, body + byteLength);
      return { samples: new Int16Array(copy.buffer, copy.byteOffset, byteLength / 2), sampleRateHz };
    }
    offset = body + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}

/** Linear-interpolation resampler; speech from espeak is band-limited well below both Nyquist rates. */
function resample(samples, fromHz, toHz) {
  if (fromHz === toHz) return samples;
  const outLength = Math.floor((samples.length * toHz) / fromHz);
  const out = new Int16Array(outLength);
  const step = fromHz / toHz;
  for (let i = 0; i < outLength; i++) {
    const position = i * step;
    const index = Math.floor(position);
    const fraction = position - index;
    const a = samples[index] ?? 0;
    const b = samples[index + 1] ?? a;
    out[i] = Math.round(a + (b - a) * fraction);
  }
  return out;
}

async function synthesize(request) {
  const stderr = [];
  const instance = await createESpeakNg({
    arguments: [
      '-v',
      request.voice,
      '-p',
      String(request.pitchPercent),
      '-s',
      String(request.wordsPerMinute),
      '-w',
      WAV_PATH,
      '-f',
      TEXT_PATH,
    ],
    preRun: [(module) => module.FS.writeFile(TEXT_PATH, request.text)],
    print: () => {},
    printErr: (line) => stderr.push(line),
    // Emscripten's default quit sets process.exitCode, which must not leak into our thread.
    quit: (_status, toThrow) => {
      throw toThrow;
    },
    instantiateWasm(imports, receiveInstance) {
      WebAssembly.instantiate(espeakModule, imports).then((wasm) => receiveInstance(wasm, espeakModule));
      return {};
    },
  });
  let wav;
  try {
    wav = instance.FS.readFile(WAV_PATH);
  } catch {
    throw new Error(`espeak-ng produced no audio: ${stderr.join(' ') || 'no output'}`);
  }
  const { samples, sampleRateHz } = parseWav(wav);
  const pcm = resample(samples, sampleRateHz, request.outputRateHz);
  return { pcm, sourceRateHz: sampleRateHz };
}

// Requests are handled one at a time: each instance holds ~40 MB of wasm memory.
let queue = Promise.resolve();
parentPort.on('message', (request) => {
  queue = queue.then(async () => {
    try {
      const { pcm, sourceRateHz } = await synthesize(request);
      const buffer = pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength);
      parentPort.postMessage({ id: request.id, pcm: buffer, sourceRateHz }, [buffer]);
    } catch (error) {
      parentPort.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
parentPort.postMessage({ ready: true });
