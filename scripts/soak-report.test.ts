import { describe, expect, it } from 'vitest';
import {
  formatReport,
  mergeRuns,
  parsePlaywrightJson,
  parseVitestJson,
  type RunOutcome,
  shortMessage,
} from './soak-report.js';

const ROOT = '/repo';

/** The shape Vitest's `json` reporter writes (Jest-compatible), trimmed to what the soak reads. */
function vitestReport(failing: boolean) {
  return {
    numTotalTests: 3,
    testResults: [
      {
        name: '/repo/relay/store/write-queue.test.ts',
        status: failing ? 'failed' : 'passed',
        message: '',
        assertionResults: [
          { ancestorTitles: ['WriteQueue'], title: 'folds writes', status: 'passed', failureMessages: [] },
          {
            ancestorTitles: ['WriteQueue'],
            title: 'retries',
            status: failing ? 'failed' : 'passed',
            failureMessages: failing
              ? [
                  '\u001b[31mAssertionError: expected 2 to be 1\u001b[39m\n    at /repo/relay/store/write-queue.test.ts:40:5',
                ]
              : [],
          },
          { ancestorTitles: [], title: 'later', status: 'skipped', failureMessages: [] },
        ],
      },
      {
        name: '/repo/relay/test/scene.test.ts',
        status: 'failed',
        message: 'Error: Hook timed out',
        assertionResults: [],
      },
    ],
  };
}

/** The shape Playwright's `json` reporter writes: file suites, nested describes, specs with per-project tests. */
function playwrightReport(failing: boolean) {
  return {
    suites: [
      {
        title: 'relay-restart.spec.ts',
        file: 'relay-restart.spec.ts',
        specs: [
          {
            title: 'SIGKILL mid-scene',
            tests: [
              {
                status: failing ? 'unexpected' : 'expected',
                results: [
                  { status: failing ? 'failed' : 'passed', errors: failing ? [{ message: 'stored ≠ shown' }] : [] },
                ],
              },
            ],
          },
        ],
        suites: [
          {
            title: 'reconnect',
            specs: [{ title: 'drop mid-reply', tests: [{ status: 'expected', results: [{ status: 'passed' }] }] }],
          },
        ],
      },
    ],
    errors: failing ? [{ message: 'Error: Timed out waiting 120000ms from config.webServer.' }] : [],
  };
}

function outcome(suite: 'unit' | 'e2e', run: number, parsed: Pick<RunOutcome, 'tests' | 'runErrors'>): RunOutcome {
  return { suite, run, durationMs: 1, ...parsed };
}

describe('parseVitestJson', () => {
  it('names each test by file and titles, skips skipped ones, strips colours and stack frames', () => {
    const { tests, runErrors } = parseVitestJson(vitestReport(true), ROOT);
    expect(tests).toEqual([
      { id: 'relay/store/write-queue.test.ts › WriteQueue › folds writes', passed: true, message: '' },
      {
        id: 'relay/store/write-queue.test.ts › WriteQueue › retries',
        passed: false,
        message: 'AssertionError: expected 2 to be 1',
      },
    ]);
    // A file that failed with no failing test (a hook, an import) is a failure of the run, never lost.
    expect(runErrors).toEqual(['relay/test/scene.test.ts: Error: Hook timed out']);
  });

  it('reads nothing from a missing or empty report', () => {
    expect(parseVitestJson(null, ROOT)).toEqual({ tests: [], runErrors: [] });
  });
});

describe('parsePlaywrightJson', () => {
  it('names specs by file and describe titles and keeps errors outside tests', () => {
    const { tests, runErrors } = parsePlaywrightJson(playwrightReport(true));
    expect(tests).toEqual([
      { id: 'relay-restart.spec.ts › SIGKILL mid-scene', passed: false, message: 'stored ≠ shown' },
      { id: 'relay-restart.spec.ts › reconnect › drop mid-reply', passed: true, message: '' },
    ]);
    expect(runErrors).toEqual(['Error: Timed out waiting 120000ms from config.webServer.']);
  });

  it('counts a test that needed a retry (flaky) as a failure', () => {
    const report = playwrightReport(false);
    report.suites[0]!.specs[0]!.tests[0]!.status = 'flaky';
    expect(parsePlaywrightJson(report).tests[0]!.passed).toBe(false);
  });
});

describe('mergeRuns', () => {
  it('lists each test that failed in any run, with every failure, most failures first', () => {
    const runs = [
      outcome('unit', 1, parseVitestJson(vitestReport(false), ROOT)),
      outcome('e2e', 1, parsePlaywrightJson(playwrightReport(true))),
      outcome('unit', 2, parseVitestJson(vitestReport(true), ROOT)),
      outcome('e2e', 2, parsePlaywrightJson(playwrightReport(false))),
    ];
    // The second unit run's stray file error is a run error; keep the first run clean of it for the count.
    runs[0]!.runErrors = [];
    const report = mergeRuns(runs);
    expect(report.runs).toBe(2);
    expect(report.testsBySuite).toEqual({ unit: 2, e2e: 2 });
    expect(report.flaky.map((t) => [t.suite, t.id, t.failedRuns, t.ranRuns])).toEqual([
      ['e2e', 'relay-restart.spec.ts › SIGKILL mid-scene', 1, 2],
      ['unit', 'relay/store/write-queue.test.ts › WriteQueue › retries', 1, 2],
    ]);
    expect(report.flaky[1]!.failures).toEqual([{ run: 2, message: 'AssertionError: expected 2 to be 1' }]);
    expect(report.runErrors).toEqual([
      { suite: 'e2e', run: 1, message: 'Error: Timed out waiting 120000ms from config.webServer.' },
      { suite: 'unit', run: 2, message: 'relay/test/scene.test.ts: Error: Hook timed out' },
    ]);
    expect(report.failures).toBe(4);
  });

  it('reports zero failures when every run passed', () => {
    const clean = parseVitestJson(vitestReport(false), ROOT);
    clean.runErrors = [];
    const report = mergeRuns([outcome('unit', 1, clean), outcome('unit', 2, clean), outcome('unit', 3, clean)]);
    expect(report).toMatchObject({ runs: 3, failures: 0, flaky: [], runErrors: [] });
    expect(formatReport(report, { hogs: 2, elapsedMs: 90_000 })).toBe(
      'soak: 3 run(s), 2 unit + 0 e2e tests, 2 CPU hogs: 0 failure(s), 0 test(s) failed at least once, ' +
        '0 run error(s), 1.5 min',
    );
  });

  it('prints each failing test with its run and message before the summary', () => {
    const report = mergeRuns([outcome('e2e', 1, parsePlaywrightJson(playwrightReport(true)))]);
    const text = formatReport(report, { hogs: 2, elapsedMs: 60_000 });
    expect(text).toContain(
      '✗ [e2e] relay-restart.spec.ts › SIGKILL mid-scene — failed 1/1 runs\n    run 1:\n      stored ≠ shown',
    );
    expect(text.split('\n').at(-1)).toMatch(/^soak: 1 run\(s\), 0 unit \+ 2 e2e tests, 2 CPU hogs: 2 failure\(s\)/);
  });
});

describe('shortMessage', () => {
  it('keeps the first lines, without stack frames', () => {
    const long = ['Error: boom', '    at f (x.ts:1:1)', ...Array.from({ length: 30 }, (_, i) => `line ${i}`)].join(
      '\n',
    );
    const short = shortMessage(long);
    expect(short.split('\n')).toHaveLength(12);
    expect(short).not.toContain(' at f');
  });
});
