// The bench's view of Firestore writes: the relay's local emulator (scripts/firestore-emulator.ts) appends one
// journal line per changed document (its path and update time) to FIRESTORE_DATA_DIR/journal.ndjson. Reading
// that file as it grows gives writes per document per second without touching the relay. Caveats: changes to
// one document inside one emulator tick are journaled once (so bursts within a tick count as one write), and a
// compaction (every 20,000 lines) empties the file, losing at most the lines written since the last poll.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

const JOURNAL_FILE = 'journal.ndjson';
const READ_CHUNK_BYTES = 1 << 20;

export interface DocumentWriteRate {
  /** Highest number of writes one document took within one wall-clock second (by its update time). */
  maxWritesPerDocumentPerSecond: number;
  /** That document's path with ids replaced by `*` (e.g. `sessions/*\/turns/*`). */
  busiestDocumentKind: string | null;
  documentWrites: number;
  documents: number;
}

/** `sessions/abc/turns/7` → `sessions/*\/turns/*`: which kind of document is written hardest. */
export function documentKind(path: string): string {
  return path
    .replace(/^projects\/[^/]+\/databases\/[^/]+\/documents\//, '')
    .split('/')
    .map((part, index) => (index % 2 === 1 ? '*' : part))
    .join('/');
}

export class JournalWriteCounter {
  private offset = 0;
  private carry = '';
  /** path → (second → writes). */
  private readonly perSecond = new Map<string, Map<number, number>>();
  private writes = 0;

  constructor(private readonly dataDir: string) {}

  /** Reads what the journal gained since the last poll (call about once a second). */
  poll(): void {
    const path = join(this.dataDir, JOURNAL_FILE);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return;
    }
    if (size < this.offset) {
      // Compacted into a snapshot: the file starts over.
      this.offset = 0;
      this.carry = '';
    }
    if (size === this.offset) return;
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(READ_CHUNK_BYTES);
      while (this.offset < size) {
        const read = readSync(fd, buffer, 0, Math.min(READ_CHUNK_BYTES, size - this.offset), this.offset);
        if (read <= 0) break;
        this.offset += read;
        this.consume(buffer.subarray(0, read).toString('utf8'));
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Forgets what was counted (the warm-up), keeping the read position. */
  reset(): void {
    this.perSecond.clear();
    this.writes = 0;
  }

  summary(): DocumentWriteRate {
    let max = 0;
    let busiest: string | null = null;
    for (const [path, seconds] of this.perSecond) {
      for (const count of seconds.values()) {
        if (count > max) {
          max = count;
          busiest = path;
        }
      }
    }
    return {
      maxWritesPerDocumentPerSecond: max,
      busiestDocumentKind: busiest === null ? null : documentKind(busiest),
      documentWrites: this.writes,
      documents: this.perSecond.size,
    };
  }

  private consume(text: string): void {
    const lines = (this.carry + text).split('\n');
    this.carry = lines.pop() ?? '';
    for (const line of lines) {
      // Only the path and update time matter; the encoded document is skipped without parsing it.
      const path = /"path":"([^"]+)"/.exec(line)?.[1];
      const updateTimeMs = Number(/"updateTimeMs":(\d+)/.exec(line)?.[1]);
      if (!path || !Number.isFinite(updateTimeMs)) continue;
      const second = Math.floor(updateTimeMs / 1000);
      const seconds = this.perSecond.get(path) ?? new Map<number, number>();
      seconds.set(second, (seconds.get(second) ?? 0) + 1);
      this.perSecond.set(path, seconds);
      this.writes++;
    }
  }
}
