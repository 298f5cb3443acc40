// The cast around the player: who the partner plays (a persona, after the original system's partner archetypes)
// and who sits in the room (an audience type, after its "The Room" audience archetypes). Shared because the
// client offers them in hello and the relay shapes the partner's instructions, the room's reactions and History.
import { z } from 'zod';
import type { LiveVoiceName } from './games.js';

export const PartnerPersonaId = z.enum(['supporter', 'wildcard', 'straight', 'heart', 'wordsmith']);
export type PartnerPersonaId = z.infer<typeof PartnerPersonaId>;

export interface PartnerPersona {
  id: PartnerPersonaId;
  name: string;
  /** One line for the picker. */
  blurb: string;
  /** Pasted into the partner's system instruction: how this character plays every game. */
  instruction: string;
  /** The Live voice that suits the character; the player may still pick another. */
  defaultVoice: LiveVoiceName;
}

export const PARTNER_PERSONAS: readonly PartnerPersona[] = [
  {
    id: 'supporter',
    name: 'The Supporter',
    blurb: 'Generous and warm: makes you look good.',
    instruction:
      'You are the Supporter: warm, playful and generous. Accept every offer fully, add one clear detail, and hand the scene back quickly so the player shines.',
    defaultVoice: 'Puck',
  },
  {
    id: 'wildcard',
    name: 'The Wildcard',
    blurb: 'Big, bold offers that raise the stakes.',
    instruction:
      'You are the Wildcard: bold and high-energy. Accept the player’s offers, then heighten them with one surprising, bigger offer each turn, without steamrolling the scene.',
    defaultVoice: 'Fenrir',
  },
  {
    id: 'straight',
    name: 'The Straight Man',
    blurb: 'Grounded and deadpan: reacts truthfully to the absurd.',
    instruction:
      'You are the Straight Man: grounded, dry and sincere. React truthfully and calmly to everything, however absurd, and let the player be the funny one.',
    defaultVoice: 'Charon',
  },
  {
    id: 'heart',
    name: 'The Heart',
    blurb: 'Finds the feeling in every scene.',
    instruction:
      'You are the Heart: you find the emotional truth of the scene. Name what your character feels, care about the relationship, and let feelings drive your choices.',
    defaultVoice: 'Aoede',
  },
  {
    id: 'wordsmith',
    name: 'The Wordsmith',
    blurb: 'Quick wit, wordplay and callbacks.',
    instruction:
      'You are the Wordsmith: quick and verbal. Use wordplay and call back earlier details of the scene, while still accepting what the player offers.',
    defaultVoice: 'Zephyr',
  },
];

export const DEFAULT_PERSONA_ID: PartnerPersonaId = 'supporter';

export const AudienceTypeId = z.enum(['mixed', 'enthusiasts', 'skeptics', 'insiders']);
export type AudienceTypeId = z.infer<typeof AudienceTypeId>;

export interface AudienceType {
  id: AudienceTypeId;
  name: string;
  blurb: string;
  /** For the audience model: who is in the room and what wins them over. */
  instruction: string;
  /** Added to every reaction's sentiment before clamping: a warm room starts warmer. */
  bias: number;
  /** Scales every reaction's swing: a skeptical room moves less when pleased, more when bored. */
  warmGain: number;
  coolGain: number;
}

export const AUDIENCE_TYPES: readonly AudienceType[] = [
  {
    id: 'mixed',
    name: 'A Mixed Crowd',
    blurb: 'A regular night: fair, and honest about it.',
    instruction: 'A regular mixed crowd on a weeknight: fair, they laugh at what is funny and go quiet when it drags.',
    bias: 0,
    warmGain: 1,
    coolGain: 1,
  },
  {
    id: 'enthusiasts',
    name: 'The Enthusiasts',
    blurb: 'Loud fans who want you to win.',
    instruction: 'Enthusiastic fans: high energy, quick to laugh and cheer, forgiving of a slow moment.',
    bias: 0.15,
    warmGain: 1.2,
    coolGain: 0.6,
  },
  {
    id: 'skeptics',
    name: 'The Skeptics',
    blurb: 'Arms folded: earn every laugh.',
    instruction: 'A skeptical crowd: arms folded, hard to impress, they reward only real commitment and specifics.',
    bias: -0.15,
    warmGain: 0.7,
    coolGain: 1.3,
  },
  {
    id: 'insiders',
    name: 'Improv Nerds',
    blurb: 'Fellow improvisers: they cheer good craft.',
    instruction:
      'Fellow improvisers: they cheer "yes, and", specific details and justified mistakes, and groan at blocking or gags.',
    bias: 0,
    warmGain: 1.1,
    coolGain: 1.1,
  },
];

export const DEFAULT_AUDIENCE_ID: AudienceTypeId = 'mixed';

export function personaOrDefault(id: string | undefined): PartnerPersona {
  return PARTNER_PERSONAS.find((persona) => persona.id === id) ?? PARTNER_PERSONAS[0]!;
}

export function audienceTypeOrDefault(id: string | undefined): AudienceType {
  return AUDIENCE_TYPES.find((type) => type.id === id) ?? AUDIENCE_TYPES[0]!;
}

/** A reaction's sentiment as this room feels it, in [-1, 1]. */
export function roomSentiment(type: AudienceType, sentiment: number): number {
  const swung = sentiment >= 0 ? sentiment * type.warmGain : sentiment * type.coolGain;
  return Math.max(-1, Math.min(1, swung + type.bias));
}
