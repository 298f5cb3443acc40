// `npm run test:soak`: the unit suite and the e2e suite, N times, while two CPU-bound processes compete for the
// cores, then every test that failed at least once with its failure. A suite that passes once on a quiet machine
// proves little; CI shares its cores, and a flake there throws away a whole run (issue #18).
//
//   npm run test:soak -- [--runs N] [--unit-only | --e2e-only] [--hogs N] [--budget-min M] [files…]
//
// Files ending in .spec.ts narrow the e2e run, other paths the unit run. The build step is the one
// `npm run test:e2e` does (find Chromium, vite build), once before the runs. Each runner step has a deadline
// (the remaining budget); a step past it is killed and counted as a failure. The hogs are killed on every exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatReport,
  mergeRuns,
  parsePlaywrightJson,
  parseVitestJson,
  type RunOutcome,
  type Suite,
} from './soak-report.js';

/** Per run, generous against `npm test`'s ~6 + ~6.5 min on a quiet machine: the hogs take half of the CPU. */
const DEFAULT_BUDGET_PER_RUN_MIN = 45;
/** A killed step gets this long to exit on SIGTERM (Playwright stops its web server) before SIGKILL. */
const KILL_GRACE_MS = 10_000;

interface Options {
  runs: number;
  suites: Suite[];
  hogs: number;
  budgetMs: number;
  unitFiles: string[];
  e2eFiles: string[];
}

function parseArgs(argv: readonly string[]): Options {
  let runs = 3;
  let hogs = 2;
  let budgetMin: number | undefined;
  let suites: Suite[] = ['unit', 'e2e'];
  const unitFiles: string[] = [];
  const e2eFiles: string[] = [];
  const number = (flag: string, value: string | undefined): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${flag} needs a number, got ${value}`);
    return parsed;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--runs') runs = Math.max(1, Math.floor(number(arg, argv[++i])));
    else if (arg === '--hogs') hogs = Math.floor(number(arg, argv[++i]));
    else if (arg === '--budget-min') budgetMin = number(arg, argv[++i]);
    else if (arg === '--unit-only') suites = ['unit'];
    else if (arg === '--e2e-only') suites = ['e2e'];
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else if (arg.endsWith('.spec.ts')) e2eFiles.push(arg);
    else unitFiles.push(arg);
  }
  const budgetMs = (budgetMin ?? runs * DEFAULT_BUDGET_PER_RUN_MIN) * 60_000;
  return { runs, suites, hogs, budgetMs, unitFiles, e2eFiles };
}

const hogs: ChildProcess[] = [];
let current: ChildProcess | null = null;

function startHogs(count: number): void {
  for (let i = 0; i < count; i++) {
    hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** Synchronous, so it also runs from process.on('exit'). */
function cleanUp(): void {
  for (const hog of hogs.splice(0)) hog.kill('SIGKILL');
  if (current) killGroup(current, 'SIGKILL');
}

interface StepResult {
  code: number | null;
  timedOut: boolean;
}

/** Runs one command in its own process group (so a kill reaches the browsers and servers it starts). */
function runStep(command: string, args: string[], env: NodeJS.ProcessEnv, deadlineMs: number): Promise<StepResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env, detached: true });
    current = child;
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        killGroup(child, 'SIGTERM');
        setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS).unref();
      },
      Math.max(0, deadlineMs - Date.now()),
    );
    child.on('exit', (code) => {
      clearTimeout(timer);
      // The runner is gone; anything it left in its group (a web server, a browser) goes with it.
      killGroup(child, 'SIGKILL');
      current = null;
      resolve({ code, timedOut });
    });
  });
}

const bin = (name: string): string => join('node_modules', '.bin', name);

async function runSuite(suite: Suite, run: number, options: Options, dir: string, deadlineMs: number) {
  const reportPath = join(dir, `${suite}-${run}.json`);
  rmSync(reportPath, { force: true });
  const startedAt = Date.now();
  const step =
    suite === 'unit'
      ? await runStep(
          bin('vitest'),
          ['run', '--reporter=dot', '--reporter=json', `--outputFile.json=${reportPath}`, ...options.unitFiles],
          process.env,
          deadlineMs,
        )
      : await runStep(
          bin('playwright'),
          ['test', '--reporter=list,json', ...options.e2eFiles],
          { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: reportPath },
          deadlineMs,
        );
  const outcome: RunOutcome = { suite, run, tests: [], runErrors: [], durationMs: Date.now() - startedAt };
  if (existsSync(reportPath)) {
    const json: unknown = JSON.parse(readFileSync(reportPath, 'utf8'));
    const parsed = suite === 'unit' ? parseVitestJson(json, process.cwd()) : parsePlaywrightJson(json);
    outcome.tests = parsed.tests;
    outcome.runErrors = parsed.runErrors;
  } else {
    outcome.runErrors.push(`${suite} run wrote no report (exit code ${step.code})`);
  }
  if (step.timedOut) outcome.runErrors.push(`${suite} run killed at the soak's deadline`);
  else if (step.code !== 0 && outcome.tests.every((t) => t.passed) && outcome.runErrors.length === 0) {
    outcome.runErrors.push(`${suite} runner exited with code ${step.code} though every test passed`);
  }
  return outcome;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const startedAt = Date.now();
  const deadlineMs = startedAt + options.budgetMs;
  const dir = join(tmpdir(), `iol-soak-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const outcomes: RunOutcome[] = [];
  const report = (): string =>
    formatReport(mergeRuns(outcomes), { hogs: options.hogs, elapsedMs: Date.now() - startedAt });

  const interrupted = (signal: NodeJS.Signals): void => {
    cleanUp();
    console.log(`\nsoak: interrupted by ${signal}; so far:\n${report()}`);
    process.exit(130);
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  process.on('exit', cleanUp);

  if (options.suites.includes('e2e')) {
    // As `npm run test:e2e` does it; once, since the client does not change between runs.
    for (const [command, args] of [
      [process.execPath, ['--import', 'tsx', 'scripts/ensure-chromium.ts']],
      [bin('vite'), ['build', '--logLevel', 'warn']],
    ] as const) {
      const step = await runStep(command, [...args], process.env, deadlineMs);
      if (step.code !== 0) throw new Error(`build step failed: ${command} ${args.join(' ')} (code ${step.code})`);
    }
  }
  startHogs(options.hogs);
  for (let run = 1; run <= options.runs; run++) {
    for (const suite of options.suites) {
      if (Date.now() >= deadlineMs) {
        outcomes.push({ suite, run, tests: [], runErrors: ['not run: soak budget spent'], durationMs: 0 });
        continue;
      }
      console.log(`\nsoak: run ${run}/${options.runs}, ${suite}, ${options.hogs} CPU hogs`);
      const outcome = await runSuite(suite, run, options, dir, deadlineMs);
      outcomes.push(outcome);
      const failed = outcome.tests.filter((t) => !t.passed).length + outcome.runErrors.length;
      console.log(
        `soak: run ${run} ${suite}: ${outcome.tests.length} tests, ${failed} failure(s), ` +
          `${(outcome.durationMs / 60_000).toFixed(1)} min`,
      );
    }
  }
  cleanUp();
  const merged = mergeRuns(outcomes);
  console.log(`\n${formatReport(merged, { hogs: options.hogs, elapsedMs: Date.now() - startedAt })}`);
  rmSync(dir, { recursive: true, force: true });
  return merged.failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    cleanUp();
    console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
