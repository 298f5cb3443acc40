// Cross-process: the relay as its own process (relay/main.ts, which also spawns the Live emulator and the
// Firestore emulator), stopped with SIGTERM mid-scene. Browsers are told, readiness drops, the process exits on
// its own well within Cloud Run's 10 s, and everything the player was shown as final is in Firestore.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SessionDetailJson } from '../../shared/api.js';
import type { RelayMessage } from '../../shared/protocol.js';
import { RtcTestClient } from './rtc-client.js';
import { encodeSpeech, fixtureSpeech16k } from './speech.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const dataDirs: string[] = [];
let child: ChildProcess | null = null;

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relay-shutdown-'));
  dataDirs.push(dir);
  return dir;
}

function startRelayProcess(dataDir: string): Promise<{ url: string; exited: Promise<number | null> }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    RTC_BIND_ADDRESS: '127.0.0.1',
    LOG_LEVEL: 'warn',
    GEMINI_API_KEY: '',
    LIVE_EMULATOR_URL: '',
    FIRESTORE_DATA_DIR: dataDir,
  };
  delete env.FIRESTORE_EMULATOR_HOST;
  delete env.GOOGLE_CLOUD_PROJECT;
  child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = child;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start in 30 s; stderr: ${stderr}`)), 30_000);
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

const speech = encodeSpeech(fixtureSpeech16k('short-reply.wav', 0.8, 2.5));

describe('relay process', () => {
  it('drains on SIGTERM: tells the browser and exits 0 within 8 s', async () => {
    const relay = await startRelayProcess(freshDataDir());
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
  }, 60_000);

  it('SIGTERM mid-reply: every transcript the player saw as final is stored, in order, and a restart serves it', async () => {
    const dataDir = freshDataDir();
    const relay = await startRelayProcess(dataDir);
    const client = await RtcTestClient.connect(relay.url, { bindAddress: '127.0.0.1' });
    let sessionId: string;
    try {
      const welcome = await client.hello({ game: 'party-quirks' });
      if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
      sessionId = welcome.sessionId;
      await client.speak(1, speech, 5);
      const first = await client.waitForMessage((m) => m.type === 'partner.start', 15_000);
      await client.waitForMessage((m) => m.type === 'partner.end' && m.turnId === first.turnId, 20_000);
      // The second reply is streaming (the spawned emulator paces it in real time) when the signal comes.
      await client.speak(2, speech, 5);
      await client.waitForMessage((m) => m.type === 'partner.start' && m.turnId !== first.turnId, 15_000);
      await client.waitForFrame((f) => f.streamId !== first.turnId, 5_000);
      child!.kill('SIGTERM');
      // Within Cloud Run's 10 s SIGTERM window, with room for the process to save and exit after it.
      await client.waitForMessage((m) => m.type === 'session.ended', 8_000);
      expect(await relay.exited).toBe(0);
    } finally {
      client.close();
    }

    // The scene's own lines (the MC's intro is a stage line, not a stored turn).
    const shown = client.messages.filter(
      (m): m is Extract<RelayMessage, { type: 'transcript' }> =>
        m.type === 'transcript' && m.final && m.speaker !== 'mc',
    );
    // Two exchanges: both player lines and both replies (the second cut short by the shutdown).
    expect(shown.map((m) => m.speaker)).toEqual(['player', 'partner', 'player', 'partner']);

    // The relay and its emulator are gone. Started again on the same data folder (as `npm start` would be), it
    // still knows this browser (its cookie) and has everything that browser was shown.
    const restarted = await startRelayProcess(dataDir);
    try {
      const reply = await fetch(`${restarted.url}/api/sessions/${sessionId}`, {
        headers: { cookie: client.setCookie ?? '' },
      });
      expect(reply.status).toBe(200);
      const detail = (await reply.json()) as SessionDetailJson;
      expect(detail.turns.map((t) => [t.seq, t.speaker, t.text])).toEqual(
        shown.map((m, seq) => [seq, m.speaker, m.text]),
      );
      expect(detail).toMatchObject({ game: 'party-quirks', status: 'abandoned', turnCount: shown.length });
      expect(detail.endedAt).not.toBeNull();
    } finally {
      child!.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    }
  }, 90_000);
});
