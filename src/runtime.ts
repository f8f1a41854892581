import type { ConnectionOptions } from 'bullmq';
import type { ResolvedConfig } from './config.js';
import { createDb, databaseIsReachable, type Db } from './db/client.js';
import { createQueues, type Queues } from './jobs/queues.js';
import type { Logger } from './platform/logger.js';
import { createFailFastRedis, createRedis, redisIsReachable, type Redis } from './platform/redis.js';

/** The long-lived connections a process holds, opened once and closed once. */
export interface Runtime {
  config: ResolvedConfig;
  logger: Logger;
  db: Db;
  /** Shared by BullMQ queues and publishers; waits for Redis to come back. */
  redis: Redis;
  /** Fails at once while Redis is down: readiness probes and best-effort enqueues. */
  redisFailFast: Redis;
  queues: Queues;
  /** Fail-fast queues: an enqueue while Redis is down rejects instead of waiting. */
  queuesFailFast: Queues;
  readiness: { database(): Promise<boolean>; redis(): Promise<boolean> };
  close(): Promise<void>;
}

export function createRuntime(config: ResolvedConfig, logger: Logger): Runtime {
  const db = createDb(config.databaseUrl, { encryption: config.dataEncryption, poolSize: config.databasePoolSize });
  if (config.dataEncryption.development && config.env === 'development') {
    logger.warn('data is encrypted with the public development key (set DATA_ENCRYPTION_KEYS and LOOKUP_HASH_KEY for real data)');
  }
  const redis = createRedis(config.redisUrl);
  const redisFailFast = createFailFastRedis(config.redisUrl);
  // Swallow connection errors here: readiness reports them, and ioredis reconnects by itself.
  for (const connection of [redis, redisFailFast]) connection.on('error', () => {});
  const queues = createQueues(redis as unknown as ConnectionOptions, config.redisPrefix);
  const queuesFailFast = createQueues(redisFailFast as unknown as ConnectionOptions, config.redisPrefix);
  return {
    config,
    logger,
    db,
    redis,
    redisFailFast,
    queues,
    queuesFailFast,
    readiness: {
      database: () => databaseIsReachable(db),
      redis: () => redisIsReachable(redisFailFast),
    },
    async close() {
      await Promise.allSettled([queues.close(), queuesFailFast.close()]);
      redis.disconnect();
      redisFailFast.disconnect();
      await db.$disconnect();
    },
  };
}
