// Cross-process: the relay as its own process (relay/main.ts, which also spawns the Live emulator), stopped with
// SIGTERM mid-scene. Browsers are told, readiness drops, and the process exits on its own well within 8 s.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RtcTestClient } from './rtc-client.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
let child: ChildProcess | null = null;

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startRelayProcess(): Promise<{ url: string; exited: Promise<number | null> }> {
  child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      RTC_BIND_ADDRESS: '127.0.0.1',
      LOG_LEVEL: 'warn',
      GEMINI_API_KEY: '',
      LIVE_EMULATOR_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc = child;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start in 20 s; stderr: ${stderr}`)), 20_000);
    void exited.then((code) => reject(new Error(`relay exited with ${code} before listening; stderr: ${stderr}`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, exited });
      }
    });
  });
}

describe('relay process', () => {
  it('drains on SIGTERM: tells the browser and exits 0 within 8 s', async () => {
    const relay = await startRelayProcess();
    const ready = await fetch(`${relay.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, reasons: [] });

    const client = await RtcTestClient.connect(relay.url, { bindAddress: '127.0.0.1' });
    try {
      expect((await client.hello()).type).toBe('welcome');
      const signalledAtMs = performance.now();
      child!.kill('SIGTERM');
      const error = await client.waitForMessage((m) => m.type === 'error', 5_000);
      expect(error).toMatchObject({ code: 'relay.draining', fatal: true });
      await client.waitForMessage((m) => m.type === 'session.ended', 5_000);
      const code = await relay.exited;
      expect(code).toBe(0);
      expect(performance.now() - signalledAtMs).toBeLessThan(8_000);
    } finally {
      client.close();
    }
  });
});
