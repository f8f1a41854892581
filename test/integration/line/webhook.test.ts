// The webhook's contract with LINE: signature on the raw bytes, durable storage before the 200,
// no waiting for processing, 5xx only when the event could not be stored.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/databases.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { startPrivateRedis, startTcpProxy, waitFor } from '../../support/services.js';
import { fakeLineUserId, fakeWebhookEventId, lineEvent, lineEvents, postLineWebhook, signLineBody, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';
import { lookupHash } from '../../support/encrypted.js';

const SECRET = 'webhook-test-channel-secret';
const TOKEN = 'webhook-test-access-token';

describe('POST /webhooks/line', () => {
  let fake: FakeLineApi;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: TestApp;
  const post = (body: object | string, options?: Parameters<typeof postLineWebhook>[3]) => postLineWebhook(app.url, SECRET, body, options);
  const count = () => app.runtime.db.inboundEvent.count();

  beforeAll(async () => {
    [fake, redis, proxy, database] = await Promise.all([startFakeLineApi({ channelAccessToken: TOKEN }), startPrivateRedis(), startTcpProxy(5432), createTestDatabase()]);
    const url = new URL(database.url);
    url.port = String(proxy.port);
    // No workers: the webhook must answer and store without anyone processing, and this file
    // takes Redis and PostgreSQL away.
    app = await startTestApp({
      databaseUrl: url.toString(),
      worker: false,
      env: { REDIS_URL: redis.url, LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LINE_DATA_API_BASE_URL: fake.url },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all([redis?.stop(), proxy?.close(), fake?.close()]);
    await database?.drop();
  });

  it('refuses a missing or wrong signature with 401 and stores nothing, even for an empty batch', async () => {
    const event = lineEvents.text(fakeLineUserId(), 'こんにちは');
    for (const response of [
      await post({ events: [event] }, { signature: null }),
      await post({ events: [event] }, { signature: signLineBody('something else', SECRET) }),
      await post({ events: [event] }, { signature: signLineBody(JSON.stringify({ events: [event] }), 'another-secret') }),
      await post({ events: [] }, { signature: null }),
      await post({ events: [event] }, { signature: 'not base64 at all ***' }),
    ]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: { code: 'invalid_signature', message: expect.any(String) } });
    }
    expect(await count()).toBe(0);
  });

  it('verifies the signature on the raw bytes (escapes that re-serialising would change)', async () => {
    const userId = fakeLineUserId();
    const raw = `{"destination":"Ubot","events":[${JSON.stringify(lineEvents.text(userId, 'x')).replace('"text":"x"', '"text":"\\uD83E\\uDD28 \\u3042"')}]}`;
    const response = await post(raw);
    expect(response.status).toBe(200);
    const stored = await app.runtime.db.inboundEvent.findFirstOrThrow({ where: { sourceKey: `line:${lookupHash(app.runtime.db, userId)}` } });
    expect((stored.payload as any).event.message.text).toBe('🤨 あ');
  });

  it('answers 400 to malformed JSON or a body that is no webhook, after a valid signature, storing nothing', async () => {
    const before = await count();
    for (const raw of ['{"events": [', '', '[]', '{"destination":"U1"}']) {
      const response = await post(raw);
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toMatch(/^(malformed_json|invalid_request)$/);
    }
    expect(await count()).toBe(before);
  });

  it("answers LINE's verification request (no events) with 200", async () => {
    const response = await post({ events: [] });
    expect(response.status).toBe(200);
  });

  it('stores every event keyed by webhookEventId before answering, and does not wait for processing', async () => {
    const userId = fakeLineUserId();
    const text = lineEvents.text(userId, 'はじめまして', { timestamp: Date.parse('2026-01-05T00:00:00Z') });
    const unknown = lineEvent('somethingNew', userId, { somethingNew: { x: 1 } });
    const group = lineEvents.groupText('Cgroupabc', userId, 'hi');
    const noId = { type: 'message', timestamp: Date.now(), source: { type: 'user', userId } };
    const started = Date.now();
    const response = await post({ events: [text, unknown, group, noId] });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);

    const rows = await app.runtime.db.inboundEvent.findMany({ where: { externalId: { in: [text.webhookEventId, unknown.webhookEventId, group.webhookEventId] } } });
    expect(rows).toHaveLength(3);
    const byId = new Map(rows.map((r) => [r.externalId, r]));
    expect(byId.get(text.webhookEventId)).toMatchObject({ channel: 'LINE', sourceKey: `line:${lookupHash(app.runtime.db, userId)}`, occurredAt: new Date('2026-01-05T00:00:00Z'), processedAt: null });
    expect(byId.get(group.webhookEventId)!.sourceKey).toBe(`line:${lookupHash(app.runtime.db, 'Cgroupabc')}`);
    const payload = byId.get(text.webhookEventId)!.payload as any;
    expect(payload.destination).toBe('Udeadbeefdeadbeefdeadbeefdeadbeef');
    expect(Date.parse(payload.receivedAt)).toBeGreaterThanOrEqual(started - 1000);
    expect(payload.event).toEqual(text);

    // No worker runs here: nothing was answered, but the loading animation started for the user.
    await fake.waitForCalls((c) => c.path === '/v2/bot/chat/loading/start' && c.body.chatId === userId);
    expect(fake.callsTo('/v2/bot/message')).toHaveLength(0);
    const loading = fake.callsTo('/v2/bot/chat/loading/start').find((c) => c.body.chatId === userId)!;
    expect(loading.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(loading.body.loadingSeconds % 5).toBe(0);
  });

  it('stores a redelivered or duplicated event once', async () => {
    const userId = fakeLineUserId();
    const event = lineEvents.text(userId, 'もう一度');
    expect((await post({ events: [event, event] })).status).toBe(200);
    const redelivered = { ...event, deliveryContext: { isRedelivery: true } };
    expect((await post({ events: [redelivered] })).status).toBe(200);
    expect(await app.runtime.db.inboundEvent.count({ where: { externalId: event.webhookEventId } })).toBe(1);
  });

  it('shows no loading animation for standby or group events', async () => {
    const userId = fakeLineUserId();
    const group = lineEvents.groupText('Cgroupdef', userId, 'hi');
    const standby = lineEvents.text(userId, 'hi', { mode: 'standby' });
    expect((await post({ events: [group, standby] })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsTo('/v2/bot/chat/loading/start').filter((c) => c.body.chatId === userId)).toHaveLength(0);
  });

  it('still stores and answers 200 while Redis is down (the sweeper enqueues later)', async () => {
    await redis.stop();
    try {
      const event = lineEvents.text(fakeLineUserId(), 'Redis is down');
      const started = Date.now();
      const response = await post({ events: [event] });
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await app.runtime.db.inboundEvent.count({ where: { externalId: event.webhookEventId } })).toBe(1);
    } finally {
      redis = await startPrivateRedis(redis.port);
    }
  });

  it('answers 5xx while PostgreSQL is unreachable, so LINE delivers again; the redelivery is stored', async () => {
    const event = lineEvents.text(fakeLineUserId(), 'PostgreSQL is down');
    proxy.cut();
    try {
      const response = await post({ events: [event] });
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(JSON.stringify(await response.json())).not.toMatch(/at .*\.js|SELECT|INSERT/);
    } finally {
      proxy.restore();
    }
    await waitFor(async () => (await post({ events: [{ ...event, deliveryContext: { isRedelivery: true } }] })).status === 200, { timeoutMs: 10_000 });
    expect(await app.runtime.db.inboundEvent.count({ where: { externalId: event.webhookEventId } })).toBe(1);
  });

  it('refuses bodies over 1 MB with 413', async () => {
    const response = await post({ events: [lineEvents.text(fakeLineUserId(), 'あ'.repeat(400_000))] });
    expect(response.status).toBe(413);
  });

  it('refuses compressed bodies with 415 (the signature is over the bytes LINE sent)', async () => {
    const text = JSON.stringify({ events: [lineEvents.text(fakeLineUserId(), 'gzip')] });
    const response = await fetch(`${app.url}/webhooks/line`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-line-signature': signLineBody(text, SECRET) },
      body: gzipSync(text),
    });
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_encoding');
  });

  it('stores text with NUL or a lone surrogate, with U+FFFD in their place', async () => {
    const userId = fakeLineUserId();
    const event = lineEvents.text(userId, 'x');
    const raw = JSON.stringify({ destination: 'Ubot', events: [event] }).replace('"text":"x"', '"text":"a\\u0000b\\ud800c","\\udc00key":1');
    expect((await post(raw)).status).toBe(200);
    const stored = await app.runtime.db.inboundEvent.findFirstOrThrow({ where: { externalId: event.webhookEventId } });
    expect((stored.payload as any).event.message.text).toBe('a\ufffdb\ufffdc');
    expect((stored.payload as any).event.message['\ufffdkey']).toBe(1);
  });
});

describe('POST /webhooks/line without LINE credentials', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ worker: false });
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('answers 503 line_not_configured', async () => {
    const response = await postLineWebhook(app.url, 'whatever', { events: [{ type: 'follow', webhookEventId: fakeWebhookEventId() }] });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: { code: 'line_not_configured', message: expect.stringContaining('LINE_CHANNEL_SECRET') } });
  });
});
