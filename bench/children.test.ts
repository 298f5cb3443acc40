import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../relay/metrics/relay-metrics.js';
import {
  childPids,
  killChildren,
  processCommandLine,
  processCpuMs,
  processRssBytes,
  startEmulator,
  startRelayProcess,
} from './children.js';

const lines: string[] = [];
afterAll(() => killChildren(1_000));

describe('bench child processes', () => {
  it('finds a child process and reads its command line, CPU and RSS from /proc', async () => {
    const marker = 'bench-children-test-marker';
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)', marker], { stdio: 'ignore' });
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      const pid = child.pid!;
      expect(childPids(process.pid)).toContain(pid);
      expect(processCommandLine(pid)).toContain(marker);
      expect(processCpuMs(pid)).toBeGreaterThanOrEqual(0);
      expect(processRssBytes(pid)).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(processCpuMs(2 ** 30)).toBeNull();
    expect(childPids(2 ** 30)).toEqual([]);
  });

  it('runs relay/main.ts with its own Firestore emulator in a temp folder, removed at the end', async () => {
    const emulator = await startEmulator((line) => lines.push(line));
    const relay = await startRelayProcess(emulator.url, (line) => lines.push(line));
    expect(existsSync(relay.firestoreDataDir)).toBe(true);
    // Persistence is on: the relay's own Firestore emulator child is running, and the history API is mounted.
    const firestore = childPids(relay.pid).filter((pid) => processCommandLine(pid).includes('firestore-emulator'));
    expect(firestore).toHaveLength(1);
    expect(processCommandLine(firestore[0]!)).toContain(relay.firestoreDataDir);
    const history = await fetch(`${relay.url}/api/sessions`);
    expect(history.status).toBe(200);
    expect(await history.json()).toEqual([]);
    // The combined histogram is in /metrics and the bench's reset route answers on loopback.
    const metrics = (await (await fetch(`${relay.url}/metrics`)).json()) as MetricsSnapshot;
    expect(metrics.relayAdded.count).toBe(0);
    expect((await fetch(`${relay.url}/metrics/reset`, { method: 'POST' })).status).toBe(200);
    await killChildren(1_000);
    expect(relay.child.exitCode ?? relay.child.signalCode).not.toBeNull();
    expect(existsSync(relay.firestoreDataDir)).toBe(false);
  }, 60_000);
});
