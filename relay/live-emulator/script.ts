// The emulator's scene partner: scripted "Yes, and…" lines picked by a seeded PRNG, so a test with a
// given seed hears the same lines in the same order on every run.
import { GAMES } from '../../shared/games.js';
import { hash32, mulberry32 } from '../../shared/stage.js';
import { GAME_LINES } from './game-lines.js';

export const IMPROV_LINES: readonly string[] = [
  'Yes, and the dragon in the basement is finally paying rent.',
  'Yes, and I brought the emergency accordion, just in case.',
  'Absolutely, and my grandmother taught me that move at the circus.',
  'Yes, and if we hurry we can still catch the last submarine to Ohio.',
  'Oh, I love that. And the mayor said we could keep the penguin.',
  'Yes, and I already told the bakery we would need forty wedding cakes.',
  'Right, and that is exactly why I quit my job as a lighthouse keeper.',
  'Yes, and the robot says it is ready to apologize to the toaster.',
  'Of course, and I hid the treasure map inside the lasagna.',
  'Yes, and the moon just texted me. It says it is running late.',
  'Perfect, and I have been practicing my victory dance all week.',
  'Yes, and this time the pirates promised to bring snacks.',
  'Definitely, and my horse can read now, which changes everything.',
  'Yes, and the wizard said the spell only works if we sing.',
  'Wonderful, and I think the haunted piano wants to join the band.',
  'Yes, and we should tell the astronauts before they land in the pool.',
  'Totally, and I found your lucky socks in the time machine.',
  'Yes, and the museum will let us borrow the dinosaur for the weekend.',
  'Exactly, and the queen is on her way with the giant sandwich.',
  'Yes, and if the volcano sneezes again, we are all taking a vacation.',
  'Agreed, and I already taught the parrot our secret handshake.',
  'Yes, and the ghost in the attic says the rent is too high.',
  'Sure, and the cactus is my business partner now, so be polite.',
  'Yes, and let us open the mystery box before the llamas arrive.',
];

/** mulberry32 (the project's one seeded PRNG): shuffles scripted lines deterministically. */
export const createSeededRandom = mulberry32;

/**
 * Picks the line for a turn from (seed, turn index) alone, so a resumed session continues the same
 * sequence and concurrent connections with the same seed hear the same script.
 */
export function pickImprovLine(seed: number, turnIndex: number): string {
  // Mixing the turn index into the seed keeps picks independent of how many turns came before on
  // other connections.
  const random = createSeededRandom((seed ^ Math.imul(turnIndex + 1, 0x9e3779b1)) >>> 0);
  random();
  return IMPROV_LINES[Math.floor(random() * IMPROV_LINES.length)]!;
}

/** The game a partner instruction names (`The game is "Questions Only"`), or null. */
export function gameIdFromInstruction(systemInstruction: string | undefined): string | null {
  const name = /The game is "([^"]+)"/.exec(systemInstruction ?? '')?.[1];
  return GAMES.find((game) => game.name === name)?.id ?? null;
}

/**
 * The scene's line for turn `turnIndex`: the game's own list (or the general one), shuffled once per scene (the
 * scene's instruction holds its suggestion, so each scene draws its own order) and walked in order, so no line
 * repeats within a scene until the list is used up. Deterministic for (seed, instruction, turn).
 */
export function pickSceneLine(seed: number, turnIndex: number, systemInstruction: string | undefined): string {
  const gameId = gameIdFromInstruction(systemInstruction);
  const lines = (gameId ? GAME_LINES[gameId] : undefined) ?? IMPROV_LINES;
  const order = shuffledOrder(lines.length, (seed ^ hash32(systemInstruction ?? '')) >>> 0);
  return lines[order[turnIndex % lines.length]!]!;
}

function shuffledOrder(length: number, seed: number): number[] {
  const random = mulberry32(seed);
  const order = Array.from({ length }, (_, index) => index);
  for (let index = length - 1; index > 0; index--) {
    const swap = Math.floor(random() * (index + 1));
    [order[index], order[swap]] = [order[swap]!, order[index]!];
  }
  return order;
}
