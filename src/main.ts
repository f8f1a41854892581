import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionOptions } from 'bullmq';
import type { ResolvedConfig } from './config.js';
import { applyMigrations } from './db/migrate.js';
import { createHttpApp } from './http/app.js';
import { startWorkers, type WorkerSet } from './jobs/worker.js';
import type { Logger } from './platform/logger.js';
import { createRuntime, type Runtime } from './runtime.js';
import { buildProcessors } from './pipeline/processors.js';
import { buildChannels } from './channels/index.js';
import { RealtimeHub } from './realtime/hub.js';
import { createStaffRoutes } from './staff/index.js';
import { onCallRoutes } from './oncall/routes.js';

export interface RunningYorisoi {
  runtime: Runtime;
  /** Base URL of the HTTP server, when this process serves HTTP. */
  url?: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  http: boolean;
  worker: boolean;
  /** Apply pending migrations before anything else (default true). */
  migrate?: boolean;
}

/**
 * Start-up order: migrations → connections → workers → HTTP. Shutdown runs the other way:
 * stop accepting, finish in-flight requests, let workers finish their jobs, close pools.
 */
export async function startYorisoi(config: ResolvedConfig, logger: Logger, options: StartOptions): Promise<RunningYorisoi> {
  if (options.migrate ?? true) await applyMigrations(config.databaseUrl, logger);
  const runtime = createRuntime(config, logger);
  let shuttingDown = false;
  const shutdownHooks: (() => void | Promise<void>)[] = [];

  const hub = options.http ? new RealtimeHub(config.redisUrl, config.redisPrefix, logger) : null;
  if (hub) shutdownHooks.push(() => hub.close());
  const channels = buildChannels(runtime, hub ? { hub, onShutdown: (hook) => shutdownHooks.push(hook) } : null);

  let workers: WorkerSet | undefined;
  if (options.worker) {
    workers = await startWorkers({
      connection: runtime.redis as unknown as ConnectionOptions,
      prefix: config.redisPrefix,
      queues: runtime.queues,
      processors: await buildProcessors(runtime, channels),
      logger,
    });
  }

  let server: Server | undefined;
  let url: string | undefined;
  if (options.http) {
    const app = createHttpApp({
      logger,
      readiness: runtime.readiness,
      isShuttingDown: () => shuttingDown,
      embedOrigins: config.embedAllowedOrigins,
      trustProxy: config.trustProxy,
      quietSuccess: config.env === 'development',
      rawBodyRoutes: channels.flatMap((c) => c.rawBodyRoutes ?? []),
      routes: [
        ...createStaffRoutes(runtime, { hub: hub!, channels, onShutdown: (hook) => shutdownHooks.push(hook) }),
        ...channels.flatMap((c) => c.routes ?? []),
        { path: '/', handler: onCallRoutes({ db: runtime.db, secret: config.sessionSecret, publicBaseUrl: config.publicBaseUrl }) },
      ],
    });
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
    const { port } = server.address() as AddressInfo;
    url = `http://localhost:${port}`;
    logger.info({ port }, 'http server listening');
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      shuttingDown = true;
      logger.info('shutting down');
      const deadline = setTimeout(() => server?.closeAllConnections(), config.shutdownTimeoutMs);
      deadline.unref();
      if (server) {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.allSettled(shutdownHooks.map((hook) => hook()));
        await closed;
      }
      await workers?.close();
      await runtime.close();
      clearTimeout(deadline);
      logger.info('stopped');
    })());

  return { runtime, url, stop };
}
