// Real Yorisoi processes for the benchmarks and the fault tests: `bin/yorisoi start|worker`, the
// launcher production uses (it sets the memory behaviour and execs node, so the pid is node's),
// with their own environment, logs in a file, readiness, signals and memory figures from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../../bin/yorisoi.js', import.meta.url));

/** Encryption keys for this run (production requires them); every process of one run shares them. */
const DATA_ENCRYPTION_KEYS = `k1:${randomBytes(32).toString('base64')}`;
const LOOKUP_HASH_KEY = randomBytes(32).toString('base64');

/** What every spawned Yorisoi process gets: production settings, quiet enough for load. */
export function yorisoiEnv(options: {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  port?: number;
  line?: { secret: string; token: string; apiUrl: string };
  logLevel?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    PORT: String(options.port ?? 0),
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.redisPrefix,
    LOG_LEVEL: options.logLevel ?? 'info',
    SESSION_SECRET: 'bench-and-fault-tests-session-secret-0123456789',
    PUBLIC_BASE_URL: `http://localhost:${options.port ?? 3000}`,
    SHUTDOWN_TIMEOUT_MS: '3000',
    DATA_ENCRYPTION_KEYS,
    LOOKUP_HASH_KEY,
  };
  if (options.line) {
    env.LINE_CHANNEL_SECRET = options.line.secret;
    env.LINE_CHANNEL_ACCESS_TOKEN = options.line.token;
    env.LINE_API_BASE_URL = options.line.apiUrl;
    env.LINE_DATA_API_BASE_URL = options.line.apiUrl;
  }
  return { ...env, ...options.extra };
}

export interface YorisoiProcess {
  kind: 'start' | 'worker';
  pid: number;
  child: ChildProcess;
  /** http://127.0.0.1:<port> for `start`. */
  url: string | null;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** SIGKILL: no shutdown at all (the fault being tested). */
  kill9(): Promise<void>;
  /** SIGTERM and wait; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** Peak resident set (VmHWM) and current (VmRSS) in kB, while the process lives. */
  memory(): { peakKb: number; rssKb: number } | null;
  /** The last lines of the log (for failure messages). */
  logTail(lines?: number): string;
}

export function readProcMemory(pid: number): { peakKb: number; rssKb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const peak = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    if (!peak || !rss) return null;
    return { peakKb: Number(peak), rssKb: Number(rss) };
  } catch {
    return null;
  }
}

async function poll(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, failed?: () => string | null) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    const reason = failed?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Spawns `bin/yorisoi <kind>` (`start --no-worker` unless `inProcessWorker`) and waits until it
 * is ready: `/readyz` answers 200 for `start`; the worker's BullMQ workers are connected for
 * `worker`. `cli` is the bin/yorisoi.js of another build (its launcher beside it is used);
 * `nodeArgs` go to node after the launcher's own flags (YORISOI_NODE_ARGS).
 */
export async function spawnYorisoi(
  kind: 'start' | 'worker',
  env: Record<string, string>,
  options: { logFile: string; inProcessWorker?: boolean; readyTimeoutMs?: number; expectWorkers?: number; nodeArgs?: string[]; cli?: string },
): Promise<YorisoiProcess> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  const args = kind === 'start' ? ['start', ...(options.inProcessWorker ? [] : ['--no-worker'])] : ['worker'];
  const childEnv = { ...env, ...(kind === 'start' ? { WORKER_IN_PROCESS: options.inProcessWorker ? 'true' : 'false' } : {}) };
  const workersBefore = kind === 'worker' || options.inProcessWorker ? await countWorkers(env.REDIS_URL!, env.REDIS_PREFIX!) : 0;
  const launcher = join(dirname(options.cli ?? CLI), 'yorisoi');
  const launch = { ...childEnv, NODE: process.execPath, YORISOI_NODE_ARGS: (options.nodeArgs ?? []).join(' ') };
  const child = spawn('/bin/sh', [launcher, ...args], { cwd: ROOT, env: launch, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  const url = kind === 'start' ? `http://127.0.0.1:${env.PORT}` : null;
  const logTail = (lines = 30) => {
    try {
      return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const proc: YorisoiProcess = {
    kind,
    pid: child.pid!,
    child,
    url,
    logFile: options.logFile,
    exited,
    alive: () => exitInfo === null,
    async kill9() {
      if (exitInfo) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 10_000) {
      if (exitInfo) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
    memory: () => (exitInfo ? null : readProcMemory(child.pid!)),
    logTail,
  };
  const failed = () => (exitInfo ? `exited (${JSON.stringify(exitInfo)}):\n${logTail()}` : null);
  try {
    if (url) {
      if (!env.PORT || env.PORT === '0') throw new Error('spawnYorisoi start needs a fixed PORT');
      await poll(
        async () => (await fetch(`${url}/readyz`).then((r) => r.status === 200).catch(() => false)),
        options.readyTimeoutMs ?? 60_000,
        `yorisoi ${kind} ready`,
        failed,
      );
    }
    if (kind === 'worker' || options.inProcessWorker) {
      const expected = workersBefore + (options.expectWorkers ?? 1);
      await poll(
        async () => (await countWorkers(env.REDIS_URL!, env.REDIS_PREFIX!).catch(() => 0)) >= expected,
        options.readyTimeoutMs ?? 60_000,
        `yorisoi ${kind} workers connected`,
        failed,
      );
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return proc;
}

/** How many BullMQ workers listen on the `inbound` queue under a prefix (one per worker process). */
export async function countWorkers(redisUrl: string, prefix: string): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  connection.on('error', () => {});
  const queue = new Queue('inbound', { connection: connection as unknown as ConnectionOptions, prefix });
  try {
    return await queue.getWorkersCount();
  } finally {
    await queue.close().catch(() => {});
    connection.disconnect();
  }
}
