// The relay as its own process (relay/main.ts), for fault tests that signal it: SIGTERM, SIGKILL, SIGSTOP.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const START_TIMEOUT_MS = 30_000;

export interface RelayProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything it wrote to stderr so far (its JSON logs at LOG_LEVEL). */
  stderr(): string;
  /** SIGKILL if still running (test cleanup). */
  kill(): void;
}

/**
 * Starts relay/main.ts on 127.0.0.1 (port 0) and resolves once it prints where it listens. `env` adds to a
 * loopback-only, offline environment: by default it spawns its own Live and Firestore emulators (as
 * `npm start`); pass LIVE_EMULATOR_URL / FIRESTORE_EMULATOR_HOST to use ones that outlive it.
 */
export function startRelayProcess(env: Record<string, string>): Promise<RelayProcess> {
  const full: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    RTC_BIND_ADDRESS: '127.0.0.1',
    LOG_LEVEL: 'warn',
    GEMINI_API_KEY: '',
    LIVE_EMULATOR_URL: '',
    ...env,
  };
  if (!env.FIRESTORE_EMULATOR_HOST) delete full.FIRESTORE_EMULATOR_HOST;
  if (!env.RELAY_SECRET) delete full.RELAY_SECRET;
  delete full.GOOGLE_CLOUD_PROJECT;
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`relay did not start in ${START_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    void exited.then((code) => reject(new Error(`relay exited with ${code} before listening; stderr: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child, exited, stderr: () => stderr, kill });
      }
    });
  });
}
