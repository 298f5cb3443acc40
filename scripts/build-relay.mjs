// `npm run build:relay`: the relay compiled to JavaScript in dist-relay/ (tsconfig.relay.json), so production runs it
// with plain `node dist-relay/relay/main.js`. Plain .mjs (no tsx) because it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const OUT_DIR = 'dist-relay';
/** Files tsc does not emit that the compiled code loads at run time (the emulator's espeak-ng worker). */
const ASSETS = ['relay/live-emulator/tts-worker.mjs'];

// A stale .js from a renamed or deleted .ts would otherwise be shipped and could even be imported.
rmSync(OUT_DIR, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.relay.json'], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
for (const asset of ASSETS) cpSync(asset, `${OUT_DIR}/${asset}`);
process.stdout.write(`compiled the relay into ${OUT_DIR}/\n`);
