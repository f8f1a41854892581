import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/databases.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { startPrivateRedis, startTcpProxy, waitFor } from '../../support/services.js';

async function readiness(app: TestApp) {
  const response = await fetch(`${app.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
}

describe('health and readiness', () => {
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: TestApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    proxy = await startTcpProxy(5432);
    database = await createTestDatabase();
    const url = new URL(database.url);
    url.port = String(proxy.port);
    // No workers: they would block on the Redis this test takes away.
    app = await startTestApp({ databaseUrl: url.toString(), env: { REDIS_URL: redis.url }, worker: false });
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
    await proxy?.close();
    await database?.drop();
  });

  it('answers /healthz and /readyz when everything is up', async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await readiness(app)).toEqual({ status: 200, body: expect.objectContaining({ status: 'ready', checks: { database: 'ok', redis: 'ok' } }) });
  });

  it('turns /readyz 503 within 2 s of Redis stopping, and back to 200 when it returns', async () => {
    await redis.stop();
    const stoppedAt = Date.now();
    await waitFor(async () => (await readiness(app)).status === 503, { timeoutMs: 2_000 });
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
    expect((await readiness(app)).body.checks).toEqual({ database: 'ok', redis: 'down' });
    // Webhook ingest still works without Redis (events are stored, swept later): its probe stays up.
    expect((await fetch(`${app.url}/readyz/ingest`)).status).toBe(200);
    // /healthz stays 200: the process itself is fine, it must not be restarted.
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);

    redis = await startPrivateRedis(redis.port);
    await waitFor(async () => (await readiness(app)).status === 200, { timeoutMs: 10_000 });
  });

  it('turns /readyz 503 while PostgreSQL is unreachable, and back when it returns', async () => {
    proxy.cut();
    const cutAt = Date.now();
    await waitFor(async () => (await readiness(app)).status === 503, { timeoutMs: 2_000 });
    expect(Date.now() - cutAt).toBeLessThan(2_000);
    expect((await readiness(app)).body.checks.database).toBe('down');
    expect((await fetch(`${app.url}/readyz/ingest`)).status).toBe(503);
    proxy.restore();
    await waitFor(async () => (await readiness(app)).status === 200, { timeoutMs: 10_000 });
  });
});

describe('HTTP basics', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ worker: false });
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('sends security headers and a request id', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with the one JSON error shape', async () => {
    const response = await fetch(`${app.url}/no/such/thing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No such resource.' } });
  });

  it('rejects malformed JSON and huge bodies clearly, without a stack trace', async () => {
    const malformed = await fetch(`${app.url}/api/anything`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text": ' });
    expect(malformed.status).toBe(400);
    const body = await malformed.json();
    expect(body).toEqual({ error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.js/);

    const huge = await fetch(`${app.url}/api/anything`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'あ'.repeat(200_000) }),
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe('payload_too_large');
  });
});
