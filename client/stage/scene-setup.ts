// What the next scene is set up with: the game (from the game choice), the audience's suggestion (drawn
// locally from that game's lists, re-rollable as a whole or per field) and the partner's voice. Remembered in
// localStorage; read once per scene by getSceneSetup() when the hello is sent.
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  AudienceTypeId,
  DEFAULT_AUDIENCE_ID,
  DEFAULT_PERSONA_ID,
  PartnerPersonaId,
  personaOrDefault,
} from '../../shared/cast.js';
import { DEFAULT_PARTNER_VOICE, GAMES, gameOrDefault, LiveVoiceName } from '../../shared/games.js';
import {
  drawSuggestion,
  isCatalogSuggestion,
  randomSeed,
  rerollSuggestion,
  Suggestion,
  type SuggestionField,
} from '../../shared/stage.js';
import type { ChoiceStorage, GameChoice } from '../app/game-choice.js';

export const SCENE_SETUP_STORAGE_KEY = 'iol.setup';

export interface SceneSetupValue {
  /** Sent as hello.game. */
  game: string;
  suggestion: Suggestion;
  partnerVoice: LiveVoiceName;
  persona: PartnerPersonaId;
  audience: AudienceTypeId;
}

export interface SceneSetupState {
  gameId: string;
  suggestion: Suggestion;
  partnerVoice: LiveVoiceName;
  /** Who the partner plays; choosing one also picks its default voice. */
  persona: PartnerPersonaId;
  /** Who sits in the room. */
  audience: AudienceTypeId;
}

export interface SceneSetup {
  store: StoreApi<SceneSetupState>;
  /** A new suggestion; with `field`, only that part changes. */
  reroll(field?: SuggestionField): void;
  setPartnerVoice(voice: string): void;
  /** The partner's persona, and its default voice with it (the voice can still be changed after). */
  setPersona(persona: string): void;
  setAudience(audience: string): void;
  /** Picks a random game other than the current one (the picker's "Surprise me"); returns its id. */
  surprise(): string;
  /** What the next hello carries: `{ ...hello, ...getSceneSetup() }`. */
  getSceneSetup(): SceneSetupValue;
  dispose(): void;
}

export interface SceneSetupOptions {
  storage: ChoiceStorage | null;
  gameChoice: GameChoice;
  /** [0, 1); Math.random by default. Tests pass a fixed sequence. */
  random?: () => number;
}

interface Stored {
  suggestion?: unknown;
  partnerVoice?: unknown;
  persona?: unknown;
  audience?: unknown;
}

function readStored(storage: ChoiceStorage | null): Stored {
  try {
    const raw = storage?.getItem(SCENE_SETUP_STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return parsed && typeof parsed === 'object' ? (parsed as Stored) : {};
  } catch {
    // Unreadable or blocked storage: a fresh setup is a fine answer.
    return {};
  }
}

/** The stored suggestion if it still belongs to this game's lists, else a fresh draw. */
function suggestionFor(gameId: string, stored: unknown, seed: () => number): Suggestion {
  const game = gameOrDefault(gameId);
  const parsed = Suggestion.safeParse(stored);
  if (parsed.success && isCatalogSuggestion(game, parsed.data)) return parsed.data;
  return drawSuggestion(game, seed());
}

export function createSceneSetup(options: SceneSetupOptions): SceneSetup {
  const random = options.random ?? Math.random;
  const seed = () => (options.random ? Math.floor(random() * 0x1_0000_0000) : randomSeed());
  const stored = readStored(options.storage);
  const voice = LiveVoiceName.safeParse(stored.partnerVoice);
  const gameId = options.gameChoice.current();
  const store = createStore<SceneSetupState>(() => ({
    gameId,
    suggestion: suggestionFor(gameId, stored.suggestion, seed),
    partnerVoice: voice.success ? voice.data : DEFAULT_PARTNER_VOICE,
    persona: PartnerPersonaId.safeParse(stored.persona).data ?? DEFAULT_PERSONA_ID,
    audience: AudienceTypeId.safeParse(stored.audience).data ?? DEFAULT_AUDIENCE_ID,
  }));

  const persist = () => {
    const { suggestion, partnerVoice, persona, audience } = store.getState();
    try {
      options.storage?.setItem(
        SCENE_SETUP_STORAGE_KEY,
        JSON.stringify({ suggestion, partnerVoice, persona, audience }),
      );
    } catch {
      // Not remembered across visits; this visit still uses it.
    }
  };

  // Remembered from the first draw on, so a reload shows the same suggestion.
  persist();

  // Each game has its own lists: a new game gets a suggestion drawn from them (same seed, so it is stable).
  const unsubscribe = options.gameChoice.store.subscribe(({ gameId: next }) => {
    const state = store.getState();
    if (next === state.gameId) return;
    store.setState({ gameId: next, suggestion: drawSuggestion(gameOrDefault(next), state.suggestion.seed) });
    persist();
  });

  return {
    store,
    reroll(field) {
      const state = store.getState();
      store.setState({ suggestion: rerollSuggestion(gameOrDefault(state.gameId), state.suggestion, field) });
      persist();
    },
    setPartnerVoice(name) {
      const parsed = LiveVoiceName.safeParse(name);
      if (!parsed.success) return;
      store.setState({ partnerVoice: parsed.data });
      persist();
    },
    setPersona(id) {
      const parsed = PartnerPersonaId.safeParse(id);
      if (!parsed.success) return;
      store.setState({ persona: parsed.data, partnerVoice: personaOrDefault(parsed.data).defaultVoice });
      persist();
    },
    setAudience(id) {
      const parsed = AudienceTypeId.safeParse(id);
      if (!parsed.success) return;
      store.setState({ audience: parsed.data });
      persist();
    },
    surprise() {
      const others = GAMES.filter((game) => game.id !== store.getState().gameId);
      const pick = others[Math.floor(random() * others.length)] ?? GAMES[0]!;
      options.gameChoice.choose(pick.id);
      return pick.id;
    },
    getSceneSetup() {
      const { gameId: game, suggestion, partnerVoice, persona, audience } = store.getState();
      return { game, suggestion, partnerVoice, persona, audience };
    },
    dispose: unsubscribe,
  };
}
