import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from '../platform/logger.js';
import { createFailFastRedis, redisIsReachable } from '../platform/redis.js';

export class RedisUnavailableError extends Error {
  constructor(url: string) {
    super(
      [
        `Nothing answers at REDIS_URL (${url}) and no redis-server was found on PATH to start one.`,
        'Install Redis and run the command again:',
        '  Debian/Ubuntu: sudo apt-get install -y redis-server',
        '  macOS:         brew install redis',
        '  Docker:        docker run -d -p 6379:6379 redis:7',
        'Or set REDIS_URL to a Redis you already have.',
      ].join('\n'),
    );
    this.name = 'RedisUnavailableError';
  }
}

async function answers(url: string): Promise<boolean> {
  const probe = createFailFastRedis(url);
  probe.on('error', () => {});
  try {
    for (let i = 0; i < 3; i++) {
      if (await redisIsReachable(probe, 500)) return true;
      await new Promise((r) => setTimeout(r, 150));
    }
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Dev mode: use the Redis at `url` if it answers; otherwise start a local redis-server (data under
 * .data/redis, append-only on so a restart keeps the queues) for the life of this process.
 */
export async function ensureDevRedis(url: string, dataRoot: string, logger: Logger): Promise<{ stop(): Promise<void> }> {
  if (await answers(url)) return { stop: async () => {} };
  const parsed = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(parsed.hostname);
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (!local || found.error || found.status !== 0) throw new RedisUnavailableError(url);

  const dir = resolve(dataRoot, 'redis');
  await mkdir(dir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', parsed.port || '6379', '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) {
      logger.info({ dir }, 'started a local redis-server for dev');
      return {
        stop: async () => {
          child.kill('SIGTERM');
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(url);
}
