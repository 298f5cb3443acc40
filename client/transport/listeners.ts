// A typed set of listeners: add() hands back the unsubscribe, emit() calls each in the order added.
// Like the DOM's EventTarget, one listener that throws neither stops the others nor reaches the
// emitter (a bug in the UI must not tear down a transport); its error is reported, not swallowed.

export type Listener<Args extends unknown[]> = (...args: Args) => void;

export interface ListenerSetOptions {
  /** Where a listener's error goes; by default the platform's uncaught-error path (see below). */
  onListenerError?: (error: unknown) => void;
}

export class ListenerSet<Args extends unknown[]> {
  // A Set: adding the same function twice registers it once, and a listener removed during
  // emit() before its turn is not called.
  readonly #listeners = new Set<Listener<Args>>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(options: ListenerSetOptions = {}) {
    this.#onListenerError = options.onListenerError ?? reportListenerError;
  }

  get size(): number {
    return this.#listeners.size;
  }

  add(listener: Listener<Args>): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(...args: Args): void {
    for (const listener of this.#listeners) {
      try {
        listener(...args);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}

/**
 * Browsers: reportError (window `error` event + console, as for a throwing event handler).
 * Node 20 has none: rethrow on a microtask, so the error still surfaces as uncaught (and fails a test).
 */
export function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') {
    report(error);
    return;
  }
  queueMicrotask(() => {
    throw error;
  });
}
