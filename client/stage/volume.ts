// The partner's playback volume, 0..1, remembered across visits.
import { createStore } from 'zustand/vanilla';
import { browserStorage } from '../app/game-choice.js';

const VOLUME_KEY = 'iol.volume';

function readVolume(): number {
  try {
    const value = Number(browserStorage()?.getItem(VOLUME_KEY) ?? '1');
    return Number.isFinite(value) ? Math.max(0, Math.min(1, value)) : 1;
  } catch {
    return 1;
  }
}

export const volumeSetting = createStore<{ volume: number }>(() => ({ volume: readVolume() }));

export function setPartnerVolume(volume: number): void {
  const clamped = Math.max(0, Math.min(1, volume));
  volumeSetting.setState({ volume: clamped });
  try {
    browserStorage()?.setItem(VOLUME_KEY, String(clamped));
  } catch {
    // This visit still honours it.
  }
}
