import { describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import { DEFAULT_GAME_ID, GAMES } from '../../shared/games.js';
import { SceneController } from '../session/scene-controller.js';
import { FakeMic, FakePlayer, FakeTransport } from '../session/scene-fakes.js';
import { createSceneSetup } from '../stage/scene-setup.js';
import { createAppStores } from '../store/stores.js';
import { type ChoiceStorage, createGameChoice, GAME_CHOICE_STORAGE_KEY } from './game-choice.js';

class MemoryStorage implements ChoiceStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

const THROWING: ChoiceStorage = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
};

const otherGame = GAMES.find((game) => game.id !== DEFAULT_GAME_ID)!;

describe('game choice', () => {
  it('starts on the default game with nothing stored', () => {
    expect(createGameChoice(new MemoryStorage()).current()).toBe(DEFAULT_GAME_ID);
    expect(createGameChoice(null).current()).toBe(DEFAULT_GAME_ID);
  });

  it('remembers the last choice for the next visit', () => {
    const storage = new MemoryStorage();
    createGameChoice(storage).choose(otherGame.id);
    expect(storage.items.get(GAME_CHOICE_STORAGE_KEY)).toBe(otherGame.id);
    expect(createGameChoice(storage).current()).toBe(otherGame.id);
  });

  it('ignores ids the catalog does not know, stored or chosen', () => {
    const storage = new MemoryStorage();
    storage.setItem(GAME_CHOICE_STORAGE_KEY, 'retired-game');
    const choice = createGameChoice(storage);
    expect(choice.current()).toBe(DEFAULT_GAME_ID);
    choice.choose('not-a-game');
    expect(choice.current()).toBe(DEFAULT_GAME_ID);
    expect(storage.items.get(GAME_CHOICE_STORAGE_KEY)).toBe('retired-game');
  });

  it('still plays the chosen game when storage throws', () => {
    const choice = createGameChoice(THROWING);
    expect(choice.current()).toBe(DEFAULT_GAME_ID);
    choice.choose(otherGame.id);
    expect(choice.current()).toBe(otherGame.id);
    expect(choice.store.getState().gameId).toBe(otherGame.id);
  });
});

describe('the scene setup in hello', () => {
  it('sends the game, suggestion and voice chosen after the controller was built', async () => {
    const choice = createGameChoice(new MemoryStorage());
    const setup = createSceneSetup({ storage: new MemoryStorage(), gameChoice: choice });
    const transport = new FakeTransport();
    const controller = new SceneController({
      stores: createAppStores(),
      createTransport: () => transport,
      createPlayer: async (events) => new FakePlayer(events),
      startMic: async (events) => new FakeMic(events),
      sceneSetup: () => setup.getSceneSetup(),
    });
    choice.choose(otherGame.id);
    setup.setPartnerVoice('Kore');
    const started = controller.start();
    await vi.waitFor(() => expect(transport.sentTypes()).toContain('hello'));
    const { suggestion } = setup.getSceneSetup();
    expect(suggestion.location.length).toBeGreaterThan(0);
    expect(transport.sent[0]).toEqual({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      game: otherGame.id,
      suggestion,
      partnerVoice: 'Kore',
      persona: 'supporter',
      audience: 'mixed',
    });
    await controller.end();
    await started;
    setup.dispose();
  });
});
