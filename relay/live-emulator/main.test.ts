// The CLI as the relay runs it: a child process announcing its port on stdout, stopped by SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectTestClient, isTurnComplete, sendPlayerTurn } from './test-client.js';

const MAIN_PATH = fileURLToPath(new URL('./main.ts', import.meta.url));

function spawnEmulator(args: string[]): { child: ChildProcess; stdout: () => string; listening: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) {
        const event = JSON.parse(line) as { event: string; port: number };
        if (event.event === 'listening') resolve(event.port);
      }
    });
    child.once('exit', (code) => reject(new Error(`emulator exited early with code ${code}`)));
  });
  // A test that expects an early exit does not await this.
  listening.catch(() => {});
  return { child, stdout: () => stdout, listening };
}

describe('live emulator CLI', () => {
  let running: ChildProcess | undefined;
  afterEach(() => {
    if (running && running.exitCode === null) running.kill('SIGKILL');
  });

  it('prints one listening line, serves the SDK, and exits 0 on SIGTERM', async () => {
    const { child, stdout, listening } = spawnEmulator([
      '--port',
      '0',
      '--think-ms',
      '0',
      '--seed',
      '1',
      '--realtime',
      'false',
      '--quiet',
    ]);
    running = child;
    const port = await listening;
    expect(port).toBeGreaterThan(0);
    const client = await connectTestClient(`http://127.0.0.1:${port}`);
    sendPlayerTurn(client.session, 300);
    await client.waitFor(isTurnComplete);
    client.session.close();

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stdout()).toBe(`${JSON.stringify({ event: 'listening', port })}\n`);
  });

  it('rejects a bad flag with exit code 2', async () => {
    const { child } = spawnEmulator(['--think-ms', 'soon']);
    running = child;
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
  });
});
