// CLI: run the Live emulator as its own process, so speech synthesis never shares the relay's event loop.
//   node --import tsx relay/live-emulator/main.ts --port 0 --think-ms 300 --seed 1
// stdout carries exactly one line, `{"event":"listening","port":N}`, once connections are accepted;
// logs go to stderr. SIGTERM/SIGINT close the server and exit 0; with --exit-with-stdin it also
// exits when its stdin closes, i.e. when the parent that piped it has died (even by SIGKILL).
import { parseArgs } from 'node:util';
import { type LiveEmulatorOptions, startLiveEmulator } from './server.js';

const USAGE = `usage: main.ts [--host 127.0.0.1] [--port 0] [--think-ms 300] [--seed 1] [--realtime true|false]
  [--go-away-after-ms N] [--go-away-time-left-ms N] [--drop-after-ms N] [--refuse-resumption]
  [--first-byte-delay-ms N] [--warm-voices Puck,Kore] [--habits tidy|real] [--habits-seed N] [--quiet]
  [--exit-with-stdin]
Environment: LIVE_EMULATOR_HABITS=real and LIVE_EMULATOR_HABITS_SEED=N stand in for --habits / --habits-seed
(so a relay that spawns its emulator passes them on).`;

function optionalNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0)
    throw new Error(`--${flag} must be a non-negative number, got "${value}"`);
  return number;
}

function parseHabits(value: string | undefined): 'tidy' | 'real' | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'tidy' || value === 'real') return value;
  throw new Error(`--habits (LIVE_EMULATOR_HABITS) must be tidy or real, got "${value}"`);
}

function parseOptions(argv: string[]): LiveEmulatorOptions & { quiet: boolean; exitWithStdin: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'think-ms': { type: 'string' },
      seed: { type: 'string' },
      realtime: { type: 'string' },
      'go-away-after-ms': { type: 'string' },
      'go-away-time-left-ms': { type: 'string' },
      'drop-after-ms': { type: 'string' },
      'refuse-resumption': { type: 'boolean' },
      'first-byte-delay-ms': { type: 'string' },
      'warm-voices': { type: 'string' },
      habits: { type: 'string' },
      'habits-seed': { type: 'string' },
      quiet: { type: 'boolean' },
      'exit-with-stdin': { type: 'boolean' },
    },
  });
  return {
    host: values.host,
    port: optionalNumber('port', values.port),
    thinkMs: optionalNumber('think-ms', values['think-ms']),
    seed: optionalNumber('seed', values.seed),
    realtime: values.realtime === undefined ? undefined : values.realtime !== 'false',
    goAwayAfterMs: optionalNumber('go-away-after-ms', values['go-away-after-ms']),
    goAwayTimeLeftMs: optionalNumber('go-away-time-left-ms', values['go-away-time-left-ms']),
    dropAfterMs: optionalNumber('drop-after-ms', values['drop-after-ms']),
    refuseResumption: values['refuse-resumption'],
    firstByteDelayMs: optionalNumber('first-byte-delay-ms', values['first-byte-delay-ms']),
    warmVoices: values['warm-voices']?.split(',').filter(Boolean),
    habits: parseHabits(values.habits ?? process.env.LIVE_EMULATOR_HABITS),
    habitsSeed: optionalNumber('habits-seed', values['habits-seed'] ?? process.env.LIVE_EMULATOR_HABITS_SEED),
    quiet: values.quiet ?? false,
    exitWithStdin: values['exit-with-stdin'] ?? false,
  };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : error}\n${USAGE}\n`);
    process.exit(2);
  }
  const log = (line: string): void => {
    if (!options.quiet) process.stderr.write(`[live-emulator] ${line}\n`);
  };
  const emulator = await startLiveEmulator({ ...options, log });
  emulator.warmed.then(
    () => log('scripted lines synthesized'),
    () => {},
  );
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: emulator.port })}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: closing`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`close failed: ${error instanceof Error ? error.message : error}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (options.exitWithStdin) {
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.on('error', () => stop('stdin closed'));
    process.stdin.resume();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[live-emulator] failed to start: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
