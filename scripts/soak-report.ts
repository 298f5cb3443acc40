// The soak's bookkeeping, kept pure so it is tested without running a suite: read each runner's JSON report
// (Vitest's Jest-compatible `json` reporter, Playwright's `json` reporter) into one list of test outcomes per
// run, merge the runs, and print every test that failed at least once with its failure messages.

export type Suite = 'unit' | 'e2e';

export interface TestOutcome {
  /** `file › describe › title`: the same string in every run, so runs merge by it. */
  id: string;
  passed: boolean;
  /** Failure message (first lines); empty when passed. */
  message: string;
}

export interface RunOutcome {
  suite: Suite;
  /** 1-based run number. */
  run: number;
  tests: TestOutcome[];
  /** Failures outside any one test: a file that did not load, the web server not starting, a timeout. */
  runErrors: string[];
  durationMs: number;
}

export interface FlakyTest {
  suite: Suite;
  id: string;
  failedRuns: number;
  /** Runs in which the test ran at all. */
  ranRuns: number;
  failures: Array<{ run: number; message: string }>;
}

export interface SoakReport {
  runs: number;
  testsBySuite: Record<Suite, number>;
  flaky: FlakyTest[];
  runErrors: Array<{ suite: Suite; run: number; message: string }>;
  failures: number;
}

/** Enough of a failure to recognise it: stack frames and long diffs are in the runner's own output. */
const MESSAGE_LINES = 12;
const MESSAGE_CHARS = 1_500;

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what this removes.
const ANSI = /\u001b\[[0-9;]*m/g;

export function shortMessage(text: string): string {
  const lines = text.replace(ANSI, '').split('\n');
  const kept = lines.filter((line) => !/^\s+at /.test(line)).slice(0, MESSAGE_LINES);
  return kept.join('\n').trim().slice(0, MESSAGE_CHARS);
}

function relative(file: string, root: string): string {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}

interface VitestAssertion {
  ancestorTitles?: string[];
  title?: string;
  fullName?: string;
  status?: string;
  failureMessages?: string[];
}

interface VitestFile {
  name?: string;
  status?: string;
  message?: string;
  assertionResults?: VitestAssertion[];
}

/** Vitest `--reporter=json`: one entry per file; a file that failed to load has a message and no assertions. */
export function parseVitestJson(report: unknown, root: string): Pick<RunOutcome, 'tests' | 'runErrors'> {
  const files = ((report as { testResults?: VitestFile[] } | null)?.testResults ?? []) as VitestFile[];
  const tests: TestOutcome[] = [];
  const runErrors: string[] = [];
  for (const file of files) {
    const path = relative(file.name ?? '?', root);
    const assertions = file.assertionResults ?? [];
    for (const assertion of assertions) {
      if (assertion.status === 'skipped' || assertion.status === 'pending' || assertion.status === 'todo') continue;
      const title = [...(assertion.ancestorTitles ?? []), assertion.title ?? assertion.fullName ?? '?'].join(' › ');
      const passed = assertion.status === 'passed';
      tests.push({
        id: `${path} › ${title}`,
        passed,
        message: passed ? '' : shortMessage((assertion.failureMessages ?? []).join('\n') || 'failed'),
      });
    }
    // A failed file whose tests all passed (or that has none) failed outside them: a hook, an import, a leak.
    if (file.status === 'failed' && assertions.every((a) => a.status !== 'failed')) {
      runErrors.push(`${path}: ${shortMessage(file.message || 'failed outside its tests')}`);
    }
  }
  return { tests, runErrors };
}

interface PlaywrightError {
  message?: string;
}

interface PlaywrightTest {
  status?: string;
  projectName?: string;
  results?: Array<{ status?: string; error?: PlaywrightError; errors?: PlaywrightError[] }>;
}

interface PlaywrightSuite {
  title?: string;
  file?: string;
  specs?: Array<{ title?: string; file?: string; tests?: PlaywrightTest[] }>;
  suites?: PlaywrightSuite[];
}

/** Playwright `--reporter=json`: nested suites (file, then describe blocks) of specs, each with its results. */
export function parsePlaywrightJson(report: unknown): Pick<RunOutcome, 'tests' | 'runErrors'> {
  const root = (report ?? {}) as { suites?: PlaywrightSuite[]; errors?: PlaywrightError[] };
  const tests: TestOutcome[] = [];
  const walk = (suite: PlaywrightSuite, titles: string[]): void => {
    const here = suite.file && titles.length === 0 ? [suite.file] : [...titles, suite.title ?? ''];
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status === 'skipped') continue;
        const passed = test.status === 'expected';
        const errors = (test.results ?? []).flatMap((r) => (r.errors?.length ? r.errors : r.error ? [r.error] : []));
        tests.push({
          id: [...here, spec.title ?? '?'].join(' › '),
          passed,
          message: passed
            ? ''
            : shortMessage(errors.map((e) => e.message ?? '').join('\n') || `status ${test.status ?? '?'}`),
        });
      }
    }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const suite of root.suites ?? []) walk(suite, []);
  const runErrors = (root.errors ?? []).map((e) => shortMessage(e.message ?? 'error'));
  return { tests, runErrors };
}

export function mergeRuns(outcomes: readonly RunOutcome[]): SoakReport {
  const byTest = new Map<string, FlakyTest>();
  const testsBySuite: Record<Suite, Set<string>> = { unit: new Set(), e2e: new Set() };
  const runErrors: SoakReport['runErrors'] = [];
  for (const outcome of outcomes) {
    for (const message of outcome.runErrors) runErrors.push({ suite: outcome.suite, run: outcome.run, message });
    for (const test of outcome.tests) {
      testsBySuite[outcome.suite].add(test.id);
      const key = `${outcome.suite}\u0000${test.id}`;
      let entry = byTest.get(key);
      if (!entry) {
        entry = { suite: outcome.suite, id: test.id, failedRuns: 0, ranRuns: 0, failures: [] };
        byTest.set(key, entry);
      }
      entry.ranRuns += 1;
      if (!test.passed) {
        entry.failedRuns += 1;
        entry.failures.push({ run: outcome.run, message: test.message });
      }
    }
  }
  const flaky = [...byTest.values()]
    .filter((t) => t.failedRuns > 0)
    .sort((a, b) => b.failedRuns - a.failedRuns || a.suite.localeCompare(b.suite) || a.id.localeCompare(b.id));
  return {
    runs: new Set(outcomes.map((o) => o.run)).size,
    testsBySuite: { unit: testsBySuite.unit.size, e2e: testsBySuite.e2e.size },
    flaky,
    runErrors,
    failures: flaky.reduce((sum, t) => sum + t.failedRuns, 0) + runErrors.length,
  };
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');

export function formatReport(report: SoakReport, extra: { hogs: number; elapsedMs: number }): string {
  const lines: string[] = [];
  for (const test of report.flaky) {
    lines.push(`✗ [${test.suite}] ${test.id} — failed ${test.failedRuns}/${test.ranRuns} runs`);
    for (const failure of test.failures) lines.push(`    run ${failure.run}:`, indent(failure.message));
  }
  for (const error of report.runErrors) lines.push(`✗ [${error.suite}] run ${error.run}:`, indent(error.message));
  const minutes = (extra.elapsedMs / 60_000).toFixed(1);
  lines.push(
    `soak: ${report.runs} run(s), ${report.testsBySuite.unit} unit + ${report.testsBySuite.e2e} e2e tests, ` +
      `${extra.hogs} CPU hogs: ${report.failures} failure(s), ${report.flaky.length} test(s) failed at least once, ` +
      `${report.runErrors.length} run error(s), ${minutes} min`,
  );
  return lines.join('\n');
}
