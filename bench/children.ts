// Child processes of the benchmark: the Live emulator and the relay, each on its own event loop so the relay's
// CPU and RSS are its own. Every child is killed when the bench exits, fails or is interrupted.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const EMULATOR_MAIN = fileURLToPath(new URL('../relay/live-emulator/main.ts', import.meta.url));
const RELAY_CHILD = fileURLToPath(new URL('./relay-child.ts', import.meta.url));
const LOOPBACK = '127.0.0.1';

const children = new Set<ChildProcess>();

/**
 * SIGTERM every child still running, newest first (the relay before the emulator it depends on, so it never sees
 * its upstream vanish), SIGKILL after `graceMs` each.
 */
export async function killChildren(graceMs = 3_000): Promise<void> {
  const running = [...children].filter((child) => child.exitCode === null && child.signalCode === null).reverse();
  for (const child of running) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

/** Last resort on a synchronous process exit: no waiting possible, so SIGKILL. */
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function track(child: ChildProcess, name: string, log: (line: string) => void): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  // Keep the last lines of stderr so a failed start can say why.
  createInterface({ input: child.stderr! }).on('line', (line) => log(`[${name}] ${line}`));
}

/** A free TCP port on loopback (bind to 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StartedChild {
  child: ChildProcess;
  url: string;
  pid: number;
}

/** `relay/live-emulator/main.ts` with zero think time and real-time paced replies (like Gemini). */
export function startEmulator(log: (line: string) => void, timeoutMs = 30_000): Promise<StartedChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', EMULATOR_MAIN, '--host', LOOPBACK, '--port', '0', '--think-ms', '0', '--seed', '1'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  track(child, 'emulator', log);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`the Live emulator did not start: ${why}`));
    };
    const timer = setTimeout(() => fail(`no "listening" line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; port?: number };
        if (event.event === 'listening' && typeof event.port === 'number') {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({ child, url: `http://${LOOPBACK}:${event.port}`, pid: child.pid ?? 0 });
        }
      } catch {
        log(`[emulator stdout] ${line}`);
      }
    });
  });
}

/**
 * The relay as its own process (bench/relay-child.ts: relay/main.ts's startRelay plus two bench-only routes),
 * on a free loopback port, ICE bound to loopback, upstream = the emulator child. Resolves once /readyz is 200.
 */
export async function startRelayProcess(
  emulatorUrl: string,
  log: (line: string) => void,
  timeoutMs = 30_000,
): Promise<StartedChild> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', RELAY_CHILD], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: LOOPBACK,
      RTC_BIND_ADDRESS: LOOPBACK,
      LIVE_EMULATOR_URL: emulatorUrl,
      GEMINI_API_KEY: '',
      MAX_SESSIONS: process.env.MAX_SESSIONS ?? '1000',
      LOG_LEVEL: process.env.BENCH_RELAY_LOG_LEVEL ?? 'warn',
    },
  });
  track(child, 'relay', log);
  child.stdout?.resume();
  const url = `http://${LOOPBACK}:${port}`;
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `exited (code ${code}, signal ${signal})`;
  });
  const deadlineMs = performance.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (performance.now() < deadlineMs) {
    if (exited) throw new Error(`the relay failed to start: it ${exited}; see the [relay] lines above`);
    try {
      const reply = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      const body = await reply.text();
      if (reply.ok) return { child, url, pid: child.pid ?? 0 };
      lastProblem = `/readyz ${reply.status} ${body}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the relay failed to start within ${timeoutMs} ms: ${lastProblem}`);
}

/** CPU ms a process has used so far (Linux /proc/<pid>/stat utime+stime, 100 ticks/s); null elsewhere. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}
