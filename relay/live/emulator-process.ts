// Runs the Live emulator as a child process (speech synthesis never shares the relay's event loop) and waits
// for its one stdout line, {"event":"listening","port":N}.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { AppError } from '../../shared/errors.js';
import { childScriptArgs } from '../child-script.js';
import type { Logger } from '../log.js';

export interface EmulatorProcess {
  url: string;
  port: number;
  child: ChildProcess;
  close(): Promise<void>;
}

const EMULATOR_MAIN = childScriptArgs(new URL('../live-emulator/main.ts', import.meta.url));
const STARTUP_TIMEOUT_MS = 20_000;

export function spawnEmulator(logger: Logger, extraArgs: string[] = []): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    // --exit-with-stdin: the emulator never outlives the relay, even one killed with SIGKILL.
    [...EMULATOR_MAIN, '--host', '127.0.0.1', '--port', '0', '--exit-with-stdin', ...extraArgs],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  createInterface({ input: child.stderr! }).on('line', (line) => logger.info('emulator', { line }));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const close = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(killTimer);
  };

  return new Promise((resolve, reject) => {
    let started = false;
    const fail = (message: string) => {
      if (started) return;
      clearTimeout(timer);
      void close();
      reject(new AppError('upstream.unavailable', `the Live emulator did not start: ${message}`));
    };
    const timer = setTimeout(() => fail(`no "listening" line within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => {
      if (started) logger.warn('emulator exited', { code, signal });
      else fail(`exited early (code ${code}, signal ${signal})`);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let event: { event?: string; port?: number };
      try {
        event = JSON.parse(line);
      } catch {
        logger.info('emulator', { line });
        return;
      }
      if (event.event === 'listening' && typeof event.port === 'number') {
        started = true;
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${event.port}`, port: event.port, child, close });
      }
    });
  });
}
