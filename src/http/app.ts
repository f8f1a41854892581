import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../platform/logger.js';
import { summarisedAccessLog } from './access-log.js';
import { errorHandler, notFound } from './errors.js';
import { healthRoutes, type ReadinessChecks } from './health.js';

export const JSON_BODY_LIMIT = '64kb';

export interface HttpAppOptions {
  logger: Logger;
  readiness: ReadinessChecks;
  isShuttingDown: () => boolean;
  /**
   * Webhooks: server-to-server routes that read their own raw body (the LINE webhook verifies a
   * signature over the bytes). They come first in the stack and their POSTs get a summarised
   * access log (src/http/access-log.ts): they are most of the traffic, and browser security
   * headers mean nothing to the servers that call them.
   */
  rawBodyRoutes?: { path: string; handler: RequestHandler | express.Router }[];
  /** Routes that take JSON bodies (parsed with a size limit before they run). */
  routes?: { path: string; handler: RequestHandler | express.Router }[];
  trustProxy?: boolean | number | string;
  /** Origins allowed to frame the web chat. */
  embedOrigins?: string[];
  /**
   * Successful requests logged at debug, not info (development: a line per request of the page
   * and its polling scrolled the printed URLs away; refusals and failures still show).
   */
  quietSuccess?: boolean;
}

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? 'loopback');
  app.set('query parser', 'simple');

  const httpLog = pinoHttp({
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
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : options.quietSuccess ? 'debug' : 'info',
  });
  // One access log per request: the summarised one for webhook POSTs, pino-http for the rest.
  const webhookLog = summarisedAccessLog(options.logger);
  const webhookPaths = new Set((options.rawBodyRoutes ?? []).map((route) => route.path));
  app.use((req, res, next) => {
    const path = req.url.split('?')[0]!;
    const isWebhook = req.method === 'POST' && webhookPaths.has(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
    return isWebhook ? webhookLog(req, res, next) : httpLog(req, res, next);
  });
  for (const route of options.rawBodyRoutes ?? []) app.use(route.path, route.handler);

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

  app.use(healthRoutes(options.readiness, options.isShuttingDown));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  for (const route of options.routes ?? []) app.use(route.path, route.handler);

  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
