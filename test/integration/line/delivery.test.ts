// Sending stored deliveries to LINE: reply vs push, the stable retry key, retry vs give up,
// batching, and the staff-reply path (a delivery row without a reply token is pushed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineAdapter } from '../../../src/channels/line/adapter.js';
import type { OutboundMessage } from '../../../src/conversation/types.js';
import { deliver } from '../../../src/pipeline/delivery.js';
import { createDeliveries } from '../../../src/pipeline/process-source.js';
import { sweep } from '../../../src/pipeline/sweeper.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { fakeLineUserId, fakeReplyToken, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';

const SECRET = 'delivery-test-secret';
const TOKEN = 'delivery-test-token';
const PUSH = '/v2/bot/message/push';
const REPLY = '/v2/bot/message/reply';

describe('LINE deliveries', () => {
  let fake: FakeLineApi;
  let app: TestApp;
  const adapter = createLineAdapter('https://yorisoi.example.jp');

  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
    app = await startTestApp({
      env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LINE_DATA_API_BASE_URL: fake.url },
    });
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  const db = () => app.runtime.db;

  /** A LINE person with an open conversation (as after a follow). */
  async function person(options: { blocked?: boolean } = {}) {
    const userId = fakeLineUserId();
    const contact = await db().contact.create({ data: { channel: 'LINE', channelUserId: userId, blockedAt: options.blocked ? new Date() : null } });
    const conversation = await db().conversation.create({ data: { contactId: contact.id } });
    const kase = await db().case.create({ data: { conversationId: conversation.id, channel: 'LINE' } });
    return { userId, conversationId: conversation.id, caseId: kase.id };
  }

  /** What the staff console does: store deliveries through the pipeline, then enqueue them. */
  async function queue(to: { userId: string; conversationId: string }, messages: OutboundMessage[], replyToken?: { token: string; expiresAt: Date }) {
    const ids = await db().$transaction((tx) => createDeliveries(tx, adapter, 'LINE', to.conversationId, to.userId, messages, replyToken));
    await Promise.all(ids.map((id) => app.runtime.queues.add('delivery', id, { deliveryId: id })));
    return ids;
  }

  const finished = (id: string) =>
    waitFor(async () => (await db().outboundDelivery.findUniqueOrThrow({ where: { id } })).status !== 'PENDING', { timeoutMs: 15_000 });

  it('pushes a delivery without a reply token with its retry key (the staff-reply path)', async () => {
    const p = await person();
    const [id] = await queue(p, [{ type: 'text', text: '相談員の山田です。お返事が遅くなりました。' }]);
    await finished(id!);
    const delivery = await db().outboundDelivery.findUniqueOrThrow({ where: { id: id! } });
    expect(delivery).toMatchObject({ status: 'SENT', attempts: 1, lastError: null });
    const [push] = fake.callsTo(PUSH).filter((c) => c.body.to === p.userId);
    expect(push!.headers['x-line-retry-key']).toBe(delivery.retryKey);
    expect(push!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(push!.body.messages).toEqual([{ type: 'text', text: '相談員の山田です。お返事が遅くなりました。' }]);
  });

  it('replies while the token is fresh; an expired token is not tried, the message is pushed', async () => {
    const fresh = await person();
    const token = fakeReplyToken();
    const [replied] = await queue(fresh, [{ type: 'text', text: 'reply' }], { token, expiresAt: new Date(Date.now() + 50_000) });
    await finished(replied!);
    expect(fake.callsTo(REPLY).filter((c) => c.body.replyToken === token).map((c) => c.status)).toEqual([200]);
    expect(fake.callsTo(PUSH).filter((c) => c.body.to === fresh.userId)).toHaveLength(0);

    const stale = await person();
    const staleToken = fakeReplyToken();
    const [pushed] = await queue(stale, [{ type: 'text', text: 'push' }], { token: staleToken, expiresAt: new Date(Date.now() - 1_000) });
    await finished(pushed!);
    expect(fake.calls.filter((c) => c.body?.replyToken === staleToken)).toHaveLength(0);
    const delivery = await db().outboundDelivery.findUniqueOrThrow({ where: { id: pushed! } });
    expect(delivery.status).toBe('SENT');
    expect(fake.callsTo(PUSH).filter((c) => c.body.to === stale.userId).map((c) => c.headers['x-line-retry-key'])).toEqual([delivery.retryKey]);
  });

  it('falls back to push when LINE refuses the reply token (400 Invalid reply token)', async () => {
    const p = await person();
    const token = fakeReplyToken();
    fake.invalidateReplyToken(token);
    const [id] = await queue(p, [{ type: 'text', text: 'used token' }], { token, expiresAt: new Date(Date.now() + 50_000) });
    await finished(id!);
    const delivery = await db().outboundDelivery.findUniqueOrThrow({ where: { id: id! } });
    expect(delivery.status).toBe('SENT');
    expect(fake.callsTo(REPLY).filter((c) => c.body.replyToken === token).map((c) => c.status)).toEqual([400]);
    const pushes = fake.delivered().filter((d) => d.to === p.userId);
    expect(pushes).toEqual([{ via: 'push', to: p.userId, replyToken: null, retryKey: delivery.retryKey, messages: [{ type: 'text', text: 'used token' }] }]);
  });

  it('retries a 429 (rate limit) and delivers exactly once with the same retry key', async () => {
    const p = await person();
    fake.failNext(PUSH, 429, { message: 'Too Many Requests' });
    const [id] = await queue(p, [{ type: 'text', text: 'rate limited once' }]);
    await finished(id!);
    const delivery = await db().outboundDelivery.findUniqueOrThrow({ where: { id: id! } });
    expect(delivery).toMatchObject({ status: 'SENT', attempts: 2 });
    const attempts = fake.callsTo(PUSH).filter((c) => c.body.to === p.userId);
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(new Set(attempts.map((c) => c.headers['x-line-retry-key']))).toEqual(new Set([delivery.retryKey]));
    expect(fake.delivered().filter((d) => d.to === p.userId)).toHaveLength(1);
  });

  it('retries a 5xx, then succeeds', async () => {
    const p = await person();
    fake.failNext(PUSH, 503, { message: 'Service Unavailable' });
    const [id] = await queue(p, [{ type: 'text', text: 'server error once' }]);
    await finished(id!);
    expect(await db().outboundDelivery.findUniqueOrThrow({ where: { id: id! } })).toMatchObject({ status: 'SENT', attempts: 2 });
    expect(fake.callsTo(PUSH).filter((c) => c.body.to === p.userId).map((c) => c.status)).toEqual([503, 200]);
  });

  it('treats 409 (retry key already accepted) as delivered', async () => {
    const p = await person();
    fake.failNext(PUSH, 409, { message: 'The retry key is already accepted', sentMessages: [] }, 1, { 'x-line-accepted-request-id': 'b3d8f5f2-0000-4000-8000-000000000000' });
    const [id] = await queue(p, [{ type: 'text', text: 'accepted before' }]);
    await finished(id!);
    expect(await db().outboundDelivery.findUniqueOrThrow({ where: { id: id! } })).toMatchObject({ status: 'SENT', attempts: 1 });
  });

  it('records a permanent 403 for staff (FAILED + audit) and does not retry it', async () => {
    const p = await person();
    fake.failNext(PUSH, 403, { message: 'Not authorized to push messages' });
    const [id] = await queue(p, [{ type: 'text', text: 'forbidden' }]);
    await finished(id!);
    const delivery = await db().outboundDelivery.findUniqueOrThrow({ where: { id: id! } });
    expect(delivery).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(delivery.lastError).toMatch(/^forbidden: /);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: 'delivery.failed', caseId: p.caseId } });
    expect(audit.detail).toEqual({ deliveryId: id, code: 'forbidden' });
    await new Promise((r) => setTimeout(r, 1_500)); // past the first backoff
    expect(fake.callsTo(PUSH).filter((c) => c.body.to === p.userId)).toHaveLength(1);
  });

  it('gives up when the monthly quota is used up (429 with the monthly-limit message)', async () => {
    const p = await person();
    fake.failNext(PUSH, 429, { message: 'You have reached your monthly limit.' });
    const [id] = await queue(p, [{ type: 'text', text: 'no quota' }]);
    await finished(id!);
    const delivery = await db().outboundDelivery.findUniqueOrThrow({ where: { id: id! } });
    expect(delivery.status).toBe('FAILED');
    expect(delivery.lastError).toMatch(/^quota_exhausted: /);
  });

  it('does not push to a person who blocked the account', async () => {
    const p = await person({ blocked: true });
    const [id] = await queue(p, [{ type: 'text', text: 'blocked' }]);
    await finished(id!);
    expect(await db().outboundDelivery.findUniqueOrThrow({ where: { id: id! } })).toMatchObject({ status: 'FAILED', lastError: expect.stringMatching(/^blocked: /) });
    expect(fake.calls.filter((c) => c.body?.to === p.userId)).toHaveLength(0);
  });

  it('splits a 7-message answer into calls of at most 5, sent in order (reply first, then push)', async () => {
    const p = await person();
    const token = fakeReplyToken();
    const messages = Array.from({ length: 7 }, (_, i) => ({ type: 'text' as const, text: `メッセージ${i + 1}` }));
    const ids = await queue(p, messages, { token, expiresAt: new Date(Date.now() + 50_000) });
    expect(ids).toHaveLength(2);
    await Promise.all(ids.map(finished));
    const sent = fake.delivered().filter((d) => d.replyToken === token || d.to === p.userId);
    expect(sent.map((d) => [d.via, d.messages.map((m: { text: string }) => m.text)])).toEqual([
      ['reply', ['メッセージ1', 'メッセージ2', 'メッセージ3', 'メッセージ4', 'メッセージ5']],
      ['push', ['メッセージ6', 'メッセージ7']],
    ]);
  });

  it('splits a 6,000-character text into two messages of at most 5,000', async () => {
    const p = await person();
    const paragraph = `${'ゆっくりで大丈夫です。'.repeat(150)}\n\n`;
    const text = paragraph.repeat(4).trim(); // ~6,600 characters
    const [id] = await queue(p, [{ type: 'text', text }]);
    await finished(id!);
    const [push] = fake.delivered().filter((d) => d.to === p.userId);
    expect(push!.messages.length).toBe(2);
    for (const m of push!.messages) expect(m.text.length).toBeLessThanOrEqual(5000);
    expect(push!.messages.map((m: { text: string }) => m.text).join('\n\n')).toBe(text);
  });

  it('never sends a delivery leased to another sender; the sweeper leaves it alone until the lease ends', async () => {
    const p = await person();
    const ids = await db().$transaction((tx) => createDeliveries(tx, adapter, 'LINE', p.conversationId, p.userId, [{ type: 'text', text: 'いま送っているところです' }]));
    const id = ids[0]!;
    const old = new Date(Date.now() - 60_000);
    // Another sender (a processing job) holds it, as it does while LINE answers.
    await db().outboundDelivery.update({ where: { id }, data: { createdAt: old, claimedUntil: new Date(Date.now() + 60_000) } });
    const senders = { db: db(), senders: {}, logger: app.runtime.logger };
    await deliver({ ...senders, senders: { LINE: { send: async () => { throw new Error('must not send a leased delivery'); } } } }, id);
    expect((await sweep({ db: db(), queues: app.runtime.queues, logger: app.runtime.logger })).deliveries).toBe(0);
    expect(await db().outboundDelivery.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'PENDING', attempts: 0 });

    // The sender died: once the lease has ended the sweeper hands it to the queue, and it is sent once.
    await db().outboundDelivery.update({ where: { id }, data: { claimedUntil: new Date(Date.now() - 1_000) } });
    expect((await sweep({ db: db(), queues: app.runtime.queues, logger: app.runtime.logger })).deliveries).toBeGreaterThanOrEqual(1);
    await finished(id);
    expect(await db().outboundDelivery.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(fake.callsTo(PUSH).filter((c) => c.body.to === p.userId)).toHaveLength(1);
  });
});
