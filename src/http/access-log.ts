import type { RequestHandler } from 'express';
import type { Logger } from '../platform/logger.js';

export const ACCESS_SUMMARY_INTERVAL_MS = 60_000;

interface PathCounts {
  requests: number;
  failed: number;
  aborted: number;
  slowestMs: number;
}

/**
 * The access log of high-volume server-to-server endpoints (LINE's webhook: a request per event,
 * hundreds a second at peak). A log line per request cost more CPU than storing the event, and
 * says nothing a count does not: so a line per failed or aborted request (4xx warn, 5xx error,
 * the fields of the general access log) and, per interval, one summary line per path with the
 * number of requests. Counts of the last interval are lost when the process stops.
 */
export function summarisedAccessLog(logger: Logger, intervalMs = ACCESS_SUMMARY_INTERVAL_MS): RequestHandler {
  const counts = new Map<string, PathCounts>();
  const timer = setInterval(() => {
    for (const [path, c] of counts) {
      if (c.requests > 0) logger.info({ path, intervalS: Math.round(intervalMs / 1000), ...c }, 'requests summarised');
    }
    counts.clear();
  }, intervalMs);
  timer.unref();

  return (req, res, next) => {
    const started = Date.now();
    const path = req.url.split('?')[0]!;
    res.once('close', () => {
      const responseTime = Date.now() - started;
      let c = counts.get(path);
      if (!c) counts.set(path, (c = { requests: 0, failed: 0, aborted: 0, slowestMs: 0 }));
      c.requests++;
      if (responseTime > c.slowestMs) c.slowestMs = responseTime;
      const line = { req: { method: req.method, path }, res: { statusCode: res.statusCode }, responseTime };
      if (!res.writableFinished) {
        c.aborted++;
        logger.warn(line, 'request aborted');
      } else if (res.statusCode >= 400) {
        c.failed++;
        if (res.statusCode >= 500) logger.error(line, 'request completed');
        else logger.warn(line, 'request completed');
      }
    });
    next();
  };
}
