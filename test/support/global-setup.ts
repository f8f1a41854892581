import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { databaseUrl, templateName, withAdmin } from './databases.js';

const prismaWrapper = fileURLToPath(new URL('../../scripts/prisma.mjs', import.meta.url));
const consoleBuilder = new URL('../../scripts/build-console.mjs', import.meta.url).href;

/**
 * Builds the migrated template database once per migration set; every test file clones it
 * (CREATE DATABASE … TEMPLATE), which takes milliseconds instead of a migration run.
 */
export default async function setup() {
  // The browser tests drive the built console: build it first when its sources changed.
  const { buildConsole } = (await import(consoleBuilder)) as { buildConsole(options: { ifStale: boolean; quiet: boolean }): Promise<boolean> };
  await buildConsole({ ifStale: true, quiet: true });
  const template = templateName();
  await withAdmin(async (client) => {
    // Two test runs at once must not both build the template.
    await client.query('SELECT pg_advisory_lock(727001)');
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount) return;
      const building = `${template}_building`;
      await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${building}"`);
      const result = spawnSync(process.execPath, [prismaWrapper, 'migrate', 'deploy'], {
        env: { ...process.env, DATABASE_URL: databaseUrl(building) },
        encoding: 'utf8',
      });
      if (result.status !== 0) {
        throw new Error(`migrating the test template failed:\n${result.stdout}\n${result.stderr}`);
      }
      await client.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } finally {
      await client.query('SELECT pg_advisory_unlock(727001)');
    }
  });
}
