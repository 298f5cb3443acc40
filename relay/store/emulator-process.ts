// Runs scripts/firestore-emulator.ts in a child process that a test can stop or kill mid-scene.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT_PATH = fileURLToPath(new URL('../../scripts/firestore-emulator.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;

export interface EmulatorProcess {
  host: string;
  port: number;
  child: ChildProcess;
  /** Sends the signal and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnFirestoreEmulator(options: { port?: number; dataDir?: string } = {}): Promise<EmulatorProcess> {
  const args = ['--import', 'tsx', SCRIPT_PATH, '--port', String(options.port ?? 0)];
  if (options.dataDir) args.push('--data', options.dataDir);
  else args.push('--no-data');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  return new Promise((resolve, reject) => {
    let stdout = '';
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Firestore emulator did not start within ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timeout);
      reject(new Error(`Firestore emulator exited with ${code} before listening: ${stderr}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timeout);
      const event = JSON.parse(stdout.slice(0, newline)) as { event: string; host: string };
      const port = Number(event.host.split(':').pop());
      resolve({
        host: event.host,
        port,
        child,
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
  });
}
