// Typing both ways and 既読: live only (never stored), rate-limited; LINE's mark-as-read in chat mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLineUserId, lineEvents, postLineWebhook, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { lookupHash } from '../../support/encrypted.js';
import { waitFor } from '../../support/services.js';
import { createStaff, queuedWebCase, StaffClient, TALK_TO_A_PERSON } from '../../support/staff.js';

const SECRET = 'people-line-secret';
const TOKEN = 'people-line-token';

describe('typing and read receipts', () => {
  let fake: FakeLineApi;
  let app: TestApp;
  let counselor: StaffClient;

  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
    app = await startTestApp({ env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LINE_DATA_API_BASE_URL: fake.url } });
    counselor = await StaffClient.login(app.url, await createStaff(app.runtime.db, { role: 'COUNSELOR', name: '相談員 ライブ' }));
  });
  afterAll(async () => {
    counselor?.close();
    await app?.dispose();
    await fake?.close();
  });

  it('web chat: the person typing shows on the console, the counsellor typing and 既読 on the page', async () => {
    const db = app.runtime.db;
    const { chat, caseId } = await queuedWebCase(app.url, db, '話を聞いてほしいです');
    await counselor.openStream();
    await chat.openStream();
    const messagesBefore = await db.message.count();

    const typing = await fetch(`${app.url}/api/chat/typing`, { method: 'POST', headers: chat.headers({ 'content-type': 'application/json' }), body: JSON.stringify({ on: true }) });
    expect(typing.status).toBe(204);
    await waitFor(() => counselor.events.some((e) => e.name === 'typing' && e.data.caseId === caseId && e.data.on === true));

    expect((await counselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    expect((await counselor.post(`/cases/${caseId}/typing`, { on: true })).status).toBe(204);
    await waitFor(() => chat.events.some((e) => e.name === 'typing' && (e.data as { by?: string }).by === 'staff'));

    const read = await counselor.post(`/cases/${caseId}/read`, { chat: true });
    expect(read.status).toBe(200);
    expect(read.body.readUpTo).toEqual(expect.any(String));
    await waitFor(() => chat.events.some((e) => e.name === 'read'));
    const history = await fetch(`${app.url}/api/chat/messages`, { headers: chat.headers() });
    expect(((await history.json()) as { readUpTo: string | null }).readUpTo).toBe(read.body.readUpTo);
    // Typing is never stored.
    expect(await db.message.count()).toBe(messagesBefore);
    chat.close();

    // Bad input changes nothing; a loop is stopped.
    expect((await counselor.post(`/cases/${caseId}/typing`, { on: 'yes' })).status).toBe(400);
    expect((await fetch(`${app.url}/api/chat/typing`, { method: 'POST', headers: chat.headers({ 'content-type': 'application/json' }), body: '{"on":true,"x":1}' })).status).toBe(400);
    let limited = 0;
    for (let i = 0; i < 40; i++) if ((await counselor.post(`/cases/${caseId}/typing`, { on: true })).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
  });

  it('LINE: opening the conversation marks the person\'s messages read with their mark-as-read token', async () => {
    const db = app.runtime.db;
    const userId = fakeLineUserId();
    const text = lineEvents.text(userId, TALK_TO_A_PERSON);
    for (const event of [lineEvents.follow(userId), text]) {
      expect((await postLineWebhook(app.url, SECRET, { events: [event] })).status).toBe(200);
      await waitFor(async () => (await db.inboundEvent.findFirst({ where: { externalId: event.webhookEventId } }))?.processedAt != null);
    }
    let caseId = '';
    await waitFor(async () => {
      const kase = await db.case.findFirst({ where: { channel: 'LINE', status: 'QUEUED', conversation: { contact: { channelUserIdHash: lookupHash(db, userId) } } } });
      caseId = kase?.id ?? '';
      return !!kase;
    });
    // Looking without working the case marks nothing on LINE.
    expect((await counselor.post(`/cases/${caseId}/read`, {})).body.readUpTo).toBeNull();
    expect(fake.callsTo('/v2/bot/chat/markAsRead')).toHaveLength(0);

    expect((await counselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    expect((await counselor.post(`/cases/${caseId}/read`, { chat: true })).status).toBe(200);
    const token = (text as unknown as { message: { markAsReadToken: string } }).message.markAsReadToken;
    const [call] = await fake.waitForCalls((c) => c.path === '/v2/bot/chat/markAsRead');
    expect(call!.body).toEqual({ markAsReadToken: token });
    expect(call!.status).toBe(200);
    // Nothing new since: no second call.
    await counselor.post(`/cases/${caseId}/read`, { chat: true });
    expect(fake.callsTo('/v2/bot/chat/markAsRead')).toHaveLength(1);
  });
});
