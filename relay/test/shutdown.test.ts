// Cross-process: the relay as its own process (relay/main.ts, which also spawns the Live emulator and the
// Firestore emulator), stopped with SIGTERM. Readiness drops, a live scene is handed off (the browser is told to
// reconnect, the scene stays active in the store for the next instance), and the process exits on its own well
// within Cloud Run's 10 s. The hand-off and takeover themselves: relay/test/takeover.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type RelayProcess, startRelayProcess } from './relay-process.js';
import { RtcTestClient } from './rtc-client.js';

const dataDirs: string[] = [];
let relay: RelayProcess | null = null;

afterEach(() => relay?.kill());
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relay-shutdown-'));
  dataDirs.push(dir);
  return dir;
}

describe('relay process', () => {
  it('drains on SIGTERM: the browser is told to reconnect (the scene is not ended), exit 0 within 8 s', async () => {
    relay = await startRelayProcess({ FIRESTORE_DATA_DIR: freshDataDir() });
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, reasons: [] });

    const client = await RtcTestClient.connect(relay.url, { bindAddress: '127.0.0.1' });
    try {
      expect((await client.hello()).type).toBe('welcome');
      const signalledAtMs = performance.now();
      relay.child.kill('SIGTERM');
      const error = await client.waitForMessage((m) => m.type === 'error', 5_000);
      expect(error).toMatchObject({ code: 'relay.draining', fatal: false });
      const code = await relay.exited;
      expect(code).toBe(0);
      expect(performance.now() - signalledAtMs).toBeLessThan(8_000);
      expect(client.messages.some((m) => m.type === 'session.ended')).toBe(false);
    } finally {
      client.close();
    }
  }, 60_000);
});
