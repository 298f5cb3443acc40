// "Crowd sounds": off unless the player turned them on, remembered across visits. A vanilla store so
// the crowd (outside React) and the toggle (inside) share one answer.
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { browserStorage, type ChoiceStorage } from '../app/game-choice.js';

export const AMBIENT_STORAGE_KEY = 'iol.ambient';
const STORED_ON = 'on';
const STORED_OFF = 'off';

export interface AmbientSettingState {
  enabled: boolean;
}

export interface AmbientSetting {
  readonly store: StoreApi<AmbientSettingState>;
  isEnabled(): boolean;
  /** Takes effect at once (the crowd listens synchronously, so a click's user gesture reaches it). */
  setEnabled(enabled: boolean): void;
}

/** Only an explicit "on" turns sound on: anything else, or storage that throws, means off. */
export function readStoredAmbient(storage: ChoiceStorage | null): boolean {
  try {
    return storage?.getItem(AMBIENT_STORAGE_KEY) === STORED_ON;
  } catch {
    return false;
  }
}

export function createAmbientSetting(storage: ChoiceStorage | null): AmbientSetting {
  const store = createStore<AmbientSettingState>(() => ({ enabled: readStoredAmbient(storage) }));
  return {
    store,
    isEnabled: () => store.getState().enabled,
    setEnabled(enabled) {
      if (store.getState().enabled === enabled) return;
      store.setState({ enabled });
      try {
        storage?.setItem(AMBIENT_STORAGE_KEY, enabled ? STORED_ON : STORED_OFF);
      } catch {
        // Not remembered across visits; this visit still honours the choice.
      }
    },
  };
}

let appSetting: AmbientSetting | null = null;

/** The page's one setting, on localStorage; the toggle and the crowd both read this one. */
export function ambientSetting(): AmbientSetting {
  appSetting ??= createAmbientSetting(browserStorage());
  return appSetting;
}

/** [enabled, setEnabled] for a component. */
export function useAmbientSetting(
  setting: AmbientSetting = ambientSetting(),
): readonly [boolean, (enabled: boolean) => void] {
  const enabled = useStore(setting.store, (state) => state.enabled);
  return [enabled, setting.setEnabled] as const;
}
