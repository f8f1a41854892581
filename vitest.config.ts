import { configDefaults, defineConfig } from 'vitest/config';

// The desk's time zone (Kyoto), inherited by every test process: code that reads or writes a
// time as local time instead of UTC fails here rather than in production.
process.env.TZ ??= 'Asia/Tokyo';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The long fault drills (kill -9 under load, Redis/PostgreSQL outages) run with
    // `npm run test:faults`; a short one lives in test/integration/faults and runs here.
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Each file gets its own database (cloned from a migrated template) and Redis key prefix,
    // so files run in parallel against the one PostgreSQL and Redis.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
