import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the long fault-injection tests (kill -9, Redis restart, PostgreSQL cut,
// LINE API errors). Each spawns real app and worker processes on its own database and Redis
// prefix; one file at a time, since they load the machine and measure recovery times.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
