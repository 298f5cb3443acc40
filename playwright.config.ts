import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_BASE_ARGS, findChromium } from './scripts/chromium.js';

// e2e runs the real stack: built client + relay + Live emulator + Firestore emulator, all on loopback.
const port = Number(process.env.E2E_PORT ?? 8787);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Per port: two runs on different E2E_PORTs must not empty each other's traces.
  outputDir: process.env.E2E_PORT ? `test-results/e2e-${port}` : 'test-results',
  // Real-time audio on a 2-core machine: one browser at a time keeps timing honest.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_BASE_ARGS },
  },
  webServer: {
    command: 'node --import tsx relay/main.ts',
    url: `${baseURL}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      RTC_BIND_ADDRESS: '127.0.0.1',
      STATIC_DIR: 'dist',
      // A fresh Firestore data folder per run (this file is also loaded by workers; only this process's value is used).
      FIRESTORE_DATA_DIR:
        process.env.E2E_FIRESTORE_DATA_DIR ?? join(tmpdir(), `iol-e2e-firestore-${process.pid}-${Date.now()}`),
      LOG_LEVEL: 'warn',
    },
  },
});
