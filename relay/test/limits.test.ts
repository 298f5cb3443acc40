// Cross-process: capacity and upstream failure are reported as coded errors, on HTTP and on `control`.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { type RunningRelay, startRelay } from '../server.js';
import { type Harness, startHarness } from './harness.js';
import { RtcTestClient } from './rtc-client.js';

let harness: Harness | null = null;
let relay: RunningRelay | null = null;
afterEach(async () => {
  await harness?.close();
  await relay?.close();
  harness = null;
  relay = null;
});

describe('limits and failures', () => {
  it('refuses a scene beyond MAX_SESSIONS with session.limit and reports it on /readyz', async () => {
    harness = await startHarness({ env: { MAX_SESSIONS: '1' } });
    const first = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' });
    try {
      expect((await first.hello()).type).toBe('welcome');
      const refused = await RtcTestClient.connect(harness.relay.url, { bindAddress: '127.0.0.1' }).catch(
        (e: Error) => e,
      );
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toMatch(/503.*session\.limit/);
      const ready = await fetch(`${harness.relay.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reasons: string[] }).reasons.join()).toMatch(/capacity/);
    } finally {
      first.close();
    }
  });

  it('ends the scene with upstream.unavailable when Live cannot be reached', async () => {
    // Port 9 (discard) has no listener on this machine: the SDK's connect fails fast.
    relay = await startRelay(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        RTC_BIND_ADDRESS: '127.0.0.1',
        LIVE_EMULATOR_URL: 'http://127.0.0.1:9',
        LOG_LEVEL: 'silent',
      }),
    );
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reasons: string[] }).reasons.join()).toMatch(/upstream unreachable/);
    const client = await RtcTestClient.connect(relay.url, { bindAddress: '127.0.0.1' });
    try {
      const reply = await client.hello();
      expect(reply).toMatchObject({ type: 'error', code: 'upstream.unavailable', fatal: true });
      await client.waitForMessage((m) => m.type === 'session.ended');
      expect(relay.sessions.activeSessions).toBe(0);
    } finally {
      client.close();
    }
  });
});
