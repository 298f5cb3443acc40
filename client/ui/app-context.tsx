// The stores and the scene controller, handed to components without prop drilling.
import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { GameChoice } from '../app/game-choice.js';
import { browserStorage } from '../app/game-choice.js';
import type { AppNavigator } from '../app/navigator.js';
import type { SceneController } from '../session/scene-controller.js';
import { createSceneSetup, type SceneSetup } from '../stage/scene-setup.js';
import { createStageStore, type StageState, type StageStore } from '../store/stage-store.js';
import type { AppStores } from '../store/stores.js';

export interface AppServices {
  stores: AppStores;
  controller: SceneController;
  /** The game the next scene plays (sent as hello.game). */
  gameChoice: GameChoice;
  /** Client-side page navigation (History API). */
  navigator: AppNavigator;
  /** The stage as the relay reports it (scene.state, audience, coach). Optional until main.tsx passes it. */
  stage?: StageStore;
  /** The next scene's suggestion and partner voice. Optional until main.tsx passes it. */
  sceneSetup?: SceneSetup;
}

const AppContext = createContext<AppServices | null>(null);

export function AppProvider({ services, children }: { services: AppServices; children: ReactNode }) {
  return <AppContext.Provider value={services}>{children}</AppContext.Provider>;
}

export function useServices(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useServices needs an <AppProvider>');
  return services;
}

type StateOf<K extends keyof AppStores> = ReturnType<AppStores[K]['getState']>;

/** Subscribes a component to one slice of one store. */
export function useAppStore<K extends keyof AppStores, T>(key: K, selector: (state: StateOf<K>) => T): T {
  const { stores } = useServices();
  // Each key maps to its own store; TypeScript cannot correlate the indexed access by itself.
  return useStore(stores[key] as unknown as StoreApi<StateOf<K>>, selector);
}

// Until main.tsx hands over the app's own instances, the stage works with stand-ins: one empty stage store and
// one scene setup per game choice (so every component sees the same one).
let fallbackStage: StageStore | null = null;
const fallbackSetups = new WeakMap<GameChoice, SceneSetup>();

export function useStageStore(): StageStore {
  const { stage } = useServices();
  if (stage) return stage;
  fallbackStage ??= createStageStore();
  return fallbackStage;
}

/** Subscribes a component to one slice of the stage store. */
export function useStage<T>(selector: (state: StageState) => T): T {
  return useStore(useStageStore(), selector);
}

export function useSceneSetup(): SceneSetup {
  const { sceneSetup, gameChoice } = useServices();
  if (sceneSetup) return sceneSetup;
  let setup = fallbackSetups.get(gameChoice);
  if (!setup) {
    setup = createSceneSetup({ storage: browserStorage(), gameChoice });
    fallbackSetups.set(gameChoice, setup);
  }
  return setup;
}
