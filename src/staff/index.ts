import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router, type Response } from 'express';
import type { Channel } from '../db/client.js';
import type { CaseDeps } from '../cases/deps.js';
import type { ChannelAdapter } from '../pipeline/channel-adapter.js';
import type { ChannelPlugin } from '../pipeline/wiring.js';
import { loadDeskHours } from '../desk/load.js';
import { RealtimePublisher } from '../realtime/bus.js';
import { loadReminderPolicy } from '../reminders/policy.js';
import type { RealtimeHub } from '../realtime/hub.js';
import type { Runtime } from '../runtime.js';
import { authenticate, csrfGuard, requireRole } from './auth.js';
import { domainErrors } from './errors.js';
import { LoginService } from './login.js';
import { buildOpenApi } from './openapi.js';
import { mountOperations, type Operation } from './operations.js';
import { staffOperations } from './routes.js';
import { consoleOperations } from './console-routes.js';
import { notificationOperations } from './notification-routes.js';
import { analyticsOperations } from './analytics-routes.js';
import { crisisOperations } from './crisis-routes.js';
import { peopleOperations } from './people-routes.js';
import { createLineReadMarker } from '../channels/line/mark-as-read.js';
import { queueBoard } from './queue-board.js';
import { sessionCookieName } from './sessions.js';
import { caseAudienceOf } from './stream-audience.js';

export { ensureDemoSupervisor, createStaffUser, DEMO_SUPERVISOR_EMAIL } from './accounts.js';

export const STAFF_PUBLIC_DIR = fileURLToPath(new URL('../../public/staff/', import.meta.url));
export const STAFF_API_PATH = '/api/staff';

/** A page of the console (built by Vite from console/ into public/staff/, see console/README.md). */
function sendPage(res: Response, file: 'index.html' | 'print.html' | 'dashboard.html') {
  res.set('Cache-Control', 'no-store');
  if (!existsSync(`${STAFF_PUBLIC_DIR}${file}`)) {
    res.status(503).type('text/plain; charset=utf-8').send('The staff console is not built: run `npm run build` (or `npm run build:console`).');
    return;
  }
  res.sendFile(file, { root: STAFF_PUBLIC_DIR });
}

/**
 * The staff console: its JSON API (with the live stream) under /api/staff and its page under
 * /staff. Mount before the web channel, which serves its static files at /.
 */
export function createStaffRoutes(
  runtime: Runtime,
  options: { hub: RealtimeHub; channels: ChannelPlugin[]; onShutdown(hook: () => void | Promise<void>): void },
): { path: string; handler: Router }[] {
  const { db, config, logger } = runtime;
  const publisher = new RealtimePublisher(runtime.redisFailFast, config.redisPrefix, logger);
  const adapters: Partial<Record<Channel, ChannelAdapter>> = {};
  for (const plugin of options.channels) adapters[plugin.adapter.channel] = plugin.adapter;
  const deps: CaseDeps = {
    db,
    publish: async (topic, event) => {
      // Staff streams judge each case event by who could open the case right after the change.
      if (topic.kind === 'staff' && event.type === 'case' && event.caseId && !event.audience) {
        const audience = await caseAudienceOf(db, event.caseId).catch(() => null);
        if (audience) event = { ...event, audience };
      }
      await publisher.publish(topic, event);
    },
    queues: runtime.queuesFailFast,
    adapters,
    logger,
    reminderPolicy: loadReminderPolicy(loadDeskHours(runtime.config.deskHoursFile)),
    now: () => new Date(),
  };

  const liveStreams = new Set<Response>();
  options.onShutdown(() => {
    for (const stream of liveStreams) stream.end();
  });

  let openApi: unknown;
  const operations: Operation[] = [
    ...staffOperations({
    deps,
    login: new LoginService(db, runtime.redisFailFast, config.redisPrefix, logger),
    hub: options.hub,
    isProduction: config.isProduction,
    liveStreams,
    openApi: () =>
      (openApi ??= buildOpenApi(operations, {
        basePath: STAFF_API_PATH,
        version: process.env.npm_package_version ?? '0.1.0',
        cookieName: sessionCookieName(config.isProduction),
      })),
    }),
    ...notificationOperations(db),
    ...consoleOperations(),
    ...analyticsOperations(deps),
    ...crisisOperations(db),
    ...peopleOperations({ deps, redis: runtime.redisFailFast, redisPrefix: config.redisPrefix, markLineRead: createLineReadMarker(config.line) }),
  ];

  const apiRouter = Router();
  apiRouter.use((_req, res, next) => {
    // Case data must never sit in a shared or browser cache.
    res.set('Cache-Control', 'no-store');
    next();
  });
  mountOperations(apiRouter, operations.filter((op) => op.roles === 'public'));
  apiRouter.use(authenticate(db, config.isProduction), csrfGuard);
  mountOperations(apiRouter, operations.filter((op) => op.roles !== 'public'));
  apiRouter.use(domainErrors);

  const pageRouter = Router();
  pageRouter.use((_req, res, next) => {
    // The chat may be framed by the sites in EMBED_ALLOWED_ORIGINS; the console never (clickjacking).
    const csp = res.getHeader('Content-Security-Policy');
    if (typeof csp === 'string') res.setHeader('Content-Security-Policy', csp.replace(/frame-ancestors[^;]*/, "frame-ancestors 'none'"));
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  // Admins watch the job queues (bull-board) inside the console, behind the same session.
  pageRouter.use('/queues', authenticate(db, config.isProduction), requireRole(['ADMIN']), queueBoard(runtime, '/staff/queues'));
  pageRouter.get('/handovers/:id/print', (_req, res) => sendPage(res, 'print.html'));
  pageRouter.get(['/dashboard', '/dashboard.html'], (_req, res) => sendPage(res, 'dashboard.html'));
  // Built assets carry a content hash in their names (console/vite.config.ts): cache them long.
  pageRouter.use('/assets', express.static(`${STAFF_PUBLIC_DIR}assets`, { immutable: true, maxAge: '30d', index: false, redirect: false }));
  pageRouter.use(express.static(STAFF_PUBLIC_DIR, { index: false, redirect: false }));
  // Every other page path is a route of the console (/staff/cases/:id, /staff/queue?…): the same
  // shell, which reads the URL. Paths that look like files stay 404.
  pageRouter.get('/{*route}', (req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? next() : sendPage(res, 'index.html')));

  return [
    { path: STAFF_API_PATH, handler: apiRouter },
    { path: '/staff', handler: pageRouter },
  ];
}
