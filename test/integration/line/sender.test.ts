// The LINE sender against the fake API, without the app: timeouts, ordering and error mapping.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineClient } from '../../../src/channels/line/client.js';
import { LineRetryableError, createLineSender } from '../../../src/channels/line/sender.js';
import type { OutboundDelivery } from '../../../src/db/client.js';
import { PermanentDeliveryError } from '../../../src/pipeline/delivery.js';
import { createLogger } from '../../../src/platform/logger.js';
import { fakeLineUserId, fakeReplyToken, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';

const TOKEN = 'sender-test-token';
const PUSH = '/v2/bot/message/push';

function delivery(overrides: Partial<OutboundDelivery> = {}): OutboundDelivery {
  return {
    id: randomUUID(),
    conversationId: null,
    channel: 'LINE',
    recipient: fakeLineUserId(),
    recipientHash: null,
    payload: { messages: [{ type: 'text', text: 'こんにちは' }] },
    replyToken: null,
    replyTokenExpiresAt: null,
    retryKey: randomUUID(),
    status: 'PENDING',
    attempts: 0,
    lastError: null,
    claimedUntil: null,
    replyAttemptedAt: null,
    createdAt: new Date(),
    sentAt: null,
    ...overrides,
  };
}

describe('LINE sender', () => {
  let fake: FakeLineApi;
  const logger = createLogger({ level: 'silent' });
  let client: ReturnType<typeof createLineClient>;

  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
    client = createLineClient({ channelSecret: 's', channelAccessToken: TOKEN, apiBaseUrl: fake.url, dataApiBaseUrl: fake.url });
  });
  afterAll(async () => {
    await fake?.close();
  });

  const sender = (extra: Partial<Parameters<typeof createLineSender>[0]> = {}) =>
    createLineSender({ client, logger, isBlocked: async () => false, timeoutMs: 300, ...extra });

  describe('a reply whose answer never came (the sender was killed, or the call timed out)', () => {
    const REPLY = '/v2/bot/message/reply';
    const inMinute = () => new Date(Date.now() + 55_000);

    /** The first attempt: the reply reaches LINE slowly, the sender gives up waiting (as a killed one would). */
    async function firstAttemptLost() {
      const marks: string[] = [];
      const d = delivery({ replyToken: fakeReplyToken(), replyTokenExpiresAt: inMinute() });
      fake.delayNext(REPLY, 700);
      await expect(sender({ recordReplyAttempt: async (id) => void marks.push(id) }).send(d)).rejects.toBeInstanceOf(LineRetryableError);
      await fake.waitForCalls((c) => c.path === REPLY && c.body.replyToken === d.replyToken && c.status === 200);
      // The attempt was recorded before LINE was called: that is what the next sender sees.
      expect(marks).toEqual([d.id]);
      return { d, attempted: { ...d, replyAttemptedAt: new Date() } };
    }
    const shown = (d: OutboundDelivery) => fake.delivered().filter((x) => x.replyToken === d.replyToken || x.to === d.recipient);

    it('is never pushed under a new key once its token expired: given up as outcome unknown', async () => {
      const { d, attempted } = await firstAttemptLost();
      const afterLease = { ...attempted, replyTokenExpiresAt: new Date(Date.now() - 1_000) };
      const refused = await sender().send(afterLease).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PermanentDeliveryError);
      expect((refused as PermanentDeliveryError).code).toBe('outcome_unknown');
      expect(fake.callsTo(PUSH).filter((c) => c.body.to === d.recipient)).toEqual([]);
      expect(shown(d)).toHaveLength(1);
    });

    it('while its token lives, replies again with it: the 400 for a used token counts as delivered', async () => {
      const { d, attempted } = await firstAttemptLost();
      await expect(sender().send(attempted)).resolves.toBeUndefined();
      expect(fake.callsTo(REPLY).filter((c) => c.body.replyToken === d.replyToken).map((c) => c.status)).toEqual([200, 400]);
      expect(fake.callsTo(PUSH).filter((c) => c.body.to === d.recipient)).toEqual([]);
      expect(shown(d)).toHaveLength(1);
    });

    it('a refused token (400 on the first call) is forgotten and the messages are pushed once', async () => {
      const forgotten: string[] = [];
      const d = delivery({ replyToken: fakeReplyToken(), replyTokenExpiresAt: inMinute() });
      fake.invalidateReplyToken(d.replyToken!);
      await expect(sender({ recordReplyAttempt: async () => {}, forgetReplyToken: async (id) => void forgotten.push(id) }).send(d)).resolves.toBeUndefined();
      expect(forgotten).toEqual([d.id]);
      expect(fake.delivered().filter((x) => x.to === d.recipient).map((x) => x.via)).toEqual(['push']);
    });
  });

  it("a push that times out is retried under the same key; LINE's 409 then counts as delivered", async () => {
    const d = delivery();
    fake.delayNext(PUSH, 700);
    await expect(sender().send(d)).rejects.toBeInstanceOf(LineRetryableError);
    // The slow first request did reach LINE: the retry must not show the message twice.
    await fake.waitForCalls((c) => c.path === PUSH && c.body.to === d.recipient && c.status === 200);
    await expect(sender().send(d)).resolves.toBeUndefined();
    expect(fake.callsTo(PUSH).filter((c) => c.body.to === d.recipient).map((c) => c.status)).toEqual([200, 409]);
    expect(fake.delivered().filter((x) => x.to === d.recipient)).toHaveLength(1);
  });

  it('maps LINE answers to retry or give up', async () => {
    const cases: [number, unknown, string | 'retry'][] = [
      [400, { message: 'The request body has 1 error(s)' }, 'invalid_request'],
      [401, { message: 'Authentication failed' }, 'invalid_token'],
      [403, { message: 'Forbidden' }, 'forbidden'],
      [404, { message: 'Not found' }, 'not_found'],
      [429, { message: 'You have reached your monthly limit.' }, 'quota_exhausted'],
      [429, { message: 'Too Many Requests' }, 'retry'],
      [500, { message: 'Internal Server Error' }, 'retry'],
      [502, 'Bad Gateway', 'retry'],
    ];
    for (const [status, body, expected] of cases) {
      fake.failNext(PUSH, status, body);
      const error = await sender().send(delivery()).then(() => null, (e: unknown) => e);
      if (expected === 'retry') expect(error, `${status}`).toBeInstanceOf(LineRetryableError);
      else expect(error, `${status}`).toMatchObject({ name: 'PermanentDeliveryError', code: expected });
    }
  });

  it('a network failure is retried', async () => {
    const offline = createLineClient({ channelSecret: 's', channelAccessToken: TOKEN, apiBaseUrl: 'http://127.0.0.1:1', dataApiBaseUrl: 'http://127.0.0.1:1' });
    await expect(createLineSender({ client: offline, logger, isBlocked: async () => false }).send(delivery())).rejects.toBeInstanceOf(LineRetryableError);
  });

  it('a reply that fails with a 5xx is retried (not pushed), a 400 falls back to push', async () => {
    const token = fakeReplyToken();
    fake.failNext('/v2/bot/message/reply', 500);
    const d = delivery({ replyToken: token, replyTokenExpiresAt: new Date(Date.now() + 30_000) });
    await expect(sender().send(d)).rejects.toBeInstanceOf(LineRetryableError);
    expect(fake.calls.filter((c) => c.body?.to === d.recipient)).toHaveLength(0);
    await sender().send(d);
    expect(fake.delivered().filter((x) => x.replyToken === token)).toHaveLength(1);
  });

  it('waits for an earlier unsent delivery to the same person before sending', async () => {
    let earlierPending = true;
    const d = delivery();
    setTimeout(() => (earlierPending = false), 250);
    const started = Date.now();
    await sender({ hasEarlierPending: async () => earlierPending }).send(d);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(fake.delivered().filter((x) => x.to === d.recipient)).toHaveLength(1);
  }, 10_000);

  it('refuses a malformed stored payload and a blocked person permanently, without calling LINE', async () => {
    const before = fake.calls.length;
    await expect(sender().send(delivery({ payload: { messages: [] } }))).rejects.toMatchObject({ code: 'invalid_payload' });
    await expect(sender({ isBlocked: async () => true }).send(delivery())).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(fake.calls.length).toBe(before);
  });
});
