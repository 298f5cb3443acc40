// The production image's contract, checked without docker: `npm run build:relay` emits the relay as JavaScript,
// the compiled relay reaches only production dependencies through static imports (so `npm ci --omit=dev` is
// enough to run it), and plain `node dist-relay/relay/main.js` starts (offline here, NODE_ENV=development) and
// answers /readyz. The Dockerfile is checked for what it promises (npm ci, --omit=dev, digest, no tsx).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids, processCommandLine } from '../bench/children.js';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist-relay');
const MAIN = join(OUT, 'relay', 'main.js');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** Browser and emulator packages: never in the runtime tree. */
const DEV_ONLY = [
  'react',
  'react-dom',
  'zustand',
  'onnxruntime-web',
  '@ricky0123/vad-web',
  'espeak-ng',
  '@firestore-emulator/server',
  '@firestore-emulator/proto',
  'tsx',
];

// Static `import … from '…'`, `export … from '…'` and bare `import '…'`; dynamic import() is deliberately not
// matched (an emulator may be loaded that way, only when offline).
const STATIC_IMPORT = /^\s*(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm;

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every file and package reached from `entry` through static imports. */
function staticImportGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier))
        packages.add(packageName(specifier));
    }
  }
  return { files, packages };
}

describe('the compiled relay (npm run build:relay)', () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, ['scripts/build-relay.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr + build.stdout).toBe(0);
  }, 180_000);

  it('emits main.js and the emulator worker the compiled Live emulator loads', () => {
    expect(existsSync(MAIN)).toBe(true);
    expect(existsSync(join(OUT, 'relay/live-emulator/tts-worker.mjs'))).toBe(true);
    expect(existsSync(join(OUT, 'scripts/firestore-emulator.js'))).toBe(true);
  });

  it('reaches only production dependencies and no emulator code through static imports', () => {
    const { files, packages } = staticImportGraph(MAIN);
    expect(files.size).toBeGreaterThan(30);
    const reached = [...files].map((file) => relative(OUT, file));
    expect(reached.filter((file) => file.startsWith('relay/live-emulator/') || file.startsWith('scripts/'))).toEqual(
      [],
    );
    expect([...packages].filter((name) => !(name in pkg.dependencies))).toEqual([]);
    // The SDKs the relay cannot run without are among them (the graph walk is not vacuous).
    expect(packages).toContain('@google/genai');
    expect(packages).toContain('node-datachannel');
  });

  it('keeps browser, emulator and tsx packages out of the runtime dependencies', () => {
    expect(DEV_ONLY.filter((name) => name in pkg.dependencies)).toEqual([]);
    for (const name of DEV_ONLY) expect(pkg.devDependencies).toHaveProperty(name);
  });

  describe('with plain node, offline', () => {
    let relay: ChildProcess;
    let url = '';
    const dataDir = mkdtempSync(join(tmpdir(), 'iol-build-relay-'));

    beforeAll(async () => {
      relay = spawn(process.execPath, [MAIN], {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          PORT: '0',
          HOST: '127.0.0.1',
          RTC_BIND_ADDRESS: '127.0.0.1',
          FIRESTORE_DATA_DIR: dataDir,
          GEMINI_API_KEY: '',
          LIVE_EMULATOR_URL: '',
          GOOGLE_CLOUD_PROJECT: '',
          FIRESTORE_EMULATOR_HOST: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const listening = /listening on (http:\/\/\S+)/;
      url = await new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error('no "listening on" line within 60 s')), 60_000);
        relay.once('exit', (code) => reject(new Error(`the compiled relay exited with ${code}`)));
        createInterface({ input: relay.stdout! }).on('line', (line) => {
          const match = listening.exec(line);
          if (match) {
            clearTimeout(timer);
            resolveUrl(match[1]!);
          }
        });
      });
    }, 90_000);

    afterAll(() => {
      if (relay.exitCode === null) relay.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers /readyz with both emulators started from the compiled .js, and never via tsx', async () => {
      const deadlineMs = performance.now() + 30_000;
      let status = 0;
      while (status !== 200 && performance.now() < deadlineMs) {
        status = await fetch(`${url}/readyz`).then(
          (reply) => reply.status,
          () => 0,
        );
        if (status !== 200) await new Promise((done) => setTimeout(done, 100));
      }
      expect(status).toBe(200);
      const commandLines = [relay.pid!, ...childPids(relay.pid!)].map(processCommandLine);
      expect(commandLines.some((line) => line.includes('dist-relay/relay/live-emulator/main.js'))).toBe(true);
      expect(commandLines.some((line) => line.includes('dist-relay/scripts/firestore-emulator.js'))).toBe(true);
      expect(commandLines.filter((line) => line.includes('tsx'))).toEqual([]);
    });

    it('stops cleanly on SIGTERM (saved: exit code 0)', async () => {
      const exited = new Promise<number | null>((done) => relay.once('exit', (code) => done(code)));
      relay.kill('SIGTERM');
      expect(await exited).toBe(0);
    }, 15_000);
  });
});

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('pins its base image by digest', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim@sha256:[0-9a-f]{64}$/m);
    for (const from of dockerfile.match(/^FROM .*$/gm) ?? []) expect(from).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
  });

  it('installs from the lockfile, the runtime without dev dependencies, and runs the compiled relay with node', () => {
    expect(dockerfile).not.toMatch(/npm install/);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toContain('CMD ["node", "dist-relay/relay/main.js"]');
    expect(dockerfile).not.toMatch(/^CMD .*tsx/m);
    // What the runtime stage copies from the build stage is what `npm run build:relay` produced above.
    for (const [, path] of dockerfile.matchAll(/^COPY --from=build \/app\/(\S+)/gm)) {
      if (path!.startsWith('dist-relay')) expect(existsSync(join(ROOT, path!))).toBe(true);
    }
  });
});
