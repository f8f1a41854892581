import { randomBytes } from 'node:crypto';
import { loadConfig, type ResolvedConfig } from '../../src/config.js';
import { startYorisoi, type RunningYorisoi } from '../../src/main.js';
import { createLogger } from '../../src/platform/logger.js';
import { createTestDatabase } from './databases.js';
import { clearRedisPrefix } from './services.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testConfig(overrides: Record<string, string> = {}): ResolvedConfig {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `t${randomBytes(5).toString('hex')}`,
    SHUTDOWN_TIMEOUT_MS: '3000',
    ...overrides,
  });
  if (!config.databaseUrl) throw new Error('testConfig needs DATABASE_URL');
  return config as ResolvedConfig;
}

export interface TestApp extends RunningYorisoi {
  config: ResolvedConfig;
  url: string;
  /** Stops the app and removes its database and Redis keys. */
  dispose(): Promise<void>;
}

/** A real Yorisoi (HTTP + workers) on its own database and Redis prefix. */
export async function startTestApp(
  options: { env?: Record<string, string>; worker?: boolean; databaseUrl?: string } = {},
): Promise<TestApp> {
  const database = options.databaseUrl ? null : await createTestDatabase();
  const config = testConfig({ DATABASE_URL: options.databaseUrl ?? database!.url, ...options.env });
  const logger = createLogger({ level: config.logLevel });
  const running = await startYorisoi(config, logger, { http: true, worker: options.worker ?? true, migrate: false });
  return {
    ...running,
    config,
    url: running.url!,
    async dispose() {
      await running.stop();
      await clearRedisPrefix(TEST_REDIS_URL, config.redisPrefix).catch(() => {});
      await database?.drop();
    },
  };
}
