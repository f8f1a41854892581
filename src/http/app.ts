import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../platform/logger.js';
import { errorHandler, notFound } from './errors.js';
import { healthRoutes, type ReadinessChecks } from './health.js';

export const JSON_BODY_LIMIT = '64kb';

export interface HttpAppOptions {
  logger: Logger;
  readiness: ReadinessChecks;
  isShuttingDown: () => boolean;
  /** Routes that read their own raw body (the LINE webhook verifies a signature over the bytes). */
  rawBodyRoutes?: { path: string; handler: RequestHandler | express.Router }[];
  /** Routes that take JSON bodies (parsed with a size limit before they run). */
  routes?: { path: string; handler: RequestHandler | express.Router }[];
  trustProxy?: boolean | number | string;
  /** Origins allowed to frame the web chat. */
  embedOrigins?: string[];
}

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? 'loopback');
  app.set('query parser', 'simple');

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'self'", ...(options.embedOrigins ?? [])],
        },
      },
      crossOriginEmbedderPolicy: false,
      // frame-ancestors decides who may frame the chat; X-Frame-Options would forbid the embeds.
      xFrameOptions: options.embedOrigins?.length ? false : { action: 'sameorigin' },
    }),
  );

  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Only the route shape and outcome: no query strings, bodies, cookies or user ids.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  );

  app.use(healthRoutes(options.readiness, options.isShuttingDown));
  for (const route of options.rawBodyRoutes ?? []) app.use(route.path, route.handler);
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  for (const route of options.routes ?? []) app.use(route.path, route.handler);

  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
