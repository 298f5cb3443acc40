// The stores and the scene controller, handed to components without prop drilling.
import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { GameChoice } from '../app/game-choice.js';
import type { AppNavigator } from '../app/navigator.js';
import type { SceneController } from '../session/scene-controller.js';
import type { AppStores } from '../store/stores.js';

export interface AppServices {
  stores: AppStores;
  controller: SceneController;
  /** The game the next scene plays (sent as hello.game). */
  gameChoice: GameChoice;
  /** Client-side page navigation (History API). */
  navigator: AppNavigator;
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
