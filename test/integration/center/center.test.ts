import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { sqlPoolOf } from '../../../src/db/client.js';
import { loadDeskHours } from '../../../src/desk/load.js';
import { createLogger } from '../../../src/platform/logger.js';
import { RealtimePublisher } from '../../../src/realtime/bus.js';
import { loadReminderPolicy } from '../../../src/reminders/policy.js';
import { escalateReminder, fireJobId, fireReminder, scheduleReminderJob, type ReminderDeps } from '../../../src/reminders/reminders.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, grantHandoverConsent, queuedWebCase, StaffClient, type TestStaff } from '../../support/staff.js';
import type { WebChatClient } from '../../support/web-client.js';

// The receiving center's side, end to end through the HTTP API, the live stream, the worker
// and the database: つなぐ → 受け止める → 支援調整会議 → 見直し → 終結.

describe('the receiving center (issue #18)', () => {
  let app: TestApp;
  let db: Db;
  let reminderDeps: ReminderDeps;
  let counselor: TestStaff;
  let centerLead: TestStaff;
  let centerColleague: TestStaff;
  let asCounselor: StaffClient;
  let asSupervisor: StaffClient;
  let asCenter: StaffClient;
  let asColleague: StaffClient;
  let asOtherCenter: StaffClient;
  let asAdmin: StaffClient;
  const webhookPosts: any[] = [];
  let webhook: http.Server;

  beforeAll(async () => {
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        webhookPosts.push(JSON.parse(body));
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    // The center's own webhook (src/notifications/center-targets.ts); the desk has none here.
    process.env.CENTER_NOTIFY_WEBHOOK_SAKYO = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/sakyo`;
    app = await startTestApp();
    db = app.runtime.db;
    const logger = createLogger({ level: 'silent' });
    reminderDeps = {
      db,
      queues: app.runtime.queues,
      realtime: new RealtimePublisher(app.runtime.redis, app.config.redisPrefix, logger),
      policy: loadReminderPolicy(loadDeskHours()),
      logger,
    };
    let supervisor: TestStaff, other: TestStaff, admin: TestStaff;
    [counselor, supervisor, centerLead, centerColleague, other, admin] = await Promise.all([
      createStaff(db, { role: 'COUNSELOR', name: '相談員 一' }),
      createStaff(db, { role: 'SUPERVISOR', name: 'SV 二' }),
      createStaff(db, { role: 'CENTER', name: '左京 保健師 三', centerCode: 'sakyo' }),
      createStaff(db, { role: 'CENTER', name: '左京 職員 四', centerCode: 'sakyo' }),
      createStaff(db, { role: 'CENTER', name: '北 職員 五', centerCode: 'kita' }),
      createStaff(db, { role: 'ADMIN', name: '管理者' }),
    ]);
    [asCounselor, asSupervisor, asCenter, asColleague, asOtherCenter, asAdmin] = (await Promise.all(
      [counselor, supervisor, centerLead, centerColleague, other, admin].map((s) => StaffClient.login(app.url, s)),
    )) as [StaffClient, StaffClient, StaffClient, StaffClient, StaffClient, StaffClient];
    expect((await asAdmin.put(`/accounts/${centerLead.id}/center-lead`, { lead: true })).status).toBe(204);
  });
  afterAll(async () => {
    for (const c of [asCounselor, asSupervisor, asCenter, asColleague, asOtherCenter, asAdmin]) c?.close();
    await app?.dispose();
    await new Promise((r) => webhook?.close(r));
    delete process.env.CENTER_NOTIFY_WEBHOOK_SAKYO;
  });

  let chat: WebChatClient;
  let caseId = '';
  let handoverId = '';

  it('a new emergency handover reaches the center live (stream + bell + its webhook) and only that center', async () => {
    ({ chat, caseId } = await queuedWebCase(app.url, db, '息子が母に手をあげています'));
    expect((await asCounselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    await grantHandoverConsent(db, caseId);
    // Before the handover the center sees nothing of the case.
    expect((await asCenter.get(`/center/cases/${caseId}`)).status).toBe(404);
    expect((await asCenter.get('/center/inbox')).body.pending).toEqual([]);

    await asCenter.openStream();
    await asOtherCenter.openStream();
    await waitFor(() => asCenter.events.some((e) => e.name === 'ready') && asOtherCenter.events.some((e) => e.name === 'ready'));
    const created = await asCounselor.post(`/cases/${caseId}/handovers`, {
      centerCode: 'sakyo',
      basis: 'emergency_override',
      note: '高齢の母への暴力の訴え。今日中の訪問を。',
      overrideReason: '命と体の安全のため',
    });
    expect(created.status).toBe(201);
    handoverId = created.body.handover.id;
    await waitFor(() => asCenter.events.some((e) => e.name === 'handover' && e.data.handoverId === handoverId), { timeoutMs: 2_000 });
    await waitFor(() => asCenter.events.some((e) => e.name === 'notification'), { timeoutMs: 2_000 });
    // Another center hears nothing of it, not even the desk's case events.
    expect(asOtherCenter.events.filter((e) => e.name === 'handover' || e.name === 'case')).toEqual([]);

    const inbox = await asCenter.get('/center/inbox');
    expect(inbox.body.pending).toHaveLength(1);
    expect(inbox.body.pending[0]).toMatchObject({ id: handoverId, urgency: 'EMERGENCY', centerCode: 'sakyo' });
    expect((await asOtherCenter.get('/center/inbox')).body.pending).toEqual([]);

    const bell = await asCenter.get('/notifications');
    expect(bell.status).toBe(200);
    expect(bell.body.notifications).toEqual([expect.objectContaining({ kind: 'handover_received', urgency: 'EMERGENCY', audience: 'center', caseId })]);
    expect((await asOtherCenter.get('/notifications')).body.notifications).toEqual([]);
    expect((await asCounselor.get('/notifications')).body.notifications.map((n: any) => n.kind)).not.toContain('handover_received');
    // The center's own webhook, with no words of the person.
    await waitFor(() => webhookPosts.some((p) => p.kind === 'handover_received'));
    expect(JSON.stringify(webhookPosts)).not.toContain('暴力');

    // The deadline follows the urgency: an emergency override within the hour, in real minutes.
    const reminder = await db.reminder.findFirstOrThrow({ where: { handoverId, kind: 'HANDOVER_UNACKNOWLEDGED' } });
    expect(reminder.urgency).toBe('EMERGENCY');
    expect(reminder.dueAt.getTime() - reminder.createdAt.getTime()).toBeLessThanOrEqual(60 * 60_000 + 1_000);
    expect(reminder.payload).toEqual({ centerCode: 'sakyo' });
  });

  it('an unreceived handover reminds the center, then escalates to its lead and the desk supervisors', async () => {
    const reminder = await db.reminder.findFirstOrThrow({ where: { handoverId, kind: 'HANDOVER_UNACKNOWLEDGED' } });
    expect(await fireReminder(reminderDeps, reminder.id)).toBe('fired');
    const fired = await db.notification.findFirstOrThrow({ where: { reminderId: reminder.id, kind: 'HANDOVER_UNACKNOWLEDGED' } });
    expect(fired).toMatchObject({ audience: 'center', centerCode: 'sakyo', urgency: 'EMERGENCY' });
    expect(await escalateReminder(reminderDeps, reminder.id)).toBe('escalated');
    const lead = await asCenter.get('/notifications');
    expect(lead.body.notifications.map((n: any) => `${n.kind}:${n.audience}`)).toEqual(
      expect.arrayContaining(['HANDOVER_UNACKNOWLEDGED:center', 'escalation:center_lead']),
    );
    const colleague = await asColleague.get('/notifications');
    expect(colleague.body.notifications.map((n: any) => n.audience)).not.toContain('center_lead');
    expect((await asSupervisor.get('/notifications')).body.notifications.map((n: any) => `${n.kind}:${n.audience}`)).toContain('escalation:supervisors');
    expect((await asOtherCenter.get('/notifications')).body.notifications).toEqual([]);
  });

  it('受け止め: the counsellor is told, the receiver is the キーマン, the center can be renamed; another center is refused', async () => {
    expect((await asOtherCenter.post(`/handovers/${handoverId}/acknowledge`, {})).status).toBe(404);
    expect((await asCenter.post(`/handovers/${handoverId}/acknowledge`, {})).status).toBe(204);
    await waitFor(async () => (await asCounselor.get('/notifications')).body.notifications.some((n: any) => n.kind === 'handover_acknowledged' && n.caseId === caseId));
    const view = await asCenter.get(`/center/cases/${caseId}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ side: 'center', permissions: { write: true }, center: { centerCode: 'sakyo', keyPersonId: centerLead.id, keyPersonName: '左京 保健師 三' } });
    expect(view.body.handover.summary.deskNote).toBe('高齢の母への暴力の訴え。今日中の訪問を。');
    // Printing is audited as an export.
    expect((await asCenter.get(`/center/cases/${caseId}?purpose=print`)).status).toBe(200);
    expect(await db.auditEvent.count({ where: { caseId, action: 'center.case_printed', actorId: centerLead.id } })).toBe(1);
    expect((await asCenter.get(`/center/cases/${caseId}?purpose=steal`)).status).toBe(400);
    expect((await asOtherCenter.get(`/center/cases/${caseId}`)).status).toBe(404);
    // The キーマン must be one of this center's staff.
    const kitaStaff = await db.staffUser.findFirstOrThrow({ where: { centerCode: 'kita' } });
    expect((await asCenter.put(`/center/cases/${caseId}/key-person`, { staffId: kitaStaff.id })).status).toBe(422);
    expect((await asCenter.put(`/center/cases/${caseId}/key-person`, { staffId: centerColleague.id })).status).toBe(204);
    expect((await asCenter.put(`/center/cases/${caseId}/key-person`, { staffId: centerLead.id })).status).toBe(204);
    expect((await asCenter.get('/center/inbox')).body.cases.map((c: any) => [c.caseId, c.keyPersonName])).toEqual([[caseId, '左京 保健師 三']]);

    // A case left without activity prompts its キーマン (centerCase.inactiveDays later); one prompt pending at a time.
    const inactive = await db.reminder.findMany({ where: { caseId, kind: 'CENTER_CASE_INACTIVE', firedAt: null, cancelledAt: null } });
    expect(inactive).toHaveLength(1);
    expect(inactive[0]!.payload).toEqual({ centerCode: 'sakyo', staffId: centerLead.id });
    expect(inactive[0]!.dueAt.getTime() - Date.now()).toBeGreaterThan(80 * 86_400_000);
    expect(await fireReminder(reminderDeps, inactive[0]!.id)).toBe('fired');
    const prompt = await db.notification.findFirstOrThrow({ where: { reminderId: inactive[0]!.id } });
    expect(prompt).toMatchObject({ kind: 'CENTER_CASE_INACTIVE', audience: 'assignee', staffId: centerLead.id, centerCode: 'sakyo' });
    expect((await db.reminder.findUniqueOrThrow({ where: { id: inactive[0]!.id } })).escalateAt).toBeNull();
  });

  it("shows the person's later messages to the center only after their consent to share is recorded", async () => {
    await chat.send({ text: '昨日は少し落ち着いていました', clientMessageId: 'later-message-1' });
    let laterId = '';
    await waitFor(async () => {
      const m = await db.message.findFirst({ where: { clientMessageId: 'later-message-1' } });
      laterId = m?.id ?? '';
      return !!m;
    });
    const before = await asCenter.get(`/center/cases/${caseId}`);
    expect(before.body.sharing).toEqual({ consent: null, messages: [] });
    expect((await asCenter.post(`/cases/${caseId}/center-share-consent`, { granted: true, messageId: laterId })).status).toBe(403);
    expect((await asCounselor.post(`/cases/${caseId}/center-share-consent`, { granted: true, messageId: laterId })).status).toBe(201);
    const after = await asCenter.get(`/center/cases/${caseId}`);
    expect(after.body.sharing.consent.granted).toBe(true);
    expect(after.body.sharing.messages.map((m: any) => m.text)).toContain('昨日は少し落ち着いていました');
    // Withdrawn: the newest word decides.
    expect((await asCounselor.post(`/cases/${caseId}/center-share-consent`, { granted: false, messageId: laterId })).status).toBe(201);
    expect((await asCenter.get(`/center/cases/${caseId}`)).body.sharing.messages).toEqual([]);
  });

  it('desk and center write to each other on the case, each side notified; bad input changes nothing', async () => {
    const question = await asCounselor.post(`/center/cases/${caseId}/exchanges`, { kind: 'question', text: '訪問の日程が決まったら教えてください。' });
    expect(question.status).toBe(201);
    await waitFor(async () => (await asCenter.get('/notifications')).body.notifications.some((n: any) => n.kind === 'exchange_from_desk'));
    const answer = await asCenter.post(`/center/cases/${caseId}/exchanges`, { kind: 'answer', text: '明日の午後に訪問します。' });
    expect(answer.status).toBe(201);
    await waitFor(async () => (await asCounselor.get('/notifications')).body.notifications.some((n: any) => n.kind === 'exchange_from_center'));
    const invitation = await asCenter.post(`/center/cases/${caseId}/exchanges`, { kind: 'invitation', text: '初回の支援調整会議: 12月10日 14時、左京区役所にて。ご参加ください。' });
    expect(invitation.status).toBe(201);
    expect((await asCounselor.post(`/center/cases/${caseId}/exchanges`, { kind: 'invitation', text: 'x' })).status).toBe(422);
    const count = await db.caseExchange.count({ where: { caseId } });
    for (const bad of [
      { kind: 'question', text: 'a\u0000b' },
      { kind: 'question', text: 'broken \ud800 surrogate' },
      { kind: 'question', text: 'x'.repeat(4001) },
      { kind: 'question', text: '   ' },
      { kind: 'gossip', text: 'x' },
      { kind: 'question', text: 'x', extra: 1 },
    ]) {
      expect((await asCounselor.post(`/center/cases/${caseId}/exchanges`, bad)).status, JSON.stringify(bad).slice(0, 40)).toBe(400);
    }
    expect((await asOtherCenter.post(`/center/cases/${caseId}/exchanges`, { kind: 'question', text: '北から' })).status).toBe(404);
    expect(await db.caseExchange.count({ where: { caseId } })).toBe(count);
    // Encrypted at rest.
    const { rows } = await sqlPoolOf(db).query(`SELECT "text" FROM "CaseExchange" WHERE "caseId" = $1`, [caseId]);
    expect(rows.length).toBe(3);
    for (const row of rows) expect(row.text).not.toContain('訪問');
    const view = await asCounselor.get(`/center/cases/${caseId}`);
    expect(view.body.side).toBe('desk');
    expect(view.body.exchanges.map((e: any) => `${e.side}:${e.kind}`)).toEqual(['desk:question', 'center:answer', 'center:invitation']);
  });

  let goalIds: string[] = [];

  it('支援調整会議 with two agencies and three goals; the review date becomes a reminder that fires', async () => {
    const meeting = {
      heldOn: '2026-12-10',
      participants: { sections: ['health_longevity', 'elderly_care'], agencies: ['community-comprehensive-support', 'kokoro-center'], deskCounselorAttended: true },
      assessment: '母（80代）への暴力の背景に、本人の不安と昼夜逆転。母の介護負担も大きい。',
      goals: [
        { track: 'person', ownerKind: 'section', ownerCode: 'health_longevity', title: '本人と保健師が月1回会う', nextStep: '次回訪問で本人に手紙を渡す' },
        { track: 'family', ownerKind: 'agency', ownerCode: 'community-comprehensive-support', title: '母の介護サービス利用', nextStep: '要介護認定の申請' },
        { track: 'community', ownerKind: 'agency', ownerCode: 'kokoro-center', title: '家族教室に母が参加', nextStep: '次回教室の案内' },
      ],
      nextReviewOn: '2027-01-14',
    };
    expect((await asCenter.post(`/center/cases/${caseId}/meetings`, { ...meeting, goals: [] })).body.error.code).toBe('invalid');
    expect((await asCenter.post(`/center/cases/${caseId}/meetings`, { ...meeting, participants: { ...meeting.participants, agencies: ['made-up-agency'] } })).status).toBe(422);
    expect((await asCenter.post(`/center/cases/${caseId}/meetings`, { ...meeting, heldOn: '2026-02-30' })).status).toBe(400);
    expect((await asCounselor.post(`/center/cases/${caseId}/meetings`, meeting)).status).toBe(403);
    expect(await db.supportMeeting.count({ where: { caseId } })).toBe(0);

    const created = await asCenter.post(`/center/cases/${caseId}/meetings`, meeting);
    expect(created.status).toBe(201);
    expect(created.body.meeting).toMatchObject({ kind: 'initial', heldOn: '2026-12-10', nextReviewOn: '2027-01-14' });
    const view = await asCenter.get(`/center/cases/${caseId}`);
    expect(view.body.goals.map((g: any) => [g.track, g.ownerCode, g.progress])).toEqual([
      ['person', 'health_longevity', 'not_started'],
      ['family', 'community-comprehensive-support', 'not_started'],
      ['community', 'kokoro-center', 'not_started'],
    ]);
    expect(view.body.meetings[0].participants).toMatchObject({ agencies: ['community-comprehensive-support', 'kokoro-center'], deskCounselorId: counselor.id, deskCounselorAttended: true });
    goalIds = view.body.goals.map((g: any) => g.id);

    // The review reminder: due at 09:30 on the review day; here its time is brought forward.
    const reminder = await db.reminder.findFirstOrThrow({ where: { caseId, kind: 'CENTER_REVIEW_DUE', cancelledAt: null } });
    expect(reminder.payload).toEqual({ centerCode: 'sakyo', staffId: centerLead.id });
    const due = await db.reminder.update({ where: { id: reminder.id }, data: { dueAt: new Date() } });
    await (await app.runtime.queues.reminders.getJob(fireJobId(reminder.id)))?.remove();
    await scheduleReminderJob({ queues: app.runtime.queues, logger: reminderDeps.logger }, due);
    await waitFor(async () => (await asCenter.get('/notifications')).body.notifications.some((n: any) => n.kind === 'CENTER_REVIEW_DUE' && n.caseId === caseId), { timeoutMs: 10_000 });
    expect((await asColleague.get('/notifications')).body.notifications.map((n: any) => n.kind)).not.toContain('CENTER_REVIEW_DUE');
  });

  it('a review updates each goal and sets the next review; an agency in the plan gets no access through it', async () => {
    const review = await asCenter.post(`/center/cases/${caseId}/meetings`, {
      heldOn: '2027-01-14',
      participants: { sections: ['health_longevity'], agencies: ['community-comprehensive-support'] },
      reviews: [
        { goalId: goalIds[0], progress: 'in_progress', note: '2回会えた' },
        { goalId: goalIds[1], progress: 'achieved' },
        { goalId: goalIds[2], progress: 'in_progress', nextStep: '2月の教室' },
      ],
      nextReviewOn: '2027-03-11',
    });
    expect(review.status).toBe(201);
    expect(review.body.meeting.kind).toBe('review');
    const view = await asCenter.get(`/center/cases/${caseId}`);
    expect(view.body.goals.map((g: any) => g.progress)).toEqual(['in_progress', 'achieved', 'in_progress']);
    expect(view.body.goals[2].nextStep).toBe('2月の教室');
    expect(view.body.goals[0].reviews).toHaveLength(1);
    expect(await db.reminder.count({ where: { caseId, kind: 'CENTER_REVIEW_DUE', firedAt: null, cancelledAt: null } })).toBe(1);
    // A goal of another case cannot be reviewed here.
    expect((await asCenter.post(`/center/cases/${caseId}/meetings`, { heldOn: '2027-01-15', participants: {}, reviews: [{ goalId: '00000000-0000-4000-8000-000000000000', progress: 'achieved' }] })).status).toBe(422);
    // Agencies are data entries: naming them creates no account, and nobody outside the center and the desk reads the case.
    expect(await db.staffUser.count()).toBe(6);
    expect((await asAdmin.get(`/center/cases/${caseId}`)).status).toBe(403);
    const anonymous = new StaffClient(app.url);
    expect((await anonymous.get(`/center/cases/${caseId}`)).status).toBe(401);
  });

  it('resources are searchable with a quote, and a referral is recorded on the case', async () => {
    const found = await asCounselor.get('/resources?q=' + encodeURIComponent('家族教室'));
    expect(found.status).toBe(200);
    expect(found.body.resources.map((r: any) => r.id)).toContain('kokoro-family-class');
    const entry = found.body.resources.find((r: any) => r.id === 'kokoro-family-class');
    expect(entry).toMatchObject({ kind: 'family_class', kindLabel: '家族教室', verify: true });
    expect(entry.quote).toContain('ひきこもり家族教室');
    expect((await asCounselor.get('/resources?kind=agency&audience=neighbour')).body.resources.every((r: any) => r.kind === 'agency' && r.for.includes('neighbour'))).toBe(true);
    expect((await asCounselor.get('/resources?age=70')).body.resources.map((r: any) => r.id)).not.toContain('youth-support-station');
    expect((await asCounselor.get('/resources?q=%00')).status).toBe(400);
    expect((await asCounselor.post(`/cases/${caseId}/referrals`, { resourceId: 'kokoro-family-class' })).status).toBe(201);
    expect((await asCenter.post(`/cases/${caseId}/referrals`, { resourceId: 'community-comprehensive-support' })).status).toBe(201);
    expect((await asCenter.post(`/cases/${caseId}/referrals`, { resourceId: 'nowhere' })).status).toBe(422);
    expect((await asOtherCenter.post(`/cases/${caseId}/referrals`, { resourceId: 'kokoro-center' })).status).toBe(404);
    const view = await asCenter.get(`/center/cases/${caseId}`);
    expect(view.body.referrals.map((r: any) => `${r.via}:${r.resourceId}`)).toEqual(['desk:kokoro-family-class', 'center:community-comprehensive-support']);
  });

  it('終結 with a coded reason closes the case: reminders stop, retention applies, nothing more is written', async () => {
    expect((await asCenter.post(`/center/cases/${caseId}/closure`, { reason: 'no_contact' })).status).toBe(422);
    expect((await asCenter.post(`/center/cases/${caseId}/closure`, { reason: 'other' })).status).toBe(422);
    expect((await asCenter.post(`/center/cases/${caseId}/closure`, { reason: 'vanished' })).status).toBe(400);
    const results = await Promise.all([1, 2, 3].map(() => asCenter.post(`/center/cases/${caseId}/closure`, { reason: 'connected_to_service', note: '介護サービスと家族教室につながった' })));
    expect(results.map((r) => r.status).sort()).toEqual([204, 409, 409]);
    const kase = await db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(kase.status).toBe('CLOSED');
    expect(kase.closedAt).not.toBeNull();
    expect(await db.reminder.count({ where: { caseId, firedAt: null, cancelledAt: null } })).toBe(0);
    expect((await asCenter.post(`/center/cases/${caseId}/meetings`, { heldOn: '2027-03-11', participants: {} })).status).toBe(409);
    await waitFor(async () => (await asCounselor.get('/notifications')).body.notifications.some((n: any) => n.kind === 'center_closed'));
    const inbox = await asCenter.get('/center/inbox?closed=true');
    expect(inbox.body.cases[0]).toMatchObject({ caseId, closeReason: 'connected_to_service' });
    expect((await asCenter.get('/center/inbox')).body.cases).toEqual([]);

    // The dashboard counts it: the plan, its goals and their outcomes, the end reason, the timings.
    const overview = await asSupervisor.get('/analytics');
    expect(overview.body.center).toMatchObject({
      referrals: { total: 2, byVia: { desk: 1, center: 1, bot: 0 } },
      plans: { casesWithMeeting: 1, meetings: 2, goals: 3, goalsByTrack: { person: 1, family: 1, community: 1 }, goalsByOwnerKind: { section: 1, agency: 2 } },
      closures: { total: 1, byReason: { connected_to_service: 1, no_contact: 0 } },
      timings: { reached: { handover: 1, acknowledged: 1, firstMeeting: 1, closure: 1 } },
    });
    expect(overview.body.center.plans.progressByTrack.family.achieved).toBe(1);
    const csv = await fetch(`${app.url}/api/staff/analytics/export.csv`, { headers: { cookie: asSupervisor.cookie } }).then((r) => r.text());
    const [header, ...rows] = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    const columns = header!.split(',');
    const row = rows.map((r) => r.split(',')).find((cells) => cells[columns.indexOf('close_reason')] === 'connected_to_service')!;
    expect(row[columns.indexOf('goals_achieved')]).toBe('1');
    expect(row[columns.indexOf('meetings')]).toBe('2');
    expect(csv).not.toMatch(/介護サービス|訪問|暴力/);
    // A center's staff do not read the city's dashboard.
    expect((await asCenter.get('/analytics')).status).toBe(403);
  });

  it("the person's deletion removes every word written on the center side; the codes stay", async () => {
    // The web page's delete button (the chat command goes the same way: src/cases/data-deletion.ts).
    const response = await fetch(`${app.url}/api/chat/conversation`, { method: 'DELETE', headers: chat.headers() });
    expect(response.status).toBeLessThan(300);
    await waitFor(async () => (await db.auditEvent.count({ where: { caseId, action: 'user.data_deleted' } })) > 0, { timeoutMs: 15_000 });
    expect(await db.caseExchange.count({ where: { caseId } })).toBe(0);
    const goals = await db.supportGoal.findMany({ where: { caseId } });
    expect(goals.map((g) => [g.title, g.nextStep, g.track])).toEqual([
      ['', null, 'person'],
      ['', null, 'family'],
      ['', null, 'community'],
    ]);
    const meetings = await db.supportMeeting.findMany({ where: { caseId } });
    expect(meetings.every((m) => m.assessment === null && m.notes === null)).toBe(true);
    expect((await db.centerCase.findUniqueOrThrow({ where: { caseId } })).closeNote).toBeNull();
    expect(await db.supportGoalReview.count({ where: { goal: { caseId }, note: { not: null } } })).toBe(0);
    const audit = await sqlPoolOf(db).query(`SELECT "detail"::text AS d FROM "AuditEvent" WHERE "caseId" = $1`, [caseId]);
    for (const row of audit.rows) expect(row.d ?? '').not.toMatch(/訪問|介護サービス|暴力の背景/);
  });

  it("retention removes the center side's words of a case closed long ago; codes stay", async () => {
    const contact = await db.contact.create({ data: { channel: 'WEB', channelUserId: `retention-${Date.now()}` } });
    const conversation = await db.conversation.create({ data: { contactId: contact.id } });
    const closedAt = new Date(Date.now() - 400 * 86_400_000);
    const kase = await db.case.create({ data: { conversationId: conversation.id, channel: 'WEB', status: 'CLOSED', closedAt } });
    const handover = await db.handover.create({ data: { caseId: kase.id, centerCode: 'sakyo', createdById: counselor.id, basis: 'consent', summary: { deskNote: '古い申し送り' }, acknowledgedAt: closedAt } });
    await db.centerCase.create({ data: { caseId: kase.id, centerCode: 'sakyo', handoverId: handover.id, acknowledgedAt: closedAt, lastActivityAt: closedAt, closedAt, closeReason: 'moved', closeNote: '転居先の区に引き継ぎ' } });
    await db.caseExchange.create({ data: { caseId: kase.id, side: 'center', kind: 'update', authorId: centerLead.id, text: '古いやりとり' } });
    const meeting = await db.supportMeeting.create({ data: { caseId: kase.id, centerCode: 'sakyo', kind: 'initial', heldOn: '2025-10-01', participants: { sections: [], agencies: [] }, assessment: '古い見立て', createdById: centerLead.id } });
    await db.supportGoal.create({ data: { caseId: kase.id, meetingId: meeting.id, track: 'family', ownerKind: 'section', ownerCode: 'health_longevity', title: '古い目標', nextStep: '古い一歩', progress: 'achieved' } });
    const { applyRetention } = await import('../../../src/cases/retention.js');
    await applyRetention({ db }, { retentionDays: 365 });
    expect(await db.caseExchange.count({ where: { caseId: kase.id } })).toBe(0);
    expect(await db.supportMeeting.findFirstOrThrow({ where: { caseId: kase.id } })).toMatchObject({ assessment: null, kind: 'initial' });
    expect(await db.supportGoal.findFirstOrThrow({ where: { caseId: kase.id } })).toMatchObject({ title: '', nextStep: null, track: 'family', progress: 'achieved' });
    expect(await db.centerCase.findUniqueOrThrow({ where: { caseId: kase.id } })).toMatchObject({ closeNote: null, closeReason: 'moved' });
  });
});
