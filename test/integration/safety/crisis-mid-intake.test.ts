// Issue 6, end to end on each channel: a crisis text in the middle of an intake gets the safety
// answer within 2 s and the case is first in the staff queue with urgency `emergency`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, StaffClient } from '../../support/staff.js';
import { WebChatClient } from '../../support/web-client.js';
import { fakeLineUserId, lineEvents, postLineWebhook, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';

const SECRET = 'crisis-test-secret';
const TOKEN = 'crisis-test-token';
const CRISIS = '実は母がこの前「もう死にたい」と言っていて、今夜もひとりで部屋にこもっています';

describe('a crisis in the middle of an intake', () => {
  let fake: FakeLineApi;
  let app: TestApp;
  let staff: StaffClient;

  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
    app = await startTestApp({
      env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LINE_DATA_API_BASE_URL: fake.url },
    });
    const supervisor = await createStaff(app.runtime.db, { role: 'SUPERVISOR' });
    staff = await StaffClient.login(app.url, supervisor);

    // Somebody is already waiting: an ordinary request for a person, queued earlier.
    const earlier = await WebChatClient.start(app.url);
    await earlier.send({ text: '人と話したい' });
    await waitFor(async () => (await app.runtime.db.case.count({ where: { status: 'QUEUED' } })) >= 1, { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  async function openQueue() {
    const response = await fetch(`${app.url}/api/staff/cases?status=open`, { headers: { cookie: staff.cookie } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { cases: { id: string; urgency: string; waitingSince: string | null }[] }).cases;
  }

  it('web chat: safety answer with the 24-hour numbers within 2 s, case first in the queue as emergency', async () => {
    const client = await WebChatClient.start(app.url);
    await waitFor(async () => (await client.messages()).some((m) => m.choices?.length));
    const who = (await client.messages()).findLast((m) => m.choices?.length)!.choices.find((c: { label: string }) => c.label.includes('家族'))!;
    const before = (await client.messages()).filter((m) => m.author === 'bot').length;
    await client.send({ choice: who });
    // The family path's next question has come: the crisis is written in the middle of the intake.
    await waitFor(async () => (await client.messages()).filter((m) => m.author === 'bot').length > before && (await client.messages()).at(-1)?.choices?.length > 0);
    await client.openStream();
    try {
      const sentAt = Date.now();
      expect((await client.send({ text: CRISIS })).status).toBe(202);
      await waitFor(() => client.events.some((e) => e.name === 'message' && (e.data as { author: string }).author === 'bot'), { timeoutMs: 2_000, intervalMs: 10 });
      expect(Date.now() - sentAt).toBeLessThan(2_000);
    } finally {
      client.close();
    }
    // The lines as tap targets, 京都いのちの電話 first for suicidal thoughts; よりそいホットライン (24h) among them.
    const answer = (await client.messages()).find((m) => m.actions?.length);
    expect(answer.actions[0].uri).toBe('tel:0758644343');
    expect(answer.actions.map((a: { uri: string }) => a.uri)).toContain('tel:0120279338');

    const [first] = await openQueue();
    const kase = await app.runtime.db.case.findFirstOrThrow({ where: { channel: 'WEB', urgency: 'EMERGENCY' } });
    expect(first).toMatchObject({ id: kase.id, urgency: 'EMERGENCY' });
    expect((kase.markers as { signals: string[] }).signals.length).toBeGreaterThan(0);
    expect(await app.runtime.db.notification.count({ where: { caseId: kase.id, kind: 'emergency_alert' } })).toBe(1);
  });

  it('LINE: safety answer within 2 s, case first in the queue as emergency', async () => {
    const userId = fakeLineUserId();
    const follow = lineEvents.follow(userId);
    expect((await postLineWebhook(app.url, SECRET, { events: [follow] })).status).toBe(200);
    const [welcome] = await fake.waitForCalls((c) => c.path === '/v2/bot/message/reply' && c.body?.replyToken === follow.replyToken);
    const quickReplies = welcome!.body.messages.at(-1).quickReply.items as { action: { label: string; data: string } }[];
    const family = quickReplies.find((item) => item.action.label.includes('家族'))!;
    const choice = lineEvents.postback(userId, family.action.data);
    await postLineWebhook(app.url, SECRET, { events: [choice] });
    await fake.waitForCalls((c) => c.path === '/v2/bot/message/reply' && c.body?.replyToken === choice.replyToken);

    const crisis = lineEvents.text(userId, CRISIS);
    const sentAt = Date.now();
    expect((await postLineWebhook(app.url, SECRET, { events: [crisis] })).status).toBe(200);
    const [reply] = await fake.waitForCalls((c) => c.path === '/v2/bot/message/reply' && c.body?.replyToken === crisis.replyToken, { timeoutMs: 2_000 });
    expect(Date.now() - sentAt).toBeLessThan(2_000);
    const flex = (reply!.body.messages as { type: string; altText?: string }[]).find((m) => m.type === 'flex')!;
    expect(flex.altText).toMatch(/0120-279-338/);

    const kase = await app.runtime.db.case.findFirstOrThrow({ where: { channel: 'LINE', urgency: 'EMERGENCY' } });
    const queue = await openQueue();
    // Both emergencies are ahead of the ordinary case that waited longer.
    expect(queue.slice(0, 2).map((c) => c.urgency)).toEqual(['EMERGENCY', 'EMERGENCY']);
    expect(queue.slice(0, 2).map((c) => c.id)).toContain(kase.id);
    expect(queue.at(-1)!.urgency).toBe('NORMAL');
  });
});
