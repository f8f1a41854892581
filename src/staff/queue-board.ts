import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import type { RequestHandler, Router } from 'express';
import { HttpError } from '../http/errors.js';
import type { Runtime } from '../runtime.js';

// bull-board's page styles itself with inline styles and sets a <base>: this page alone gets a
// CSP that allows them. Scripts stay 'self' only, and the page can never be framed.
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** The admin-only view of the BullMQ queues (waiting, delayed, failed jobs; retry). */
export function queueBoard(runtime: Runtime, basePath: string): (RequestHandler | Router)[] {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: [runtime.queues.inbound, runtime.queues.delivery, runtime.queues.reminders, runtime.queues.notify, runtime.queues.maintenance].map(
      (queue) => new BullMQAdapter(queue),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'よりそい キュー' } },
  });
  const relaxCsp: RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', BOARD_CSP);
    next();
  };
  // bull-board's own API (retry, clean, empty) has no CSRF token: accept changes only from a
  // same-origin page, which the browser attests with Sec-Fetch-Site or Origin.
  const sameOriginWrites: RequestHandler = (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const host = req.get('host');
    const sameOrigin = site === 'same-origin' || (origin !== undefined && host !== undefined && hostOf(origin) === host);
    if (!sameOrigin) return next(new HttpError(403, 'csrf_failed', 'Cross-site request refused.'));
    next();
  };
  return [relaxCsp, sameOriginWrites, serverAdapter.getRouter() as Router];
}
