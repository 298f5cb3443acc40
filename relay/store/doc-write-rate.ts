// How hard the relay writes any one Firestore document: the most commits that touched one document within a
// sliding second, over the store's life (and since the last reset). Firestore sustains about one write per second
// per document; the bench prints this figure (FirestoreSessionStore.maxWritesPerDocPerSecond).

export const WRITE_RATE_WINDOW_MS = 1_000;

export class DocWriteRate {
  /** Commit times (ms) of each document written within the last window, oldest first. */
  private readonly recent = new Map<string, number[]>();
  private maxInWindow = 0;
  private sweptAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly windowMs = WRITE_RATE_WINDOW_MS) {}

  /** The most writes one document got within any window so far. */
  get maxWritesPerWindow(): number {
    return this.maxInWindow;
  }

  /** Writes per second at that peak (the window is one second unless a test says otherwise). */
  get maxWritesPerSecond(): number {
    return (this.maxInWindow * 1_000) / this.windowMs;
  }

  /** One commit that wrote `docPaths`, at `atMs`. */
  record(docPaths: Iterable<string>, atMs: number): void {
    for (const path of docPaths) {
      let times = this.recent.get(path);
      if (!times) {
        times = [];
        this.recent.set(path, times);
      }
      // Half-open window (atMs - windowMs, atMs]: writes exactly a window apart are not in one window.
      while (times.length > 0 && times[0]! <= atMs - this.windowMs) times.shift();
      times.push(atMs);
      if (times.length > this.maxInWindow) this.maxInWindow = times.length;
    }
    // Documents nobody wrote for a window hold nothing: forget them now and then, so memory follows live scenes.
    if (atMs - this.sweptAtMs >= this.windowMs) {
      this.sweptAtMs = atMs;
      for (const [path, times] of this.recent) {
        if (times.at(-1)! <= atMs - this.windowMs) this.recent.delete(path);
      }
    }
  }

  reset(): void {
    this.recent.clear();
    this.maxInWindow = 0;
  }
}
