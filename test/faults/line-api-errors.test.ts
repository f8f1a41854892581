// The LINE API fails: 500s and 429s (rate limit), and pushes that LINE accepted but whose answer
// was lost (a 500 after the fact). Every message still reaches the person exactly once: failures
// are retried with backoff, and a retried push carries the same X-Line-Retry-Key (LINE answers
// 409 for a key it already accepted, which counts as delivered).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLineUserId, lineEvents, postLineWebhook, type FakeLineApi } from '../fakes/fake-line-api.js';
import { account, createDeployment, SECRET, waitDeliveriesSettled, waitProcessed, type Deployment } from './support/harness.js';

/** In front of the fake LINE API: the first `lose` accepted pushes are answered 500 instead. */
async function lossyProxy(fake: () => FakeLineApi, lose: number) {
  let lost = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        const upstream = await fetch(`${fake().url}${req.url}`, { method: req.method, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
        const body = Buffer.from(await upstream.arrayBuffer());
        if (req.url === '/v2/bot/message/push' && upstream.status === 200 && lost < lose) {
          lost++;
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'An error occurred in the server' }));
          return;
        }
        const out: Record<string, string> = {};
        upstream.headers.forEach((value, key) => {
          if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection') out[key] = value;
        });
        res.writeHead(upstream.status, out).end(body);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lost: () => lost,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('fault: the LINE API answers 500 and 429, and loses answers', () => {
  let deployment: Deployment;
  let proxy: Awaited<ReturnType<typeof lossyProxy>>;

  beforeAll(async () => {
    proxy = await lossyProxy(() => deployment.fake, 5);
    deployment = await createDeployment({ fakeApiUrl: () => proxy.url });
  });
  afterAll(async () => {
    await deployment?.dispose();
    await proxy?.close();
  });

  it('delivers each message exactly once', async () => {
    const app = await deployment.startApp();
    await deployment.startWorker();
    const { fake } = deployment;
    fake.failNext('/v2/bot/message/reply', 500, { message: 'An error occurred in the server' }, 6);
    fake.failNext('/v2/bot/message/reply', 429, { message: 'The API rate limit has been exceeded. Try again later.' }, 6);
    fake.failNext('/v2/bot/message/push', 500, { message: 'An error occurred in the server' }, 4);
    fake.failNext('/v2/bot/message/push', 429, { message: 'The API rate limit has been exceeded. Try again later.' }, 4);

    // Half the people answered by reply (fresh token), half by push (events without a token).
    const withToken = Array.from({ length: 8 }, () => fakeLineUserId());
    const withoutToken = Array.from({ length: 8 }, () => fakeLineUserId());
    const events: { webhookEventId: string; kind: string; messageId?: string }[] = [];
    for (const [users, options] of [
      [withToken, {}],
      [withoutToken, { replyToken: null }],
    ] as const) {
      for (const userId of users) {
        const follow = lineEvents.follow(userId, false, options);
        const messageId = `${Date.now()}${String(events.length).padStart(5, '0')}`;
        const text = lineEvents.text(userId, '家族のことで相談したいです', { ...options, messageId });
        for (const event of [follow, text]) {
          const response = await postLineWebhook(app.url!, SECRET, { events: [event] });
          expect(response.status).toBe(200);
        }
        events.push({ webhookEventId: follow.webhookEventId, kind: 'follow' }, { webhookEventId: text.webhookEventId, kind: 'text', messageId });
      }
    }

    const { unprocessed } = await waitProcessed(deployment.db, events.map((e) => e.webhookEventId), 30_000);
    expect(unprocessed).toEqual([]);
    await waitDeliveriesSettled(deployment.db, 90_000);

    const result = await account(deployment, events);
    expect(result.missingMessages).toEqual([]);
    expect(result.duplicateMessages).toEqual([]);
    expect(result.unsentDeliveries, `${result.details.join('\n')}\n${deployment.logs()}`).toBe(0);
    expect(result.undelivered, result.details.join('\n')).toBe(0);
    expect(result.duplicateDeliveries, result.details.join('\n')).toBe(0);

    // The faults did happen: failed calls were retried, lost pushes were retried under their key.
    const failed = fake.calls.filter((c) => (c.path === '/v2/bot/message/reply' || c.path === '/v2/bot/message/push') && (c.status === 500 || c.status === 429));
    expect(failed.length).toBe(20);
    expect(proxy.lost()).toBe(5);
    const conflicts = fake.calls.filter((c) => c.path === '/v2/bot/message/push' && c.status === 409);
    expect(conflicts.length).toBeGreaterThanOrEqual(5);
    console.info(`LINE API faults: ${failed.length} calls failed (500/429), ${proxy.lost()} accepted pushes answered 500, ${conflicts.length} retried pushes answered 409; ${result.deliveries} deliveries, each delivered once`);
  }, 180_000);
});
