import { Router } from 'express';

export interface ReadinessChecks {
  database(): Promise<boolean>;
  redis(): Promise<boolean>;
}

/**
 * `/healthz`: the process is alive (for restarts). `/readyz`: it can do useful work (for load
 * balancers): 503 while PostgreSQL or Redis does not answer, or while shutting down.
 */
export function healthRoutes(checks: ReadinessChecks, isShuttingDown: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  // For load balancers in front of webhook ingest: the webhook stores to PostgreSQL and
  // acknowledges even while Redis is down (a sweeper enqueues later), so only PostgreSQL counts.
  router.get('/readyz/ingest', async (_req, res) => {
    const database = await checks.database();
    const ready = database && !isShuttingDown();
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'unavailable', checks: { database: database ? 'ok' : 'down' } });
  });
  router.get('/readyz', async (_req, res) => {
    const [database, redis] = await Promise.all([checks.database(), checks.redis()]);
    const ready = database && redis && !isShuttingDown();
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        status: ready ? 'ready' : 'unavailable',
        checks: { database: database ? 'ok' : 'down', redis: redis ? 'ok' : 'down' },
        ...(isShuttingDown() ? { shuttingDown: true } : {}),
      });
  });
  return router;
}
