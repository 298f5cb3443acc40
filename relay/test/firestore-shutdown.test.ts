// SIGTERM drain: a relay process with acknowledged but unwritten turns gets SIGTERM (as Cloud Run sends before
// SIGKILL 10 s later) and must write them all before it exits.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FirestoreEmulator, startFirestoreEmulator } from '../../scripts/firestore-emulator.js';
import { createFirestore } from '../store/firestore.js';
import { FirestoreSessionStore } from '../store/firestore-session-store.js';

delete process.env.FIRESTORE_EMULATOR_HOST;

const CHILD = fileURLToPath(new URL('./fixtures/store-shutdown-child.ts', import.meta.url));
let emulator: FirestoreEmulator;

beforeAll(async () => {
  emulator = await startFirestoreEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

describe('shutdown drain', () => {
  it('persists every acknowledged turn when the process gets SIGTERM', async () => {
    const turns = 40;
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, emulator.host, String(turns)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const acknowledged = await new Promise<{ sessionId: string; turns: number; backlog: number }>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const newline = stdout.indexOf('\n');
        if (newline >= 0) resolve(JSON.parse(stdout.slice(0, newline)));
      });
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    // Nothing written yet: everything sits in the queue.
    expect(acknowledged.backlog).toBe(turns + 1);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const db = createFirestore({ emulatorHost: emulator.host, projectId: 'shutdown-test' });
    const reader = new FirestoreSessionStore(db);
    try {
      const stored = await reader.getTurns(acknowledged.sessionId);
      expect(stored.map((turn) => turn.seq)).toEqual(Array.from({ length: turns }, (_, seq) => seq));
      const session = await reader.getSession(acknowledged.sessionId);
      expect(session?.turnCount).toBe(turns);
      expect(session?.status).toBe('abandoned');
    } finally {
      await reader.close(1_000);
      await db.terminate();
    }
  }, 30_000);
});
