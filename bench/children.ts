// Child processes of the benchmark: the Live emulator and the relay, each on its own event loop so the relay's
// CPU and RSS are its own. Every child is killed when the bench exits, fails or is interrupted.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const EMULATOR_MAIN = fileURLToPath(new URL('../relay/live-emulator/main.ts', import.meta.url));
const RELAY_MAIN = fileURLToPath(new URL('../relay/main.ts', import.meta.url));
const LOOPBACK = '127.0.0.1';
/** relay/main.ts drains, flushes Firestore (8 s budget) and exits by itself within 9.5 s of SIGTERM. */
const RELAY_SHUTDOWN_GRACE_MS = 10_000;

const children = new Set<ChildProcess>();
const graceMsFor = new WeakMap<ChildProcess, number>();
const tempDirs = new Set<string>();

function removeTempDirs(): void {
  for (const dir of tempDirs) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    tempDirs.delete(dir);
  }
}

/**
 * SIGTERM every child still running, newest first (the relay before the emulator it depends on, so it never sees
 * its upstream vanish), SIGKILL after `graceMs` each (the relay gets its own shutdown budget unless `hurry`);
 * then removes the temp folders (the relay's Firestore data).
 */
export async function killChildren(graceMs = 3_000, hurry = false): Promise<void> {
  const running = [...children].filter((child) => child.exitCode === null && child.signalCode === null).reverse();
  for (const child of running) {
    await new Promise<void>((resolve) => {
      const waitMs = hurry ? graceMs : Math.max(graceMs, graceMsFor.get(child) ?? 0);
      const timer = setTimeout(() => child.kill('SIGKILL'), waitMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
  removeTempDirs();
}

/**
 * Last resort on a synchronous process exit: no waiting possible, so SIGKILL (the relay's Firestore emulator
 * exits by itself when the relay's pipe to it closes).
 */
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  removeTempDirs();
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

export interface StartedRelay extends StartedChild {
  /** FIRESTORE_DATA_DIR of this run: a fresh temp folder, removed by killChildren(). */
  firestoreDataDir: string;
}

/**
 * The product relay itself, `relay/main.ts`, as its own process on a free loopback port, ICE bound to loopback,
 * upstream = the emulator child, and persistence ON: with no GOOGLE_CLOUD_PROJECT / FIRESTORE_EMULATOR_HOST it
 * starts its own local Firestore emulator child (as `npm start` does offline), with its data in a fresh temp
 * folder. Resolves once /readyz is 200 (which includes the store's readiness).
 */
export async function startRelayProcess(
  emulatorUrl: string,
  log: (line: string) => void,
  timeoutMs = 40_000,
  extraEnv: Record<string, string> = {},
): Promise<StartedRelay> {
  const port = await freePort();
  const firestoreDataDir = mkdtempSync(join(tmpdir(), 'iol-bench-firestore-'));
  tempDirs.add(firestoreDataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: LOOPBACK,
    RTC_BIND_ADDRESS: LOOPBACK,
    LIVE_EMULATOR_URL: emulatorUrl,
    GEMINI_API_KEY: '',
    FIRESTORE_DATA_DIR: firestoreDataDir,
    MAX_SESSIONS: process.env.MAX_SESSIONS ?? '1000',
    // Every synthetic player connects from 127.0.0.1; real players come from their own addresses. The per-address
    // budget (8) would refuse the ramp's offers as one abusive client (limit.pending); the relay-wide one stays.
    MAX_PENDING_PER_IP: process.env.MAX_PENDING_PER_IP ?? '1000',
    MAX_PENDING: process.env.MAX_PENDING ?? '1000',
    LOG_LEVEL: process.env.BENCH_RELAY_LOG_LEVEL ?? 'warn',
    ...extraEnv,
  };
  // Whatever the caller's shell holds, the bench's relay writes to its own throwaway local emulator.
  delete env.GOOGLE_CLOUD_PROJECT;
  delete env.FIRESTORE_EMULATOR_HOST;
  const child = spawn(process.execPath, ['--import', 'tsx', RELAY_MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  track(child, 'relay', log);
  // main.ts is given time to drain and flush its writes (its own hard exit is at 9.5 s).
  graceMsFor.set(child, RELAY_SHUTDOWN_GRACE_MS);
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
      if (reply.ok) return { child, url, pid: child.pid ?? 0, firestoreDataDir };
      lastProblem = `/readyz ${reply.status} ${body}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the relay failed to start within ${timeoutMs} ms: ${lastProblem}`);
}

/** Direct children of `pid` (Linux: scans /proc for processes whose parent it is); [] elsewhere. */
export function childPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    // Field 4 (ppid) is index 1 after the command name.
    if (fields && Number(fields[1]) === pid) found.push(Number(entry));
  }
  return found;
}

/** The command line of a process, arguments joined by spaces (Linux /proc/<pid>/cmdline); '' if unreadable. */
export function processCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** /proc/<pid>/stat fields after the ")" that closes the command name (field 3 = index 0), or null. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** CPU ms a process has used so far (Linux /proc/<pid>/stat utime+stime, 100 ticks/s); null elsewhere. */
export function processCpuMs(pid: number): number | null {
  const fields = statFields(pid);
  // utime is field 14, stime 15 (indexes 11 and 12 here); children's times are not included.
  return fields ? (Number(fields[11]) + Number(fields[12])) * 10 : null;
}

/** Resident memory of a process in bytes (Linux /proc/<pid>/status VmRSS); null elsewhere or once it exited. */
export function processRssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
