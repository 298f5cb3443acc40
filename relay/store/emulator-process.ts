// Runs scripts/firestore-emulator.ts in a child process: the relay's own local Firestore (main.ts), and tests that
// stop or kill it mid-scene. A child keeps the emulator's gRPC serving and its synchronous journal appends off
// the relay's event loop, which is the audio hot path.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { childScriptArgs } from '../child-script.js';

const SCRIPT_ARGS = childScriptArgs(new URL('../../scripts/firestore-emulator.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;

export interface EmulatorProcess {
  host: string;
  port: number;
  child: ChildProcess;
  /** Sends the signal and resolves once the process has exited (SIGKILL after killAfterMs, if given). */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<void>;
}

export interface SpawnFirestoreEmulatorOptions {
  port?: number;
  dataDir?: string;
  /**
   * The emulator belongs to this process (the relay): it gets its own process group, so a terminal's Ctrl-C
   * reaches only the relay, which flushes its writes before stopping the emulator; and it exits by itself
   * when this process dies (its stdin closes), so it never outlives the relay.
   */
  ownedByParent?: boolean;
  /** stderr lines of the child (its logs); default: collected for the start error only. */
  onLog?: (line: string) => void;
}

export function spawnFirestoreEmulator(options: SpawnFirestoreEmulatorOptions = {}): Promise<EmulatorProcess> {
  const args = [...SCRIPT_ARGS, '--port', String(options.port ?? 0)];
  if (options.dataDir) args.push('--data', options.dataDir);
  else args.push('--no-data');
  if (options.ownedByParent) args.push('--exit-with-stdin');
  const child = spawn(process.execPath, args, {
    stdio: [options.ownedByParent ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: options.ownedByParent ?? false,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (stderr.length < 4_000) stderr += `${line}\n`;
    options.onLog?.(line);
  });

  return new Promise((resolve, reject) => {
    let started = false;
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Firestore emulator did not start within ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timeout);
      if (!started) reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timeout);
      if (!started) reject(new Error(`Firestore emulator exited with ${code} before listening: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (started) return;
      let event: { event?: string; host?: string };
      try {
        event = JSON.parse(line) as { event?: string; host?: string };
      } catch {
        return;
      }
      if (event.event !== 'listening' || typeof event.host !== 'string') return;
      started = true;
      clearTimeout(timeout);
      const host = event.host;
      resolve({
        host,
        port: Number(host.split(':').pop()),
        child,
        async stop(signal: NodeJS.Signals = 'SIGTERM', killAfterMs?: number) {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill(signal);
          const killTimer =
            killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          await exited;
          clearTimeout(killTimer);
        },
      });
    });
  });
}
