import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

/**
 * A connection for BullMQ and pub/sub. BullMQ requires `maxRetriesPerRequest: null` on
 * connections used by workers; commands wait for a reconnect rather than failing.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(200 * attempt, 2_000),
    ...options,
  });
}

/** How long a request path waits for one Redis command before going on without it. */
export const FAIL_FAST_COMMAND_TIMEOUT_MS = 1_000;

/**
 * A connection that fails commands at once while Redis is unreachable, for readiness probes
 * and for the request paths' best-effort work: enqueues (an event is already stored; the
 * sweeper retries), realtime publishes, rate-limit counters (an in-memory limit stands in).
 * A Redis that is frozen rather than down (connection open, nothing answered) would make a
 * command wait forever: each command is also bounded in time.
 */
export function createFailFastRedis(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 1_000,
    commandTimeout: FAIL_FAST_COMMAND_TIMEOUT_MS,
    retryStrategy: () => 500,
  });
}

export async function redisIsReachable(redis: Redis, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((reply) => reply === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
