// A mic check before the first scene: asks for the permission (so the browser's prompt comes now, not mid-intro),
import { MicError } from '../audio/mic-error.js';
// shows the level for a few seconds, then closes the mic again. The scene opens its own mic later.
export type MicCheckState =
  | { status: 'idle' }
  | { status: 'asking' }
  | { status: 'listening'; level: number; heard: boolean }
  | { status: 'ok'; heard: boolean }
  | { status: 'denied' }
  | { status: 'missing' };

/** Speech-ish RMS: above this the check says it heard the player. */
const HEARD_RMS = 0.02;
export const MIC_CHECK_MS = 4_000;

export async function runMicCheck(onState: (state: MicCheckState) => void, signal: AbortSignal): Promise<void> {
  if (!navigator.mediaDevices?.getUserMedia) {
    onState({ status: 'missing' });
    return;
  }
  onState({ status: 'asking' });
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    onState({ status: name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'missing' });
    return;
  }
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let heard = false;
  const startedAt = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      if (signal.aborted || performance.now() - startedAt > MIC_CHECK_MS) return resolve();
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      heard ||= rms > HEARD_RMS;
      onState({ status: 'listening', level: Math.min(1, rms * 8), heard });
      setTimeout(tick, 50);
    };
    tick();
  });
  for (const track of stream.getTracks()) track.stop();
  void context.close();
  if (!signal.aborted) onState({ status: 'ok', heard });
}

/**
 * The mic permission without opening the mic: 'granted' lets hello go out while the VAD still loads; 'unknown'
 * (not asked yet, or no Permissions API) means the scene waits for the mic itself, which asks. A denied mic
 * throws at once, so no scene is ever created for it.
 */
export async function requestMicPermission(): Promise<'granted' | 'unknown'> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MicError(
      'mic.unsupported',
      'This browser cannot record for the scene. Please use a current Chrome or Edge.',
    );
  }
  const state = await navigator.permissions
    ?.query({ name: 'microphone' as PermissionName })
    .then((status) => status.state)
    .catch(() => null);
  if (state === 'denied') {
    throw new MicError(
      'mic.denied',
      'Microphone access was blocked. Allow the microphone for this site (the icon in the address bar) and try again.',
    );
  }
  return state === 'granted' ? 'granted' : 'unknown';
}
