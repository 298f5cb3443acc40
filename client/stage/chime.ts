// A soft two-note chime when the floor passes to the player (optional, remembered). Synthesized on a small
// AudioContext of its own: no asset to fetch, and it never mixes into the partner's playback path.
import { createStore } from 'zustand/vanilla';
import { browserStorage } from '../app/game-choice.js';

const CHIME_KEY = 'iol.chime';
const CHIME_GAIN = 0.06;
const NOTES_HZ = [660, 880] as const;
const NOTE_S = 0.14;

export const chimeSetting = createStore<{ enabled: boolean }>(() => ({ enabled: readChime() }));

function readChime(): boolean {
  try {
    return browserStorage()?.getItem(CHIME_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setChimeEnabled(enabled: boolean): void {
  chimeSetting.setState({ enabled });
  try {
    browserStorage()?.setItem(CHIME_KEY, enabled ? 'on' : 'off');
  } catch {
    // This visit still honours it.
  }
}

let context: AudioContext | null = null;
export let chimesPlayed = 0;

export function playChime(): void {
  if (!chimeSetting.getState().enabled || typeof AudioContext === 'undefined') return;
  context ??= new AudioContext();
  void context.resume();
  const start = context.currentTime + 0.01;
  NOTES_HZ.forEach((hz, index) => {
    const ctx = context!;
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = hz;
    const at = start + index * NOTE_S;
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(CHIME_GAIN, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + NOTE_S * 1.6);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(at);
    oscillator.stop(at + NOTE_S * 1.7);
  });
  chimesPlayed++;
}
