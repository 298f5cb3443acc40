import { useSyncExternalStore } from 'react';
import { useServices } from '../ui/app-context.js';
import type { NavigationSnapshot } from './navigator.js';

/** The current path and how we got to it; re-renders on every navigation. */
export function useNavigation(): NavigationSnapshot {
  const { navigator } = useServices();
  return useSyncExternalStore(navigator.subscribe, navigator.getSnapshot);
}
