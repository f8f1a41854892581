// Access logs: a structured line per request for the app's own routes, but for webhooks (a request
// per LINE event) only the failures and a periodic count — and never a body or an id of a person.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express, { Router } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarisedAccessLog } from '../../../src/http/access-log.js';
import { createHttpApp } from '../../../src/http/app.js';
import { HttpError } from '../../../src/http/errors.js';
import { waitFor } from '../../support/services.js';

function capturingLogger() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }));
  });
}

function webhookRouter(): Router {
  const router = Router();
  router.post('/', (req, res) => {
    if (req.get('x-fail')) throw new HttpError(Number(req.get('x-fail')), 'failed', 'Failed on purpose.');
    req.resume();
    res.status(200).json({});
  });
  return router;
}

describe('access logs', () => {
  const { logger, lines } = capturingLogger();
  let url: string;
  let server: Server;
  beforeAll(async () => {
    const app = createHttpApp({
      logger,
      readiness: { database: async () => true, redis: async () => true },
      isShuttingDown: () => false,
      rawBodyRoutes: [{ path: '/webhooks/test', handler: webhookRouter() }],
    });
    ({ url, server } = await listen(app));
  });
  afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));

  const completed = () => lines.filter((l) => l.msg === 'request completed');

  it('logs webhook failures as structured lines, and successful webhook calls not one by one', async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${url}/webhooks/test`, { method: 'POST', body: '{"text":"秘密"}' })).status).toBe(200);
    const unauthorised = await fetch(`${url}/webhooks/test?token=abc`, { method: 'POST', headers: { 'x-fail': '401' }, body: '{}' });
    expect(unauthorised.status).toBe(401);
    expect((await fetch(`${url}/webhooks/test`, { method: 'POST', headers: { 'x-fail': '500' }, body: '{}' })).status).toBe(500);

    await waitFor(() => completed().length >= 2);
    const webhookLines = completed().filter((l) => l.req.path === '/webhooks/test');
    expect(webhookLines).toEqual([
      expect.objectContaining({ level: 40, req: { method: 'POST', path: '/webhooks/test' }, res: { statusCode: 401 }, responseTime: expect.any(Number) }),
      expect.objectContaining({ level: 50, req: { method: 'POST', path: '/webhooks/test' }, res: { statusCode: 500 } }),
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/秘密|token=abc/);
    expect(unauthorised.headers.get('x-request-id')).toBeNull();
  });

  it('keeps a line per request, with a request id, for everything else', async () => {
    const response = await fetch(`${url}/no/such/thing?q=x`);
    expect(response.status).toBe(404);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => completed().some((l) => l.req.id === id));
    expect(completed().find((l) => l.req.id === id)).toMatchObject({ level: 40, req: { method: 'GET', path: '/no/such/thing' }, res: { statusCode: 404 } });
    // A GET to a webhook path is not a webhook call: it gets the general access log (and helmet).
    const get = await fetch(`${url}/webhooks/test`);
    expect(get.status).toBe(404);
    expect(get.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(get.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('counts webhook requests per interval in one summary line', async () => {
    const summary = capturingLogger();
    const app = express();
    app.use(summarisedAccessLog(summary.logger, 100));
    app.use('/webhooks/test', webhookRouter());
    const { url: summaryUrl, server: summaryServer } = await listen(app);
    try {
      for (let i = 0; i < 3; i++) await fetch(`${summaryUrl}/webhooks/test`, { method: 'POST', body: '{}' });
      await fetch(`${summaryUrl}/webhooks/test`, { method: 'POST', headers: { 'x-fail': '401' }, body: '{}' });
      await waitFor(() => summary.lines.some((l) => l.msg === 'requests summarised'));
      expect(summary.lines.find((l) => l.msg === 'requests summarised')).toMatchObject({
        level: 30,
        path: '/webhooks/test',
        requests: 4,
        failed: 1,
        aborted: 0,
        slowestMs: expect.any(Number),
      });
    } finally {
      await new Promise<void>((resolve) => summaryServer.close(() => resolve()));
    }
  });
});
