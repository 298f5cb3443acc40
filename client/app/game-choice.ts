// The game the next scene plays, remembered across visits. The stage starts with the default game in one
// click; a player who picks another gets it again next time.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_GAME_ID, findGame } from '../../shared/games.js';

export const GAME_CHOICE_STORAGE_KEY = 'iol.game';

/** localStorage, or a stand-in; getItem/setItem may throw (private mode, storage disabled, quota). */
export type ChoiceStorage = Pick<Storage, 'getItem' | 'setItem'>;

export interface GameChoiceState {
  gameId: string;
}

export interface GameChoice {
  store: StoreApi<GameChoiceState>;
  /** Picks a game; an id the catalog does not know is ignored. */
  choose(gameId: string): void;
  /** The id sent in hello.game. */
  current(): string;
}

/** The remembered game if it is still in the catalog, else the default. */
export function readStoredGameId(storage: ChoiceStorage | null): string {
  let stored: string | null = null;
  try {
    stored = storage?.getItem(GAME_CHOICE_STORAGE_KEY) ?? null;
  } catch {
    // Storage refused (blocked cookies, sandboxed frame): the default game is a fine answer.
  }
  return findGame(stored ?? undefined)?.id ?? DEFAULT_GAME_ID;
}

export function createGameChoice(storage: ChoiceStorage | null): GameChoice {
  const store = createStore<GameChoiceState>(() => ({ gameId: readStoredGameId(storage) }));
  return {
    store,
    choose(gameId) {
      if (!findGame(gameId)) return;
      store.setState({ gameId });
      try {
        storage?.setItem(GAME_CHOICE_STORAGE_KEY, gameId);
      } catch {
        // Not remembered across visits, but this visit still plays the chosen game.
      }
    },
    current: () => store.getState().gameId,
  };
}

/** window.localStorage if the browser lets us touch it (reading the property itself can throw). */
export function browserStorage(): ChoiceStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
