// How each speaker looks and is named, on the live stage and in a past scene's transcript alike.
import type { Speaker } from '../../shared/protocol.js';

export const SPEAKER_NAMES: Record<Speaker, string> = {
  player: 'You',
  partner: 'Partner',
  mc: 'MC',
  audience: 'Audience',
  coach: 'Coach',
};

export const SPEAKER_STYLES: Record<Speaker, string> = {
  player: 'ml-auto border-sky-400/30 bg-sky-950/40 text-sky-50',
  partner: 'mr-auto border-amber-400/40 bg-amber-500/10 text-amber-50',
  // The MC hosts the show: centered, serif and framed like a stage card, so it never reads as a scene line.
  mc: 'mx-auto border-fuchsia-400/40 bg-fuchsia-950/30 text-fuchsia-50 text-center font-serif shadow-[0_0_24px_rgb(192_38_211/0.15)]',
  audience: 'mx-auto border-stone-700 bg-stone-800 text-stone-300 italic',
  coach: 'mr-auto border-emerald-400/30 bg-emerald-950/30 text-emerald-50',
};
