// What the benchmark stands on: a production build of the app, the fake LINE API and the bare
// endpoint in their own processes, databases cloned from the migrated template, and a cleanup
// list that runs whatever happens.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/client.js';
import setupTemplate from '../../test/support/global-setup.js';
import { createTestDatabase } from '../../test/support/databases.js';
import { freePort } from '../../test/support/services.js';
import { ROOT, readProcMemory, spawnYorisoi, yorisoiEnv, type YorisoiProcess } from '../../test/faults/support/processes.js';
import { helperProcesses } from './cpu.js';

export const SECRET = 'bench-line-channel-secret';
export const TOKEN = 'bench-line-channel-access-token';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const cleanups: (() => Promise<void> | void)[] = [];
export function onCleanup(fn: () => Promise<void> | void) {
  cleanups.unshift(fn);
}
export async function cleanupAll() {
  for (const fn of cleanups.splice(0)) {
    try {
      await fn();
    } catch {
      // best effort
    }
  }
}

/**
 * Compiles the app the way `npm run build` does, but into a temporary directory that mirrors the
 * repository (bin/, dist/, and links to node_modules, flows, data, public, prisma, scripts) so
 * that the shared working tree gets no dist/. `<build>/bin/yorisoi` then runs compiled
 * JavaScript exactly as a production install does. Returns null when compiling fails.
 */
export function buildProduction(): { cli: string; dir: string; ms: number } | null {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'yorisoi-bench-build-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist'), '--noEmitOnError', 'false'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (!existsSync(join(dir, 'dist', 'cli', 'index.js'))) {
    process.stderr.write(`compiling failed; running from the TypeScript sources instead:\n${result.stdout}${result.stderr}\n`);
    return null;
  }
  // bin/: the launcher (bin/yorisoi, memory settings) and the entry it runs (bin/yorisoi.js).
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  for (const entry of ['node_modules', 'flows', 'data', 'public', 'prisma', 'scripts', 'package.json', 'prisma.config.ts']) {
    if (existsSync(join(ROOT, entry))) symlinkSync(join(ROOT, entry), join(dir, entry));
  }
  return { cli: join(dir, 'bin', 'yorisoi.js'), dir, ms: Date.now() - started };
}

export interface Child {
  child: ChildProcess;
  pid: number;
  firstLine: string;
  stop(): Promise<void>;
  memory(): { peakKb: number; rssKb: number } | null;
}

/** A helper process (`tsx <script>`) that prints one line when it is ready. */
export async function spawnHelper(script: string, env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline >= 0) resolve(buffer.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  child.stdout!.resume();
  helperProcesses.set(child.pid!, script.includes('fake') ? 'fake LINE API' : 'bare endpoint');
  let exited = false;
  child.once('exit', () => (exited = true));
  const handle: Child = {
    child,
    pid: child.pid!,
    firstLine,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
    memory: () => readProcMemory(child.pid!),
  };
  onCleanup(() => handle.stop());
  return handle;
}

export async function startFakeLine(): Promise<{ apiUrl: string; controlUrl: string; process: Child }> {
  const helper = await spawnHelper('bench/fake-line-server.ts', { LINE_CHANNEL_ACCESS_TOKEN: TOKEN });
  const [, apiUrl, controlUrl] = helper.firstLine.trim().split(' ');
  return { apiUrl: apiUrl!, controlUrl: controlUrl!, process: helper };
}

export async function startBareEndpoint(): Promise<{ url: string; process: Child }> {
  const port = await freePort();
  const helper = await spawnHelper('bench/bare-line-endpoint.ts', { PORT: String(port), LINE_CHANNEL_SECRET: SECRET });
  return { url: `http://127.0.0.1:${port}`, process: helper };
}

export interface Deployment {
  databaseUrl: string;
  prefix: string;
  env(port?: number): Record<string, string>;
  /** A Prisma client with the same encryption keys as the deployment's processes. */
  db(): Db;
}

/** A database cloned from the migrated template and a Redis prefix of its own. */
export async function createDeployment(name: string, fakeApiUrl: string): Promise<Deployment> {
  await setupTemplate();
  const database = await createTestDatabase();
  const prefix = `bench${name}${randomBytes(3).toString('hex')}`;
  let db: Db | null = null;
  onCleanup(async () => {
    await db?.$disconnect();
    await clearPrefix(prefix);
    await database.drop();
  });
  const env = (port?: number) =>
    yorisoiEnv({ databaseUrl: database.url, redisUrl: REDIS_URL, redisPrefix: prefix, port, line: { secret: SECRET, token: TOKEN, apiUrl: fakeApiUrl } });
  return {
    databaseUrl: database.url,
    prefix,
    env,
    db() {
      if (!db) {
        // Whatever the app's configuration derives from this environment (e.g. encryption keys).
        const config = loadConfig(env()) as Record<string, unknown>;
        const options = ('dataEncryption' in config ? { encryption: config.dataEncryption } : {}) as Parameters<typeof createDb>[1];
        db = createDb(database.url, options);
      }
      return db;
    },
  };
}

export async function clearPrefix(prefix: string) {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Starts an app (`start`, workers elsewhere) or a worker of a deployment, stopped at cleanup. */
export async function startProcess(
  kind: 'start' | 'worker',
  deployment: Deployment,
  options: { cli?: string; logDir: string; label: string },
): Promise<YorisoiProcess> {
  const port = kind === 'start' ? await freePort() : undefined;
  // For investigations: BENCH_NODE_ARGS_START / BENCH_NODE_ARGS_WORKER (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
  const nodeArgs = process.env[`BENCH_NODE_ARGS_${kind.toUpperCase()}`]?.split(' ').filter(Boolean);
  const proc = await spawnYorisoi(kind, deployment.env(port), {
    logFile: join(options.logDir, `${options.label}.log`),
    ...(options.cli ? { cli: options.cli } : {}),
    ...(nodeArgs ? { nodeArgs } : {}),
  });
  onCleanup(() => proc.stop(5_000));
  return proc;
}
