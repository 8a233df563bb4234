import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Unit tests of an exercise's own fakes (hidden/fakes.ts) import the harness as suites do.
  resolve: { alias: { 'bugbash/harness': path.join(import.meta.dirname, 'src/harness/index.ts') } },
  test: {
    include: ['test/**/*.test.ts'],
    // Hidden suites of fixture sets are run by the grader, not as our own tests.
    exclude: ['test/fixtures/**', 'node_modules/**'],
    pool: 'forks',
    // Two test files at a time on two cores: much of a file's time is spent waiting on the
    // grader's child processes, so vitest's default of one worker there leaves a core idle.
    maxWorkers: 2,
    setupFiles: ['test/support/cleanup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
