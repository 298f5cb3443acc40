// Makes sure a Chromium for e2e exists: finds one, or installs Debian's `chromium` when we are root.
import { spawnSync } from 'node:child_process';
import { findChromium } from './chromium.js';

function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

const found = findChromium();
if (found) {
  console.log(`chromium: ${found}`);
  process.exit(0);
}
if (process.env.CHROMIUM_PATH) {
  console.error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist.`);
  process.exit(1);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = isRoot ? [] : ['sudo', '-n'];
console.log('chromium not found; installing Debian package `chromium` …');
const [head, ...rest] = [...sudo, 'apt-get'];
const ok =
  run(head ?? 'apt-get', [...rest, 'update', '-qq']) &&
  run(head ?? 'apt-get', [...rest, 'install', '-y', '-qq', 'chromium']);
const installed = findChromium();
if (!ok || !installed) {
  console.error(
    'Could not install Chromium. Install it yourself (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium/Chrome binary.',
  );
  process.exit(1);
}
console.log(`chromium: ${installed}`);
