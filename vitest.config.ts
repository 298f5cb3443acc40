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
  },
});
