// How long a Firestore commit takes right now, measured against the emulator the relay writes to: the term of
// the hard-kill bound (docs/faults.md) that depends on the store and the machine's load, not on our code. The
// probe commits a turn-sized write, as the relay's write queue does, into a project of its own.
import { createFirestore } from '../relay/store/firestore.js';

export interface CommitSample {
  /** When the commit was sent (Date.now()). */
  startedAtMs: number;
  durationMs: number;
}

/** Between probes: often enough to see a slow spell, rare enough not to be one. */
const PROBE_EVERY_MS = 100;

export class CommitProbe {
  readonly samples: CommitSample[] = [];
  private stopped = false;
  private readonly db;
  private readonly running: Promise<unknown>;

  constructor(emulatorHost: string) {
    this.db = createFirestore({ projectId: 'e2e-commit-probe', emulatorHost });
    // A failed commit ends the probe; stop() reports it (the measure would be meaningless without it).
    this.running = this.loop().catch((error: unknown) => error);
  }

  /** The slowest commit sent in [fromMs, toMs]; 0 when none was. */
  slowestMs(fromMs: number, toMs: number): number {
    const inRange = this.samples.filter((s) => s.startedAtMs >= fromMs && s.startedAtMs <= toMs);
    return Math.max(0, ...inRange.map((s) => s.durationMs));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const error = await this.running;
    await this.db.terminate();
    if (error) throw error;
  }

  private async loop(): Promise<void> {
    for (let i = 0; !this.stopped; i++) {
      const batch = this.db.batch();
      batch.set(this.db.doc(`sessions/probe/turns/${i % 8}`), { seq: i, text: 'x'.repeat(200), at: new Date() });
      batch.set(this.db.doc('sessions/probe'), { turnCount: i + 1 }, { merge: true });
      const startedAtMs = Date.now();
      const sentAtMs = performance.now();
      await batch.commit();
      this.samples.push({ startedAtMs, durationMs: performance.now() - sentAtMs });
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
  }
}
