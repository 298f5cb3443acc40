import { describe, expect, it } from 'vitest';
import type { ChoiceStorage } from '../app/game-choice.js';
import { AMBIENT_STORAGE_KEY, createAmbientSetting, readStoredAmbient } from './ambient-setting.js';

function memoryStorage(initial: Record<string, string> = {}): ChoiceStorage & { items: Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, value);
    },
  };
}

const throwingStorage: ChoiceStorage = {
  getItem: () => {
    throw new Error('SecurityError: storage is disabled');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
};

describe('crowd sounds setting', () => {
  it('is off by default: no storage, an empty one, or anything but "on"', () => {
    expect(createAmbientSetting(null).isEnabled()).toBe(false);
    expect(createAmbientSetting(memoryStorage()).isEnabled()).toBe(false);
    expect(readStoredAmbient(memoryStorage({ [AMBIENT_STORAGE_KEY]: 'off' }))).toBe(false);
    expect(readStoredAmbient(memoryStorage({ [AMBIENT_STORAGE_KEY]: 'true' }))).toBe(false);
    expect(readStoredAmbient(throwingStorage)).toBe(false);
  });

  it('remembers the choice under iol.ambient and reads it back next visit', () => {
    const storage = memoryStorage();
    const setting = createAmbientSetting(storage);
    setting.setEnabled(true);
    expect(setting.isEnabled()).toBe(true);
    expect(storage.items.get('iol.ambient')).toBe('on');
    expect(createAmbientSetting(storage).isEnabled()).toBe(true);
    setting.setEnabled(false);
    expect(storage.items.get('iol.ambient')).toBe('off');
    expect(createAmbientSetting(storage).isEnabled()).toBe(false);
  });

  it('tells listeners at once, and only on a change', () => {
    const setting = createAmbientSetting(memoryStorage());
    const heard: boolean[] = [];
    setting.store.subscribe((state) => heard.push(state.enabled));
    setting.setEnabled(true);
    expect(heard).toEqual([true]);
    setting.setEnabled(true);
    setting.setEnabled(false);
    expect(heard).toEqual([true, false]);
  });

  it('still works for this visit when storage refuses', () => {
    const setting = createAmbientSetting(throwingStorage);
    expect(() => setting.setEnabled(true)).not.toThrow();
    expect(setting.isEnabled()).toBe(true);
  });
});
