import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { documentKind, JournalWriteCounter } from './firestore-writes.js';

const line = (path: string, updateTimeMs: number) => `${JSON.stringify({ path, updateTimeMs, documentB64: 'AAAA' })}\n`;

describe('JournalWriteCounter', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const journalDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'iol-journal-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'journal.ndjson'), '');
    return dir;
  };

  it('finds the busiest document-second across polls, a torn line and a compaction', () => {
    const dir = journalDir();
    const file = join(dir, 'journal.ndjson');
    const counter = new JournalWriteCounter(dir);
    appendFileSync(file, line('sessions/a/turns/1', 10_000) + line('sessions/a/turns/1', 10_400));
    // A line cut mid-write is completed by the next poll.
    const torn = line('sessions/a/turns/1', 10_900);
    appendFileSync(file, torn.slice(0, 20));
    counter.poll();
    appendFileSync(file, torn.slice(20) + line('sessions/a', 10_100) + line('sessions/a/turns/1', 11_000));
    counter.poll();
    expect(counter.summary()).toEqual({
      maxWritesPerDocumentPerSecond: 3,
      busiestDocumentKind: 'sessions/*/turns/*',
      documentWrites: 5,
      documents: 2,
    });
    // Compaction empties the file; counting goes on from its start.
    writeFileSync(file, line('sessions/b', 20_000));
    counter.poll();
    expect(counter.summary().documentWrites).toBe(6);
    counter.reset();
    expect(counter.summary().maxWritesPerDocumentPerSecond).toBe(0);
  });

  it('names the document kind with ids masked', () => {
    expect(documentKind('sessions/s1/turns/4')).toBe('sessions/*/turns/*');
    expect(documentKind('players/p9')).toBe('players/*');
    expect(documentKind('projects/demo/databases/(default)/documents/sessions/s1')).toBe('sessions/*');
  });
});
