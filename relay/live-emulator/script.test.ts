import { afterAll, describe, expect, it } from 'vitest';
import { GAMES } from '../../shared/games.js';
import { createSeededRandom, gameIdFromInstruction, IMPROV_LINES, pickImprovLine, pickSceneLine } from './script.js';
import { type LiveEmulator, startLiveEmulator } from './server.js';
import { connectTestClient, isTurnComplete, sendPlayerTurn, TEST_CONFIG } from './test-client.js';

describe('scripted improv lines', () => {
  it('has 20+ distinct "yes, and" style lines', () => {
    expect(IMPROV_LINES.length).toBeGreaterThanOrEqual(20);
    expect(new Set(IMPROV_LINES).size).toBe(IMPROV_LINES.length);
  });

  it('picks the same line for the same seed and turn, and reaches every line', () => {
    const sequence = (seed: number) => Array.from({ length: 12 }, (_, turn) => pickImprovLine(seed, turn));
    expect(sequence(1)).toEqual(sequence(1));
    expect(sequence(1)).not.toEqual(sequence(2));
    const seen = new Set(Array.from({ length: 500 }, (_, turn) => pickImprovLine(9, turn)));
    expect(seen.size).toBe(IMPROV_LINES.length);
  });

  it('seeded PRNG is deterministic and uniform-ish in [0, 1)', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
});

describe('seed determinism through the SDK', () => {
  const emulators: LiveEmulator[] = [];
  afterAll(() => Promise.all(emulators.map((emulator) => emulator.close())));

  async function transcripts(seed: number, turns: number): Promise<string[]> {
    const emulator = await startLiveEmulator({ seed, thinkMs: 0, realtime: false, warmVoices: [] });
    emulators.push(emulator);
    const client = await connectTestClient(emulator.url);
    const result: string[] = [];
    for (let turn = 0; turn < turns; turn++) {
      const from = client.messages.length;
      sendPlayerTurn(client.session, 200);
      await client.waitFor((message) => isTurnComplete(message) && client.messages.indexOf(message) >= from);
      result.push(
        client.messages
          .slice(from)
          .map((message) => message.serverContent?.outputTranscription?.text ?? '')
          .join(''),
      );
    }
    client.session.close();
    return result;
  }

  it('two emulators with the same seed say the same lines in the same order', async () => {
    const first = await transcripts(5, 3);
    const second = await transcripts(5, 3);
    expect(first).toEqual(second);
    // The test client's instruction names no game: the general lines, in the scene's shuffled order.
    expect(first).toEqual([0, 1, 2].map((turn) => pickSceneLine(5, turn, String(TEST_CONFIG.systemInstruction))));
  });
});

describe('scene lines per game', () => {
  const instruction = (gameId: string, premise: string) => {
    const game = GAMES.find((entry) => entry.id === gameId)!;
    return `You are the player's scene partner. The game is "${game.name}": ${game.pitch}\nPremise: ${premise}`;
  };

  it('follows the game’s rule: every Questions Only line is a question, every 185 line a 185 pun', () => {
    for (let turn = 0; turn < 15; turn++) {
      expect(pickSceneLine(1, turn, instruction('questions-only', 'a'))).toMatch(/\?$/);
      expect(pickSceneLine(1, turn, instruction('185', 'a'))).toMatch(/^185 .+ walk into a bar/);
    }
  });

  it('never repeats a line within a scene, and each scene draws its own order', () => {
    for (const gameId of ['yes-and', 'questions-only', '185', 'party-quirks', 'worlds-worst-advice']) {
      const scene = Array.from({ length: 15 }, (_, turn) => pickSceneLine(1, turn, instruction(gameId, 'the DMV')));
      expect(new Set(scene).size).toBe(15);
      const other = Array.from({ length: 15 }, (_, turn) =>
        pickSceneLine(1, turn, instruction(gameId, 'a lighthouse')),
      );
      expect(other).not.toEqual(scene);
      expect(Array.from({ length: 15 }, (_, turn) => pickSceneLine(1, turn, instruction(gameId, 'the DMV')))).toEqual(
        scene,
      );
    }
    expect(gameIdFromInstruction(instruction('185', 'x'))).toBe('185');
    expect(gameIdFromInstruction(undefined)).toBeNull();
  });
});
