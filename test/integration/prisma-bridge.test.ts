// The offline schema-engine bridge (scripts/prisma-schema-engine.mjs) driven through the real
// Prisma CLI (scripts/prisma.mjs) against the real PostgreSQL, on a throwaway schema and database.
// This is the test to run after bumping `prisma` and `@prisma/schema-engine-wasm` (scripts/README.md).
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, uniqueName, withAdmin } from '../support/databases.js';

const wrapper = fileURLToPath(new URL('../../scripts/prisma.mjs', import.meta.url));
const bridge = fileURLToPath(new URL('../../scripts/prisma-schema-engine.mjs', import.meta.url));

// "8.1.0-2.59be4fda…" → the engine commit hash the bridge reports.
const require = createRequire(import.meta.url);
const wasmPackage = JSON.parse(
  readFileSync(join(dirname(require.resolve('@prisma/schema-engine-wasm')), 'package.json'), 'utf8'),
) as { version: string };
const engineHash = wasmPackage.version.split('.').at(-1) ?? '';

const SCHEMA_V1 = `
generator client {
  provider = "prisma-client"
  output   = "./generated"
}

datasource db {
  provider = "postgresql"
}

model Author {
  id    Int    @id @default(autoincrement())
  email String @unique
  notes Note[]
}

model Note {
  id       Int    @id @default(autoincrement())
  text     String @default("a;b")
  authorId Int
  author   Author @relation(fields: [authorId], references: [id], onDelete: Cascade)
}
`;

// Semicolons inside a function body and a string: the migration must reach PostgreSQL whole.
const APPEND_ONLY_TRIGGER = `
CREATE FUNCTION "note_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Note is append-only; % refused', TG_OP;
END;
$$;
CREATE TRIGGER "note_no_update" BEFORE UPDATE ON "Note" FOR EACH ROW EXECUTE FUNCTION "note_append_only"();
`;

// A config without imports: the scratch directory has no node_modules to resolve from.
const CONFIG = `export default {
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
};
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  output: string;
}

let workDir: string;
let traceFile: string;
const database = uniqueName('bridge_test');
const url = databaseUrl(database);

function run(command: string[], options: { databaseUrl?: string | undefined } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    PRISMA_SCHEMA_ENGINE_BRIDGE_TRACE: traceFile,
  };
  if (options.databaseUrl === undefined) delete env.DATABASE_URL;
  delete env.PRISMA_SCHEMA_ENGINE_BINARY; // exercise the bridge, not someone's real binary
  return new Promise((resolve) => {
    execFile(process.execPath, command, { cwd: workDir, env, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

const prisma = (args: string[], options?: { databaseUrl?: string | undefined }) => run([wrapper, ...args], options);

async function query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const tablesInPublic = async () =>
  (
    await query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
  ).map((row) => row.table_name);

const migrationDirs = () =>
  readdirSync(join(workDir, 'migrations'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

describe('offline Prisma schema engine bridge', () => {
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'prisma-bridge-'));
    traceFile = join(workDir, 'bridge-trace.log');
    writeFileSync(join(workDir, 'prisma.config.ts'), CONFIG);
    writeFileSync(join(workDir, 'schema.prisma'), SCHEMA_V1);
  });

  afterAll(async () => {
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    rmSync(workDir, { recursive: true, force: true });
  });

  it('answers --version, directly and as the CLI’s schema engine', async () => {
    const direct = await run([bridge, '--version']);
    expect(direct.code).toBe(0);
    expect(direct.stdout.trim()).toBe(`schema-engine-cli ${engineHash}`);

    const cli = await prisma(['--version']);
    expect(cli.code, cli.output).toBe(0);
    expect(cli.stdout).toMatch(
      new RegExp(`Schema Engine\\s*: schema-engine-cli ${engineHash} \\(.*resolved by PRISMA_SCHEMA_ENGINE_BINARY\\)`),
    );
  });

  it('prints SQL for migrate diff --from-empty, with no database configured', async () => {
    const diff = await prisma(['migrate', 'diff', '--from-empty', '--to-schema', 'schema.prisma', '--script']);
    expect(diff.code, diff.output).toBe(0);
    expect(diff.stdout).toContain('CREATE TABLE "Author"');
    expect(diff.stdout).toContain(`"text" TEXT NOT NULL DEFAULT 'a;b'`);
    expect(diff.stdout).toContain('ON DELETE CASCADE');
  });

  it('creates the database and a migration with migrate dev --create-only, applying nothing', async () => {
    const dev = await prisma(['migrate', 'dev', '--name', 'init', '--create-only'], { databaseUrl: url });
    expect(dev.code, dev.output).toBe(0);

    const [init] = migrationDirs();
    expect(init).toMatch(/^\d{14}_init$/);
    const script = readFileSync(join(workDir, 'migrations', init!, 'migration.sql'), 'utf8');
    expect(script).toContain('CREATE TABLE "Note"');
    expect(await tablesInPublic()).not.toContain('Note');

    appendFileSync(join(workDir, 'migrations', init!, 'migration.sql'), APPEND_ONLY_TRIGGER);
  });

  it('applies pending migrations with migrate deploy; a second deploy is a no-op', async () => {
    const deploy = await prisma(['migrate', 'deploy'], { databaseUrl: url });
    expect(deploy.code, deploy.output).toBe(0);
    expect(await tablesInPublic()).toEqual(['Author', 'Note', '_prisma_migrations']);
    const triggers = await query(`SELECT 1 FROM pg_trigger WHERE tgname = 'note_no_update'`);
    expect(triggers).toHaveLength(1);

    const before = await query(`SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY 1`);
    expect(before).toHaveLength(1);

    const again = await prisma(['migrate', 'deploy'], { databaseUrl: url });
    expect(again.code, again.output).toBe(0);
    expect(again.stdout).toContain('No pending migrations to apply');
    expect(await query(`SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY 1`)).toEqual(before);
  });

  it('runs migrate dev over a pending migration with shadow databases, and drops them', async () => {
    // A pending migration (as after pulling a teammate's work) plus a new schema change.
    writeFileSync(join(workDir, 'schema.prisma'), SCHEMA_V1.replace('email String @unique', 'email String @unique\n  name  String?'));
    const draft = await prisma(['migrate', 'dev', '--name', 'add_name', '--create-only'], { databaseUrl: url });
    expect(draft.code, draft.output).toBe(0);
    writeFileSync(
      join(workDir, 'schema.prisma'),
      SCHEMA_V1.replace('email String @unique', 'email String @unique\n  name  String?\n  bio   String?'),
    );

    const dev = await prisma(['migrate', 'dev', '--name', 'add_bio'], { databaseUrl: url });
    expect(dev.code, dev.output).toBe(0);
    expect(migrationDirs()).toHaveLength(3);
    const columns = await query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'Author' ORDER BY column_name`,
    );
    expect(columns.map((row) => row.column_name)).toEqual(['bio', 'email', 'id', 'name']);

    const status = await prisma(['migrate', 'status'], { databaseUrl: url });
    expect(status.code, status.output).toBe(0);
    expect(status.stdout).toContain('Database schema is up to date');

    const created = [...readFileSync(traceFile, 'utf8').matchAll(/shadow created (\S+)/g)].map((match) => match[1]);
    expect(created.length).toBeGreaterThan(0);
    const left = await withAdmin((client) =>
      client.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [created]),
    );
    expect(left.rows).toEqual([]);
  });

  it('fails migrate deploy on a broken migration, shows the error and rolls the migration back', async () => {
    const broken = join(workDir, 'migrations', '29991231000000_broken');
    mkdirSync(broken);
    writeFileSync(
      join(broken, 'migration.sql'),
      'CREATE TABLE "ShouldRollBack" (id int);\nALTER TABLE "DoesNotExist" ADD COLUMN x int;\n',
    );

    const deploy = await prisma(['migrate', 'deploy'], { databaseUrl: url });
    expect(deploy.code).not.toBe(0);
    expect(deploy.output).toContain('DoesNotExist');
    expect(await tablesInPublic()).not.toContain('ShouldRollBack');
    const [record] = await query<{ finished_at: Date | null }>(
      `SELECT finished_at FROM _prisma_migrations WHERE migration_name = '29991231000000_broken'`,
    );
    expect(record?.finished_at).toBeNull();

    // Like the native engine: later deploys refuse to run past a failed migration.
    const again = await prisma(['migrate', 'deploy'], { databaseUrl: url });
    expect(again.code).not.toBe(0);
    expect(again.output).toContain('P3009');
  });
});
