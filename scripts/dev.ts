// `npm run dev`: the offline stack (relay + Live emulator + Firestore emulator) behind Vite's dev
// server with HMR, so designers iterate on every screen with no cloud account.
import { type ChildProcess, spawn } from 'node:child_process';

const relayPort = Number(process.env.RELAY_PORT ?? 8080);
const children: ChildProcess[] = [];

function start(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (shuttingDown) return;
    console.error(`${name} exited (${signal ?? code}); stopping the dev stack.`);
    stop(1);
  });
  children.push(child);
  return child;
}

let shuttingDown = false;
function stop(exitCode: number): void {
  if (shuttingDown) return;
  shuttingDown = true;
  for (const child of children) child.kill('SIGTERM');
  // Give the relay its drain window, then leave.
  setTimeout(() => process.exit(exitCode), 9_000).unref();
  Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve)))).then(() =>
    process.exit(exitCode),
  );
}

start('relay', ['--import', 'tsx', 'relay/main.ts'], {
  PORT: String(relayPort),
  HOST: process.env.HOST ?? '127.0.0.1',
  RTC_BIND_ADDRESS: process.env.RTC_BIND_ADDRESS ?? '127.0.0.1',
  // The dev server serves the client; the relay needs no built files.
  STATIC_DIR: process.env.STATIC_DIR ?? 'dist',
});
start('vite', ['node_modules/vite/bin/vite.js', '--host', '127.0.0.1', '--port', process.env.VITE_PORT ?? '5173'], {
  RELAY_URL: `http://127.0.0.1:${relayPort}`,
});

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
