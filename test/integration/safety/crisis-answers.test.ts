// #15 end to end on both channels: for each kind of danger the first answer comes within 2 s with
// the right number first as a tap target (web: tel: actions; LINE: a flex bubble of URI buttons);
// a follow-up does not repeat the list; a button that flags risk in the family path is answered
// and claimable within 2 s; the queue ranks by level then score; "seen" is per staff member and
// claiming clears a case's alerts for everyone; alerts name the case, not the words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DangerKind } from '../../../src/conversation/index.js';
import { triageText } from '../../../src/triage/index.js';
import { fakeLineUserId, lineEvents, postLineWebhook, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, StaffClient } from '../../support/staff.js';
import { WebChatClient } from '../../support/web-client.js';

const SECRET = 'crisis-answers-secret';
const TOKEN = 'crisis-answers-token';

/** What must be called first for the kind answered first (flows/crisis.yaml). */
const FIRST_LINE: Record<DangerKind, string> = {
  medical: 'tel:119',
  self_harm: 'tel:119',
  suicide: 'tel:0758644343',
  violence: 'tel:110',
  dv: 'tel:110',
  child_abuse: 'tel:110',
  elder_abuse: 'tel:110',
  harm_to_others: 'tel:110',
};
const primary = (kinds: DangerKind[]): DangerKind => (kinds.includes('medical') ? 'medical' : kinds[0]!);

const CASES = [
  { name: 'suicidal thoughts', text: 'もう消えたい' },
  { name: 'an overdose', text: '死にたい。薬をたくさん飲んだ' },
  { name: 'self-harm', text: 'リスカがやめられない' },
  { name: 'domestic violence now', text: '夫に殴られている。助けて' },
  { name: 'a child in danger', text: '息子が娘を叩いている、子どもが危ない' },
  { name: 'harm to others', text: '父を殺してしまいそう' },
];

describe('crisis answers on both channels', () => {
  let fake: FakeLineApi;
  let app: TestApp;

  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
    app = await startTestApp({ env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LINE_DATA_API_BASE_URL: fake.url } });
    // A running desk has served someone before: the first timed answer is not the process's first.
    const warm = await WebChatClient.start(app.url);
    await waitFor(async () => (await warm.messages()).some((m) => m.choices?.length));
    await warm.send({ text: '人と話したい' });
    await waitFor(async () => (await app.runtime.db.case.count({ where: { status: 'QUEUED' } })) >= 1);
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  async function webPerson() {
    const person = await WebChatClient.start(app.url);
    await waitFor(async () => (await person.messages()).some((m) => m.choices?.length));
    return person;
  }

  describe.each(CASES)('$name', ({ text }) => {
    const reading = triageText(text);
    const expected = FIRST_LINE[primary(reading.kinds)];

    it('web: the first answer within 2 s carries the right number first as a tap target; a follow-up does not repeat the list', async () => {
      expect(reading.urgency).toBe('emergency');
      const person = await webPerson();
      await person.openStream();
      try {
        const sentAt = Date.now();
        await person.send({ text });
        await waitFor(() => person.events.some((e) => e.name === 'message' && (e.data as { author: string }).author === 'bot'), { timeoutMs: 2_000, intervalMs: 10 });
        expect(Date.now() - sentAt).toBeLessThan(2_000);
      } finally {
        person.close();
      }
      const answers = (await person.messages()).filter((m) => m.actions?.length);
      expect(answers).toHaveLength(1);
      expect(answers[0].actions[0].uri).toBe(expected);
      if (primary(reading.kinds) === 'medical') expect(answers[0].text.split('\n')[0]).toContain('119');

      await person.send({ text: 'わかりました' });
      await waitFor(async () => (await person.messages()).filter((m) => m.author === 'bot').at(-1)?.choices?.some((c: { data: string }) => c.data === 'cmd:hotlines'));
      expect((await person.messages()).filter((m) => m.actions?.length)).toHaveLength(1);
    });

    it('LINE: the first reply within 2 s is a flex bubble whose first button dials the right number; a follow-up does not repeat it', async () => {
      const userId = fakeLineUserId();
      const follow = lineEvents.follow(userId);
      await postLineWebhook(app.url, SECRET, { events: [follow] });
      await fake.waitForCalls((c) => c.path === '/v2/bot/message/reply' && c.body?.replyToken === follow.replyToken && c.status === 200);

      const crisis = lineEvents.text(userId, text);
      const sentAt = Date.now();
      expect((await postLineWebhook(app.url, SECRET, { events: [crisis] })).status).toBe(200);
      const [reply] = await fake.waitForCalls((c) => c.path === '/v2/bot/message/reply' && c.body?.replyToken === crisis.replyToken && c.status === 200, { timeoutMs: 2_000 });
      expect(Date.now() - sentAt).toBeLessThan(2_000);
      const flex = (reply!.body.messages as any[]).find((m) => m.type === 'flex');
      const firstButton = flex.contents.body.contents[1].contents.at(-1);
      expect(firstButton.action).toMatchObject({ type: 'uri', uri: expected });
      expect(flex.altText).toContain(expected === 'tel:0758644343' ? '075-864-4343' : expected.slice(4));

      const followUp = lineEvents.text(userId, 'わかりました');
      await postLineWebhook(app.url, SECRET, { events: [followUp] });
      const [second] = await fake.waitForCalls((c) => c.path === '/v2/bot/message/reply' && c.body?.replyToken === followUp.replyToken && c.status === 200);
      const messages = second!.body.messages as any[];
      expect(messages.some((m) => m.type === 'flex')).toBe(false);
      expect(messages.at(-1).quickReply.items.map((i: any) => i.action.label)).toContain('電話番号をもう一度');

      // 「緊急の電話番号」: one list, not two.
      const numbers = lineEvents.text(userId, '緊急の電話番号');
      await postLineWebhook(app.url, SECRET, { events: [numbers] });
      const [third] = await fake.waitForCalls((c) => c.path === '/v2/bot/message/reply' && c.body?.replyToken === numbers.replyToken && c.status === 200);
      // (A gentle acknowledgement may come first when triage reads the words as a concern.)
      expect((third!.body.messages as any[]).filter((m) => m.type === 'flex')).toHaveLength(1);
    });
  });

  it('a button that flags risk in the family path is answered and claimable within 2 s; the intake may go on', async () => {
    const supervisor = await createStaff(app.runtime.db, { role: 'SUPERVISOR' });
    const staff = await StaffClient.login(app.url, supervisor);
    const person = await webPerson();
    let tapped = 0;
    for (let step = 0; step < 20; step++) {
      const last = (await person.messages()).filter((m) => m.author === 'bot' && m.choices?.length).at(-1)!;
      const risk = last.choices.find((c: { label: string }) => c.label === '暴力や暴言がある');
      if (risk) break;
      const choice = step === 0 ? last.choices.find((c: { label: string }) => c.label.includes('家族')) : last.choices[0];
      const count = (await person.messages()).length;
      await person.send({ choice });
      await waitFor(async () => (await person.messages()).length > count + 1 && (await person.messages()).at(-1)?.author === 'bot');
      tapped++;
    }
    expect(tapped).toBeGreaterThan(0);
    const last = (await person.messages()).filter((m) => m.author === 'bot' && m.choices?.length).at(-1)!;
    const violence = last.choices.find((c: { label: string }) => c.label === '暴力や暴言がある');
    expect(violence).toBeDefined();

    const tappedAt = Date.now();
    await person.send({ choice: violence });
    await waitFor(async () => (await person.messages()).some((m) => m.actions?.length), { timeoutMs: 2_000, intervalMs: 10 });
    const kase = await app.runtime.db.case.findFirstOrThrow({ where: { urgency: 'HIGH', consulterType: 'FAMILY' }, orderBy: { createdAt: 'desc' } });
    const claim = await fetch(`${app.url}/api/staff/cases/${kase.id}/claim`, { method: 'POST', headers: { cookie: staff.cookie, 'x-csrf-token': staff.csrfToken } });
    expect(claim.status).toBe(200);
    expect(Date.now() - tappedAt).toBeLessThan(2_000);

    const answer = (await person.messages()).find((m) => m.actions?.length)!;
    expect(answer.text).toContain('相談員にすぐ知らせました');
    expect(answer.actions[0].uri).toBe('tel:110');
    expect(answer.choices.map((c: { label: string }) => c.label)).toEqual(['いま人と話したい', '質問にもどる']);
    // What was collected so far went to staff with the case.
    expect((kase.summary as { answers: Record<string, string | null> }).answers).toMatchObject({ consulter: 'family', household_worries: 'violence' });
  });
});

describe('the queue and alerts for staff', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.dispose();
  });

  async function emergency(text: string) {
    const person = await WebChatClient.start(app.url);
    await waitFor(async () => (await person.messages()).some((m) => m.choices?.length));
    const before = await app.runtime.db.case.count({ where: { urgency: 'EMERGENCY' } });
    await person.send({ text });
    await waitFor(async () => (await app.runtime.db.case.count({ where: { urgency: 'EMERGENCY' } })) > before);
    return app.runtime.db.case.findFirstOrThrow({ where: { urgency: 'EMERGENCY' }, orderBy: { createdAt: 'desc' } });
  }

  it('ranks by level, then triage score, then waiting time; alerts name case, writer, channel and kind, never the words', async () => {
    const older = await emergency('もう消えたい');
    const newer = await emergency('死にたい。薬をたくさん飲んだ');
    expect(newer.triageScore).toBeGreaterThan(older.triageScore);
    const boss = await createStaff(app.runtime.db, { role: 'SUPERVISOR' });
    const client = await StaffClient.login(app.url, boss);
    const queue = (await (await fetch(`${app.url}/api/staff/cases?status=open`, { headers: { cookie: client.cookie } })).json()).cases as { id: string; triageScore: number }[];
    const ids = queue.map((c) => c.id);
    expect(ids.indexOf(newer.id)).toBeLessThan(ids.indexOf(older.id));
    expect(queue.find((c) => c.id === newer.id)!.triageScore).toBe(newer.triageScore);

    const alert = await app.runtime.db.notification.findFirstOrThrow({ where: { caseId: newer.id, kind: 'emergency_alert' } });
    expect(alert.title).toContain(`相談 #${newer.number}`);
    expect(alert.title).toContain('ウェブチャット');
    expect(alert.title).toMatch(/自殺の危険|体の緊急/);
    expect(alert.title).not.toContain('薬をたくさん');
  });

  it('"seen" is per staff member; claiming the case clears its alerts for everyone', async () => {
    const kase = await emergency('もう消えたい');
    const alert = await app.runtime.db.notification.findFirstOrThrow({ where: { caseId: kase.id, kind: 'emergency_alert' } });
    const alice = await StaffClient.login(app.url, await createStaff(app.runtime.db, { role: 'COUNSELOR' }));
    const bob = await StaffClient.login(app.url, await createStaff(app.runtime.db, { role: 'COUNSELOR' }));
    const unseen = async (who: StaffClient) =>
      ((await (await fetch(`${app.url}/api/staff/notifications`, { headers: { cookie: who.cookie } })).json()).notifications as { id: string }[]).map((n) => n.id);
    const seen = (who: StaffClient) => fetch(`${app.url}/api/staff/notifications/${alert.id}/read`, { method: 'POST', headers: { cookie: who.cookie, 'x-csrf-token': who.csrfToken } });

    const [a, b] = await Promise.all([seen(alice), seen(alice)]); // concurrent clicks
    expect([a.status, b.status]).toEqual([204, 204]);
    expect(await unseen(alice)).not.toContain(alert.id);
    expect(await unseen(bob)).toContain(alert.id);

    const claim = await fetch(`${app.url}/api/staff/cases/${kase.id}/claim`, { method: 'POST', headers: { cookie: bob.cookie, 'x-csrf-token': bob.csrfToken } });
    expect(claim.status).toBe(200);
    expect(await unseen(bob)).not.toContain(alert.id);
    expect((await fetch(`${app.url}/api/staff/notifications/00000000-0000-0000-0000-000000000000/read`, { method: 'POST', headers: { cookie: bob.cookie, 'x-csrf-token': bob.csrfToken } })).status).toBe(404);
  });
});
