import { readFileSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

// Files listed in test/quarantine.txt are held out of the default run, loudly, until fixed
// (see that file for why each is there); `npm run test:quarantine` runs exactly them.
const quarantined = readFileSync(new URL('./test/quarantine.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const runQuarantine = process.env.YORISOI_QUARANTINE === '1';
if (quarantined.length > 0 && !runQuarantine) {
  console.warn(`QUARANTINED (not run, see test/quarantine.txt): ${quarantined.join(', ')}`);
}

// The desk's time zone (Kyoto), inherited by every test process: code that reads or writes a
// time as local time instead of UTC fails here rather than in production.
process.env.TZ ??= 'Asia/Tokyo';

export default defineConfig({
  test: {
    include: runQuarantine ? quarantined : ['test/**/*.test.ts'],
    // The long fault drills (kill -9 under load, Redis/PostgreSQL outages) run with
    // `npm run test:faults`; a short one lives in test/integration/faults and runs here.
    exclude: [...configDefaults.exclude, 'test/faults/**', ...(runQuarantine ? [] : quarantined)],
    globalSetup: ['test/support/global-setup.ts'],
    // Each file gets its own database (cloned from a migrated template) and Redis key prefix,
    // so files run in parallel against the one PostgreSQL and Redis.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
