// A counsellor's reply on a LINE case: stored, then pushed (no reply token) with a retry key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLineUserId, lineEvents, postLineWebhook, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { lookupHash } from '../../support/encrypted.js';
import { waitFor } from '../../support/services.js';
import { createStaff, StaffClient, TALK_TO_A_PERSON } from '../../support/staff.js';

const SECRET = 'staff-line-test-secret';
const TOKEN = 'staff-line-test-token';

describe('staff reply on a LINE case', () => {
  let fake: FakeLineApi;
  let app: TestApp;
  let counselor: StaffClient;

  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
    app = await startTestApp({
      env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LINE_DATA_API_BASE_URL: fake.url, PUBLIC_BASE_URL: 'https://yorisoi.example.jp' },
    });
    counselor = await StaffClient.login(app.url, await createStaff(app.runtime.db, { role: 'COUNSELOR', name: 'LINE 担当' }));
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  async function queuedLineCase(userId: string) {
    const db = app.runtime.db;
    for (const event of [lineEvents.follow(userId), lineEvents.text(userId, TALK_TO_A_PERSON)]) {
      expect((await postLineWebhook(app.url, SECRET, { events: [event] })).status).toBe(200);
      await waitFor(async () => (await db.inboundEvent.findFirst({ where: { externalId: event.webhookEventId } }))?.processedAt != null);
    }
    let caseId = '';
    await waitFor(async () => {
      const kase = await db.case.findFirst({ where: { channel: 'LINE', status: 'QUEUED', conversation: { contact: { channelUserIdHash: lookupHash(db, userId) } } } });
      caseId = kase?.id ?? '';
      return !!kase;
    });
    return caseId;
  }

  it('pushes the reply to the person through the LINE API, with the stored retry key', async () => {
    const userId = fakeLineUserId();
    const caseId = await queuedLineCase(userId);
    expect((await counselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    const text = 'よりそいの相談員です。メッセージを読みました。ゆっくりで大丈夫です。';
    const sent = await counselor.post(`/cases/${caseId}/messages`, { text });
    expect(sent.status).toBe(201);
    expect(sent.body.deliverable).toBe(true);

    const [push] = await fake.waitForCalls((c) => c.path === '/v2/bot/message/push' && c.body?.to === userId && c.status === 200);
    expect(push!.body.messages).toEqual([expect.objectContaining({ type: 'text', text })]);
    const deliveries = await app.runtime.db.outboundDelivery.findMany({ where: { recipientHash: lookupHash(app.runtime.db, userId), replyToken: null } });
    const delivery = deliveries.find((d) => (d.payload as { messages: { text?: string }[] }).messages[0]?.text === text)!;
    expect(delivery).toBeDefined();
    expect(push!.headers['x-line-retry-key']).toBe(delivery.retryKey);
    await waitFor(async () => (await app.runtime.db.outboundDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status === 'SENT');
    const message = await app.runtime.db.message.findUniqueOrThrow({ where: { id: sent.body.message.id } });
    expect(message).toMatchObject({ author: 'STAFF', direction: 'OUTBOUND', text });
  });

  it('stores but does not send a reply to a person who blocked the account', async () => {
    const userId = fakeLineUserId();
    const caseId = await queuedLineCase(userId);
    expect((await counselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    const unfollow = lineEvents.unfollow(userId);
    expect((await postLineWebhook(app.url, SECRET, { events: [unfollow] })).status).toBe(200);
    await waitFor(async () => (await app.runtime.db.contact.findFirstOrThrow({ where: { channelUserIdHash: lookupHash(app.runtime.db, userId) } })).blockedAt !== null);
    const sent = await counselor.post(`/cases/${caseId}/messages`, { text: '届かない返信' });
    expect(sent.status).toBe(201);
    expect(sent.body.deliverable).toBe(false);
    expect(await app.runtime.db.outboundDelivery.count({ where: { recipientHash: lookupHash(app.runtime.db, userId), replyToken: null } })).toBe(0);
  });
});
