// A tiny History-API router: the current path as an external store that React reads with
// useSyncExternalStore. pushState for links, popstate for back/forward; the relay serves index.html for
// every app path, so a deep link or a reload lands on the same page.

/** The slice of `window` the navigator needs; tests pass a small stand-in. */
export interface NavigatorWindow {
  location: { pathname: string; search: string; hash: string };
  history: { pushState(data: unknown, unused: string, url: string): void };
  addEventListener(type: 'popstate', listener: () => void): void;
  removeEventListener(type: 'popstate', listener: () => void): void;
  scrollTo?(x: number, y: number): void;
}

export type NavigationKind = 'initial' | 'push' | 'pop';

export interface NavigationSnapshot {
  pathname: string;
  /** How we got here: the first page load never moves focus; a push or a pop does. */
  kind: NavigationKind;
  /** Grows by one on every navigation, so navigating to the same path still counts. */
  count: number;
}

export class AppNavigator {
  readonly #window: NavigatorWindow;
  readonly #listeners = new Set<() => void>();
  #snapshot: NavigationSnapshot;

  constructor(win: NavigatorWindow) {
    this.#window = win;
    this.#snapshot = { pathname: win.location.pathname, kind: 'initial', count: 0 };
    win.addEventListener('popstate', this.#onPopState);
  }

  /** Stable between changes, as useSyncExternalStore requires. */
  readonly getSnapshot = (): NavigationSnapshot => this.#snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Goes to an in-app path (e.g. "/history"); query and hash are kept in the URL. */
  navigate(href: string): void {
    const current = this.#window.location;
    if (href === `${current.pathname}${current.search}${current.hash}`) return;
    this.#window.history.pushState(null, '', href);
    // A new page starts at its top, as a full page load would.
    this.#window.scrollTo?.(0, 0);
    this.#update('push');
  }

  dispose(): void {
    this.#window.removeEventListener('popstate', this.#onPopState);
    this.#listeners.clear();
  }

  readonly #onPopState = (): void => this.#update('pop');

  #update(kind: NavigationKind): void {
    this.#snapshot = { pathname: this.#window.location.pathname, kind, count: this.#snapshot.count + 1 };
    for (const listener of this.#listeners) listener();
  }
}
