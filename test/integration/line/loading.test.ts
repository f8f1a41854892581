// The loading animation's own LINE client and its rate limit: the call LINE documents, failures
// that stay quiet, a timeout, and no call (nor timer) beyond LINE's 100 calls a second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createLoadingAnimation, createLoadingClient, LoadingCallError } from '../../../src/channels/line/loading.js';
import { fakeLineUserId, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';

const TOKEN = 'loading-test-token';
const LOADING = '/v2/bot/chat/loading/start';
const logger = pino({ level: 'silent' });

describe('LINE loading animation', () => {
  let fake: FakeLineApi;
  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('sends the documented request with the bearer token', async () => {
    const client = createLoadingClient({ apiBaseUrl: `${fake.url}/`, channelAccessToken: TOKEN });
    const chatId = fakeLineUserId();
    await client.showLoadingAnimation({ chatId, loadingSeconds: 10 });
    await client.showLoadingAnimation({ chatId, loadingSeconds: 10 });
    const calls = fake.callsTo(LOADING).filter((c) => c.body.chatId === chatId);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ status: 202, body: { chatId, loadingSeconds: 10 }, headers: expect.objectContaining({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }) });
  });

  it('rejects on an error status or a wrong token, and after its timeout', async () => {
    const client = createLoadingClient({ apiBaseUrl: fake.url, channelAccessToken: TOKEN, timeoutMs: 300 });
    fake.failNext(LOADING, 429, { message: 'Too Many Requests' });
    await expect(client.showLoadingAnimation({ chatId: fakeLineUserId(), loadingSeconds: 10 })).rejects.toEqual(new LoadingCallError(429));
    const wrongToken = createLoadingClient({ apiBaseUrl: fake.url, channelAccessToken: 'not-the-token' });
    await expect(wrongToken.showLoadingAnimation({ chatId: fakeLineUserId(), loadingSeconds: 10 })).rejects.toBeInstanceOf(LoadingCallError);
    fake.delayNext(LOADING, 2_000);
    const started = Date.now();
    await expect(client.showLoadingAnimation({ chatId: fakeLineUserId(), loadingSeconds: 10 })).rejects.toThrow(/within 300 ms/);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('never rejects, waits at most its head start, and calls LINE at most maxPerSecond times', async () => {
    const client = createLoadingClient({ apiBaseUrl: fake.url, channelAccessToken: TOKEN });
    const show = createLoadingAnimation(client, logger, 10, 5, 100);
    fake.delayNext(LOADING, 1_000);
    const slow = fakeLineUserId();
    const started = Date.now();
    await show([slow]);
    expect(Date.now() - started).toBeLessThan(600);
    fake.failNext(LOADING, 500);
    await expect(show([fakeLineUserId()])).resolves.toBeUndefined();
    const burst = Array.from({ length: 10 }, () => fakeLineUserId());
    const before = fake.callsTo(LOADING).length;
    await Promise.all(burst.map((chatId) => show([chatId])));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // 5 a second: 2 used above, so at most 3 (plus the refill of these few milliseconds) now.
    expect(fake.callsTo(LOADING).length - before).toBeLessThanOrEqual(4);
  });
});
