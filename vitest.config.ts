import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'client/**/*.test.ts',
      'relay/**/*.test.ts',
      'shared/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Many tests run real-time audio through real WebRTC, emulators and Firestore; on a 2-core machine two
    // such files side by side starve each other's timers. One file at a time keeps their timing honest.
    fileParallelism: false,
  },
});
