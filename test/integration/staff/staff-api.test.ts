import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseStatus, Channel, ConsulterType, Db, Urgency } from '../../../src/db/client.js';
import { casesResponse, claimResponse, replyResponse } from '../../../src/staff/contract.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { countMessagesWithText, messagesWithText } from '../../support/encrypted.js';
import { waitFor } from '../../support/services.js';
import { createStaff, grantHandoverConsent, queuedWebCase, StaffClient, type TestStaff } from '../../support/staff.js';

/** A case straight in the database (for queue order and visibility, no conversation needed). */
async function insertCase(
  db: Db,
  fields: { urgency?: Urgency; waitingSince?: Date | null; status?: CaseStatus; channel?: Channel; consulterType?: ConsulterType | null; assigneeId?: string | null },
) {
  const channel = fields.channel ?? 'WEB';
  const contact = await db.contact.create({ data: { channel, channelUserId: randomUUID() } });
  const conversation = await db.conversation.create({ data: { contactId: contact.id } });
  return db.case.create({
    data: {
      conversationId: conversation.id,
      channel,
      status: fields.status ?? 'QUEUED',
      urgency: fields.urgency ?? 'NORMAL',
      waitingSince: fields.waitingSince === undefined ? new Date() : fields.waitingSince,
      queuedAt: new Date(),
      consulterType: fields.consulterType ?? null,
      assigneeId: fields.assigneeId ?? null,
    },
  });
}

const URGENCY_RANK = { EMERGENCY: 0, HIGH: 1, NORMAL: 2 } as const;

describe('staff API', () => {
  let app: TestApp;
  let db: Db;
  let counselor: TestStaff;
  let colleague: TestStaff;
  let supervisor: TestStaff;
  let admin: TestStaff;
  let centerStaff: TestStaff;
  let otherCenterStaff: TestStaff;
  let asCounselor: StaffClient;
  let asColleague: StaffClient;
  let asSupervisor: StaffClient;
  let asAdmin: StaffClient;
  let asCenter: StaffClient;
  let asOtherCenter: StaffClient;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    [counselor, colleague, supervisor, admin, centerStaff, otherCenterStaff] = await Promise.all([
      createStaff(db, { role: 'COUNSELOR', name: '相談員 一' }),
      createStaff(db, { role: 'COUNSELOR', name: '相談員 二' }),
      createStaff(db, { role: 'SUPERVISOR', name: 'SV 三' }),
      createStaff(db, { role: 'ADMIN', name: '管理者' }),
      createStaff(db, { role: 'CENTER', name: '左京センター 四', centerCode: 'sakyo' }),
      createStaff(db, { role: 'CENTER', name: '北センター 五', centerCode: 'kita' }),
    ]);
    [asCounselor, asColleague, asSupervisor, asAdmin, asCenter, asOtherCenter] = (await Promise.all(
      [counselor, colleague, supervisor, admin, centerStaff, otherCenterStaff].map((s) => StaffClient.login(app.url, s)),
    )) as [StaffClient, StaffClient, StaffClient, StaffClient, StaffClient, StaffClient];
  });
  afterAll(async () => {
    await app?.dispose();
  });

  describe('contract document', () => {
    it('serves OpenAPI 3.1 generated from the schemas, with the contract paths', async () => {
      const response = await fetch(`${app.url}/api/staff/openapi.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      const doc = JSON.parse(await response.text());
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.paths['/api/staff/login'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('password');
      expect(doc.paths['/api/staff/cases'].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['status', 'urgency', 'channel', 'consulterType', 'mine']));
      expect(doc.paths['/api/staff/cases/{id}/claim'].post.responses).toHaveProperty('409');
      expect(doc.paths['/api/staff/cases/{id}/messages'].post.requestBody.content['application/json'].schema.required).toContain('text');
      expect(doc.paths['/api/staff/cases'].get['x-roles']).toEqual(['COUNSELOR', 'SUPERVISOR']);
    });
  });

  describe('sessions and roles', () => {
    it('logs in with an HttpOnly, SameSite=Strict cookie and a CSRF token; refuses a wrong password with 401', async () => {
      const response = await fetch(`${app.url}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: counselor.email.toUpperCase(), password: counselor.password }),
      });
      expect(response.status).toBe(200);
      const cookie = response.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^yorisoi_staff=[A-Za-z0-9_-]{43};/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).not.toContain('Secure'); // only in production
      const body = await response.json();
      expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(body.staff).toMatchObject({ id: counselor.id, role: 'COUNSELOR' });
      // Only the hash of the cookie value is stored.
      const token = cookie.split(';')[0]!.split('=')[1]!;
      expect(await db.staffSession.count({ where: { id: token } })).toBe(0);

      const wrong = await new StaffClient(app.url).login(counselor.email, 'not-the-password-at-all');
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('invalid_credentials');
      const unknown = await new StaffClient(app.url).login('nobody@staff.test', 'not-the-password-at-all');
      expect(unknown.status).toBe(401);
      expect(unknown.body.error.code).toBe('invalid_credentials');
    });

    it('answers 401 without a session', async () => {
      const anonymous = new StaffClient(app.url);
      for (const path of ['/cases', '/audit', '/accounts', '/me', '/handovers']) expect((await anonymous.get(path)).status).toBe(401);
      expect((await anonymous.post(`/cases/${randomUUID()}/claim`)).status).toBe(401);
      const forged = new StaffClient(app.url);
      forged.cookie = `yorisoi_staff=${'A'.repeat(43)}`;
      expect((await forged.get('/cases')).status).toBe(401);
    });

    it('enforces roles on every route', async () => {
      // Counsellors: the queue and their cases — not audit, reports, accounts or settings.
      for (const path of ['/audit', '/reports/summary', '/accounts', '/settings', '/handovers']) {
        const result = await asCounselor.get(path);
        expect(result.status, path).toBe(403);
        expect(result.body.error.code).toBe('forbidden');
      }
      expect((await asCounselor.post('/accounts', { email: 'x@staff.test', name: 'x', role: 'ADMIN' })).status).toBe(403);
      expect((await asCounselor.get('/cases')).status).toBe(200);
      // Supervisors: everything plus audit and reports.
      for (const path of ['/cases', '/audit', '/reports/summary', '/handovers']) expect((await asSupervisor.get(path)).status, path).toBe(200);
      expect((await asSupervisor.get('/accounts')).status).toBe(403);
      // Admins: accounts and settings, no case content.
      for (const path of ['/accounts', '/settings']) expect((await asAdmin.get(path)).status, path).toBe(200);
      for (const path of ['/cases', '/audit', '/handovers']) expect((await asAdmin.get(path)).status, path).toBe(403);
      // Center staff: their handovers only.
      expect((await asCenter.get('/handovers')).status).toBe(200);
      for (const path of ['/cases', '/audit', '/accounts']) expect((await asCenter.get(path)).status, path).toBe(403);
    });

    it('requires the session CSRF token on every state-changing call', async () => {
      const kase = await insertCase(db, {});
      const missing = await asCounselor.post(`/cases/${kase.id}/claim`, {}, { csrfToken: null });
      expect(missing.status).toBe(403);
      expect(missing.body.error.code).toBe('csrf_failed');
      const wrong = await asCounselor.post(`/cases/${kase.id}/claim`, {}, { csrfToken: asColleague.csrfToken });
      expect(wrong.status).toBe(403);
      expect((await db.case.findUniqueOrThrow({ where: { id: kase.id } })).assigneeId).toBeNull();
      expect((await asCounselor.post('/logout', {}, { csrfToken: null })).status).toBe(403);
      const right = await asCounselor.post(`/cases/${kase.id}/claim`);
      expect(right.status).toBe(200);
    });

    it('gives a reloaded page its CSRF token, changes the password and ends the other sessions, logs out', async () => {
      const staff = await createStaff(db, { role: 'COUNSELOR' });
      const first = await StaffClient.login(app.url, staff);
      const second = await StaffClient.login(app.url, staff);
      const me = await second.get('/me');
      expect(me.status).toBe(200);
      expect(me.body.csrfToken).toBe(second.csrfToken);
      expect((await second.post('/password', { currentPassword: 'wrong-password-123', newPassword: 'a-new-long-passphrase' })).status).toBe(403);
      expect((await second.post('/password', { currentPassword: staff.password, newPassword: 'short' })).status).toBe(422);
      expect((await second.post('/password', { currentPassword: staff.password, newPassword: 'a-new-long-passphrase' })).status).toBe(204);
      expect((await first.get('/me')).status).toBe(401);
      expect((await second.get('/me')).status).toBe(200);
      expect((await new StaffClient(app.url).login(staff.email, staff.password)).status).toBe(401);
      expect((await new StaffClient(app.url).login(staff.email, 'a-new-long-passphrase')).status).toBe(200);
      const logout = await second.post('/logout');
      expect(logout.status).toBe(204);
      expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
      expect((await second.get('/me')).status).toBe(401);
    });
  });

  describe('the queue', () => {
    it('sorts by urgency, then the longest waiting (nulls last), with filters', async () => {
      const t = Date.now();
      const normalOld = await insertCase(db, { urgency: 'NORMAL', waitingSince: new Date(t - 60 * 60_000), consulterType: 'FAMILY' });
      const normalNew = await insertCase(db, { urgency: 'NORMAL', waitingSince: new Date(t - 60_000), channel: 'LINE' });
      const normalNobodyWaits = await insertCase(db, { urgency: 'NORMAL', waitingSince: null, status: 'WAITING_USER', assigneeId: counselor.id });
      const emergency = await insertCase(db, { urgency: 'EMERGENCY', waitingSince: new Date(t - 30_000), consulterType: 'SELF' });
      const high = await insertCase(db, { urgency: 'HIGH', waitingSince: new Date(t - 10_000) });
      const closed = await insertCase(db, { status: 'CLOSED', assigneeId: counselor.id });
      const intake = await insertCase(db, { status: 'INTAKE' });
      const colleagues = await insertCase(db, { status: 'ACTIVE', assigneeId: colleague.id });

      const result = await asSupervisor.get('/cases?status=open');
      expect(result.status).toBe(200);
      const { cases } = casesResponse.parse(result.body);
      for (let i = 1; i < cases.length; i++) {
        const [a, b] = [cases[i - 1]!, cases[i]!];
        expect(URGENCY_RANK[a.urgency] <= URGENCY_RANK[b.urgency]).toBe(true);
        if (a.urgency === b.urgency && b.waitingSince) expect(a.waitingSince !== null && a.waitingSince <= b.waitingSince).toBe(true);
      }
      const ids = cases.map((c) => c.id);
      const order = [emergency, high, normalOld, normalNew, normalNobodyWaits].map((c) => ids.indexOf(c.id));
      expect(order.every((index) => index >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(ids).not.toContain(closed.id);
      expect(ids).not.toContain(intake.id);
      expect(ids).toContain(colleagues.id); // supervisors see every case

      // Counsellors: the unassigned queue and their own cases, not a colleague's.
      const mine = casesResponse.parse((await asCounselor.get('/cases')).body).cases.map((c) => c.id);
      expect(mine).toEqual(expect.arrayContaining([emergency.id, normalNobodyWaits.id]));
      expect(mine).not.toContain(colleagues.id);
      expect((await asCounselor.get(`/cases/${colleagues.id}`)).status).toBe(404);

      const urgent = casesResponse.parse((await asSupervisor.get('/cases?urgency=EMERGENCY,HIGH')).body).cases;
      expect(urgent.every((c) => c.urgency !== 'NORMAL')).toBe(true);
      expect(casesResponse.parse((await asSupervisor.get('/cases?channel=LINE')).body).cases.every((c) => c.channel === 'LINE')).toBe(true);
      expect(casesResponse.parse((await asSupervisor.get('/cases?consulterType=FAMILY')).body).cases.map((c) => c.id)).toContain(normalOld.id);
      const onlyMine = casesResponse.parse((await asCounselor.get('/cases?mine=true&status=all')).body).cases;
      expect(onlyMine.map((c) => c.id)).toEqual(expect.arrayContaining([normalNobodyWaits.id, closed.id]));
      expect(onlyMine.every((c) => c.assigneeId === counselor.id)).toBe(true);
      expect(casesResponse.parse((await asSupervisor.get('/cases?status=closed')).body).cases.map((c) => c.id)).toContain(closed.id);
      expect((await asSupervisor.get('/cases?urgency=SOMETIMES')).status).toBe(400);
    });

    it('lets exactly one of 20 simultaneous claims win', async () => {
      const kase = await insertCase(db, { urgency: 'HIGH' });
      const counselors = await Promise.all(Array.from({ length: 20 }, (_, i) => createStaff(db, { role: 'COUNSELOR', name: `並行 ${i}` })));
      // Logged in one after another: 20 logins in flight at once from one address, after this
      // file's wrong-password tests, would meet the per-IP throttle (it counts attempts in flight).
      const clients: StaffClient[] = [];
      for (const c of counselors) clients.push(await StaffClient.login(app.url, c));
      const results = await Promise.all(clients.map((client) => client.post(`/cases/${kase.id}/claim`)));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      const winner = counselors[statuses.indexOf(200)]!;
      const won = claimResponse.parse(results[statuses.indexOf(200)]!.body);
      expect(won.case).toMatchObject({ id: kase.id, assigneeId: winner.id, status: 'ACTIVE' });
      expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'already_claimed')).toBe(true);
      expect((await db.case.findUniqueOrThrow({ where: { id: kase.id } })).assigneeId).toBe(winner.id);
      expect(await db.auditEvent.count({ where: { caseId: kase.id, action: 'case.claimed' } })).toBe(1);
    });

    it('answers 404 for an unknown case and 409 for a case still in the intake', async () => {
      expect((await asCounselor.post(`/cases/${randomUUID()}/claim`)).status).toBe(404);
      const intake = await insertCase(db, { status: 'INTAKE' });
      const result = await asSupervisor.post(`/cases/${intake.id}/claim`);
      expect(result.status).toBe(409);
      expect(result.body.error.code).toBe('not_claimable');
      expect((await asCounselor.post('/cases/not-a-uuid/claim')).status).toBe(400);
    });
  });

  describe('working a web case', () => {
    it('shows a new case live, claims it, and the reply reaches the web chat (history and live stream)', async () => {
      await asCounselor.openStream();
      try {
        const { chat, caseId } = await queuedWebCase(app.url, db, '<b>太字</b><script>window.__pwned=1</script>');
        await waitFor(() => asCounselor.events.some((e) => e.name === 'case' && e.data.caseId === caseId));
        await chat.openStream();
        try {
          expect((await asCounselor.post(`/cases/${caseId}/messages`, { text: 'まだ担当していません' })).status).toBe(409);
          expect(await db.reminder.count({ where: { caseId, kind: 'UNCLAIMED', cancelledAt: null } })).toBe(1);
          expect((await asCounselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
          // Claimed: the "nobody has claimed it" reminder no longer applies.
          expect(await db.reminder.count({ where: { caseId, kind: 'UNCLAIMED', cancelledAt: null } })).toBe(0);
          // The bot steps back: the staff-joined event went through the person's own queue.
          await waitFor(async () => (await db.inboundEvent.count({ where: { externalId: { startsWith: `staff-joined:${caseId}` }, processedAt: { not: null } } })) === 1);

          const text = 'はじめまして。よりそいの相談員です。\n<i>ゆっくりで大丈夫です</i>';
          const clientMessageId = `reply-${randomUUID()}`;
          const sent = await asCounselor.post(`/cases/${caseId}/messages`, { text, clientMessageId });
          expect(sent.status).toBe(201);
          const reply = replyResponse.parse(sent.body);
          expect(reply).toMatchObject({ duplicate: false, deliverable: true });
          const again = await asCounselor.post(`/cases/${caseId}/messages`, { text, clientMessageId });
          expect(replyResponse.parse(again.body)).toMatchObject({ duplicate: true, message: { id: reply.message.id } });

          await waitFor(() => chat.events.some((e) => e.name === 'message' && (e.data as any).author === 'staff'));
          const live = chat.events.find((e) => e.name === 'message' && (e.data as any).author === 'staff')!.data as any;
          expect(live).toMatchObject({ id: reply.message.id, text });
          const history = await chat.messages();
          expect(history.filter((m) => m.author === 'staff')).toEqual([expect.objectContaining({ id: reply.message.id, text })]);

          const kase = await db.case.findUniqueOrThrow({ where: { id: caseId } });
          expect(kase.firstStaffReplyAt).not.toBeNull();
          expect(kase.waitingSince).toBeNull();
          expect(await db.outboundDelivery.count({ where: { conversationId: kase.conversationId } })).toBe(0);

          // The person writes again: waiting for a human again, and the bot stays quiet, in desk
          // hours or not (src/conversation/engine.ts: a counsellor holds the conversation, the bot
          // steps back; only safety answers and deletion still come from it).
          await chat.send({ text: 'ありがとうございます' });
          await waitFor(async () => (await db.case.findUniqueOrThrow({ where: { id: caseId } })).waitingSince !== null);
          await waitFor(async () => (await db.inboundEvent.count({ where: { processedAt: null } })) === 0);
          const after = await chat.messages();
          const lastUser = after.findLastIndex((m) => m.author === 'user');
          expect(after[lastUser]).toMatchObject({ author: 'user', text: 'ありがとうございます' });
          const botAfter = after.slice(lastUser + 1);
          expect(botAfter).toEqual([]);

          // Empty and too-long replies are refused.
          expect((await asCounselor.post(`/cases/${caseId}/messages`, { text: '   ' })).status).toBe(400);
          expect((await asCounselor.post(`/cases/${caseId}/messages`, { text: 'あ'.repeat(5001) })).status).toBe(400);
          // A colleague cannot answer someone else's case.
          expect((await asColleague.post(`/cases/${caseId}/messages`, { text: '横から' })).status).toBe(404);
        } finally {
          chat.close();
        }
      } finally {
        asCounselor.close();
      }
    });

    it('shows the conversation without unsent messages, with intake answers, notes, consents and history', async () => {
      const { caseId } = await queuedWebCase(app.url, db, '消すかもしれないメッセージ');
      const kase = await db.case.findUniqueOrThrow({ where: { id: caseId } });
      const unsent = await messagesWithText(db, '消すかもしれないメッセージ', { conversationId: kase.conversationId });
      await db.message.updateMany({ where: { id: { in: unsent.map((m) => m.id) } }, data: { hiddenAt: new Date() } });
      await db.intakeAnswer.create({ data: { caseId, flowId: 'family', stepId: 'relation', key: 'relation', value: 'parent', freeText: null } });
      expect((await asCounselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
      expect((await asCounselor.post(`/cases/${caseId}/notes`, { text: '母親からの相談。<script>alert(1)</script>' })).status).toBe(201);
      expect((await asColleague.post(`/cases/${caseId}/notes`, { text: '横から' })).status).toBe(404);

      const view = await asCounselor.get(`/cases/${caseId}`);
      expect(view.status).toBe(200);
      expect(view.body.case).toMatchObject({ id: caseId, status: 'ACTIVE', assigneeId: counselor.id, channel: 'WEB' });
      expect(view.body.messages.some((m: any) => m.text === '消すかもしれないメッセージ')).toBe(false);
      expect(view.body.messages.some((m: any) => m.author === 'user' && m.text === '人と話したい')).toBe(true);
      expect(view.body.answers).toContainEqual(expect.objectContaining({ key: 'relation', value: 'parent' }));
      expect(view.body.notes).toEqual([expect.objectContaining({ text: '母親からの相談。<script>alert(1)</script>', authorName: '相談員 一' })]);
      expect(view.body.history.map((h: any) => h.action)).toContain('case.claimed');
      expect(view.body).toHaveProperty('consents');
      expect(view.body.contact).not.toHaveProperty('channelUserId');
      expect(JSON.stringify(view.body)).not.toContain((await db.contact.findFirstOrThrow({ where: { conversations: { some: { id: kase.conversationId } } } })).channelUserId);
      expect(await db.auditEvent.count({ where: { caseId, action: 'case.viewed', actorId: counselor.id } })).toBe(1);
    });

    it('changes status with a reason, releases and transfers', async () => {
      const { caseId } = await queuedWebCase(app.url, db);
      expect((await asCounselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
      expect((await asCounselor.post(`/cases/${caseId}/status`, { status: 'WAITING_USER' })).status).toBe(400);
      expect((await asCounselor.post(`/cases/${caseId}/status`, { status: 'WAITING_USER', reason: '' })).status).toBe(400);
      expect((await asCounselor.post(`/cases/${caseId}/status`, { status: 'WAITING_USER', reason: 'x', followUpOn: '2026-13-01' })).status).toBe(400);
      expect((await asCounselor.post(`/cases/${caseId}/status`, { status: 'WAITING_USER', reason: 'ご本人の返事待ち', followUpOn: '2031-03-04' })).status).toBe(204);
      let kase = await db.case.findUniqueOrThrow({ where: { id: caseId } });
      expect(kase).toMatchObject({ status: 'WAITING_USER', waitingSince: null });
      // The follow-up fires that day at the configured time (data/reminders.yaml, desk hours).
      expect(kase.followUpAt!.getTime()).toBeGreaterThanOrEqual(Date.parse('2031-03-04T00:00:00+09:00'));
      const followUp = await db.reminder.findFirstOrThrow({ where: { caseId, kind: 'FOLLOW_UP', cancelledAt: null } });
      expect(followUp.dueAt.getTime()).toBe(kase.followUpAt!.getTime());
      expect((await asCounselor.post(`/cases/${caseId}/status`, { status: 'HANDED_OVER', reason: 'x' })).status).toBe(400);

      expect((await asCounselor.post(`/cases/${caseId}/transfer`, { toStaffId: admin.id })).status).toBe(422);
      expect((await asCounselor.post(`/cases/${caseId}/transfer`, { toStaffId: colleague.id, reason: '夜間の担当へ' })).status).toBe(204);
      expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).assigneeId).toBe(colleague.id);
      expect((await asCounselor.post(`/cases/${caseId}/release`, {})).status).toBe(404); // no longer theirs
      expect((await asColleague.post(`/cases/${caseId}/status`, { status: 'ACTIVE', reason: '再開' })).status).toBe(204);
      expect((await asColleague.post(`/cases/${caseId}/release`, { reason: '担当替え' })).status).toBe(204);
      kase = await db.case.findUniqueOrThrow({ where: { id: caseId } });
      expect(kase).toMatchObject({ assigneeId: null, status: 'QUEUED' });
      // Nobody holds the chat any more: the bot answers the person again.
      await waitFor(async () => (await db.conversation.findUniqueOrThrow({ where: { id: kase.conversationId } })).phase === 'handedOff');

      expect((await asSupervisor.post(`/cases/${caseId}/status`, { status: 'CLOSED', reason: '重複した相談' })).status).toBe(204);
      kase = await db.case.findUniqueOrThrow({ where: { id: caseId } });
      expect(kase.status).toBe('CLOSED');
      expect(kase.closedAt).not.toBeNull();
      const audit = await auditTrail(db, caseId, ['case.status_changed', 'case.transferred', 'case.released']);
      expect(audit.map((a) => a.action)).toEqual(['case.status_changed', 'case.transferred', 'case.status_changed', 'case.released', 'case.status_changed']);
      expect(audit[0]!.detail).toMatchObject({ from: 'ACTIVE', to: 'WAITING_USER', reason: 'ご本人の返事待ち' });
    });

    it('records the assessment; an override needs a reason and goes to the audit log', async () => {
      const kase = await insertCase(db, { urgency: 'HIGH', consulterType: 'FAMILY' });
      // What the intake derived (src/cases/quality-markers.ts): a starting point for the counsellor.
      await db.case.update({
        where: { id: kase.id },
        data: {
          stage: 'encounter_assessment',
          markers: {
            signals: ['distress'],
            quality: {
              ownWish: { value: 'undecided', from: ['person_wish'] },
              householdRisk: { value: 'medium', factors: ['elderly_parents'], from: ['household_oldest_age'] },
              supportConnections: { value: 'unknown', from: [] },
            },
          },
        },
      });
      expect((await asCounselor.post(`/cases/${kase.id}/claim`)).status).toBe(200);
      const assessment = {
        track: 'family',
        ownWish: { value: 'undecided', personAware: 'no', note: 'ご本人はまだ相談を知らない' },
        householdRisk: { value: 'medium', factors: ['elderly_parents', 'money'], note: '80代の両親と50代の本人' },
        supportConnections: { value: 'none', note: '' },
        stage: 'encounter_assessment',
        needs: ['listen', 'family_class'],
        urgency: 'HIGH',
        consulterType: 'FAMILY',
        summary: '家族の疲れが強い。まず家族支援から。',
      };
      expect((await asCounselor.put(`/cases/${kase.id}/assessment`, { ...assessment, track: 'everyone' })).status).toBe(400);
      // Filling in what the intake did not know is not an override…
      expect((await asCounselor.put(`/cases/${kase.id}/assessment`, assessment)).status).toBe(204);
      let stored = await db.case.findUniqueOrThrow({ where: { id: kase.id } });
      expect(stored.assessment).toMatchObject({ version: 1, track: 'family', householdRisk: { value: 'medium' }, assessedById: counselor.id });
      expect(stored.markers).toMatchObject({
        signals: ['distress'],
        quality: {
          ownWish: { value: 'undecided', from: ['assessment'] },
          householdRisk: { value: 'medium', factors: ['elderly_parents', 'money'], from: ['assessment'] },
          supportConnections: { value: 'none', from: ['assessment'] },
        },
      });
      expect(stored.assessedAt).not.toBeNull();
      expect(await db.auditEvent.count({ where: { caseId: kase.id, action: 'case.assessment_override' } })).toBe(0);

      // …changing a marker recorded before is.
      const riskier = { ...assessment, householdRisk: { ...assessment.householdRisk, value: 'high' } };
      expect((await asCounselor.put(`/cases/${kase.id}/assessment`, riskier)).body.error.code).toBe('reason_required');
      expect((await asCounselor.put(`/cases/${kase.id}/assessment`, { ...riskier, overrideReason: '面談で暴言が続いていると分かった' })).status).toBe(204);

      const lowered = { ...riskier, urgency: 'NORMAL', stage: 'individual_support' };
      const refused = await asCounselor.put(`/cases/${kase.id}/assessment`, lowered);
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('reason_required');
      expect((await asCounselor.put(`/cases/${kase.id}/assessment`, { ...lowered, overrideReason: '面談で安全を確認できた' })).status).toBe(204);
      stored = await db.case.findUniqueOrThrow({ where: { id: kase.id } });
      expect(stored).toMatchObject({ urgency: 'NORMAL', stage: 'individual_support' });
      const overrides = await auditTrail(db, kase.id, ['case.assessment_override']);
      expect(overrides.map((o) => o.detail)).toEqual([
        { field: 'householdRisk', from: 'medium', to: 'high', reason: '面談で暴言が続いていると分かった' },
        { field: 'stage', from: 'encounter_assessment', to: 'individual_support', reason: '面談で安全を確認できた' },
        { field: 'urgency', from: 'HIGH', to: 'NORMAL', reason: '面談で安全を確認できた' },
      ]);
    });
  });

  describe('handover (つなぎ) and acknowledgement (受け止め)', () => {
    it('refuses a handover without consent, allows it with consent, and the center acknowledges', async () => {
      const { caseId, chat } = await queuedWebCase(app.url, db, 'センターに相談したいです');
      expect((await asCounselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
      expect((await asCounselor.get(`/cases/${caseId}`)).body.handoverConsent).toBeNull();
      const handover = { centerCode: 'sakyo', basis: 'consent', note: 'ご家族（母）から。本人は50代。家族支援から。' };

      const noConsent = await asCounselor.post(`/cases/${caseId}/handovers`, handover);
      expect(noConsent.status).toBe(409);
      expect(noConsent.body.error.code).toBe('consent_required');
      const kase = await db.case.findUniqueOrThrow({ where: { id: caseId }, include: { conversation: true } });
      await db.consent.create({ data: { contactId: kase.conversation.contactId, caseId, kind: 'handover_ward_center', granted: false, wordingVersion: 'handover-v1', channel: 'WEB' } });
      expect((await asCounselor.post(`/cases/${caseId}/handovers`, handover)).body.error.code).toBe('consent_required');
      expect((await asCounselor.post(`/cases/${caseId}/handovers`, { ...handover, centerCode: 'atlantis' })).status).toBe(422);

      // The person agrees in the chat; the counsellor records it, citing the message.
      await chat.send({ text: 'はい、センターに伝えてください' });
      await waitFor(async () => (await countMessagesWithText(db, 'はい、センターに伝えてください', { conversationId: kase.conversationId })) === 1);
      const [agreed] = await messagesWithText(db, 'はい、センターに伝えてください', { conversationId: kase.conversationId });
      const botMessage = await db.message.findFirstOrThrow({ where: { conversationId: kase.conversationId, author: 'BOT' } });
      expect((await asCounselor.post(`/cases/${caseId}/consents`, { granted: true, messageId: botMessage.id })).status).toBe(422);
      expect((await asCounselor.post(`/cases/${caseId}/consents`, { granted: true, messageId: agreed!.id })).status).toBe(201);

      const created = await asCounselor.post(`/cases/${caseId}/handovers`, handover);
      expect(created.status).toBe(201);
      const handoverId = created.body.handover.id;
      expect(created.body.handover).toMatchObject({ centerCode: 'sakyo', centerName: '左京区役所 保健福祉センター', basis: 'consent', acknowledgedAt: null });
      expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('HANDED_OVER');
      expect((await asCounselor.post(`/cases/${caseId}/handovers`, handover)).body.error.code).toBe('handover_pending');
      // Until the center acknowledges, a reminder waits (data/reminders.yaml).
      const reminder = await db.reminder.findFirstOrThrow({ where: { handoverId, kind: 'HANDOVER_UNACKNOWLEDGED' } });
      expect(reminder.cancelledAt).toBeNull();
      expect(reminder.dueAt.getTime()).toBeGreaterThan(Date.now());
      // Unacknowledged: still in the open queue, flagged.
      const queue = casesResponse.parse((await asCounselor.get('/cases')).body).cases;
      expect(queue.find((c) => c.id === caseId)?.preview.handoverPending).toBe(true);

      // The receiving center sees it and its summary; another center does not.
      const pending = await asCenter.get('/handovers?state=pending');
      expect(pending.body.handovers.map((h: any) => h.id)).toContain(handoverId);
      expect((await asOtherCenter.get('/handovers?state=all')).body.handovers.map((h: any) => h.id)).not.toContain(handoverId);
      expect((await asOtherCenter.get(`/handovers/${handoverId}`)).status).toBe(404);
      const printed = await asCenter.get(`/handovers/${handoverId}?purpose=print`);
      expect(printed.status).toBe(200);
      expect(printed.body.handover.summary).toMatchObject({ deskNote: handover.note, center: { code: 'sakyo' }, consent: { granted: true }, handedOverBy: { name: '相談員 一' } });
      expect((await asCenter.get(`/cases/${caseId}`)).status).toBe(403);

      expect((await asOtherCenter.post(`/handovers/${handoverId}/acknowledge`, {})).status).toBe(404);
      expect((await asSupervisor.post(`/handovers/${handoverId}/acknowledge`, {})).status).toBe(422);
      expect((await asCenter.post(`/handovers/${handoverId}/acknowledge`, {})).status).toBe(204);
      expect((await asCenter.post(`/handovers/${handoverId}/acknowledge`, {})).status).toBe(409);
      const acknowledged = await db.handover.findUniqueOrThrow({ where: { id: handoverId } });
      expect(acknowledged.acknowledgedAt).not.toBeNull();
      expect(acknowledged.acknowledgedById).toBe(centerStaff.id);
      expect((await db.reminder.findUniqueOrThrow({ where: { id: reminder.id } })).cancelledAt).not.toBeNull();
      expect(casesResponse.parse((await asCounselor.get('/cases')).body).cases.map((c) => c.id)).not.toContain(caseId);

      // Every view, change and export of the case is in the audit log, readable by supervisors.
      const audit = await asSupervisor.get(`/audit?caseId=${caseId}`);
      expect(audit.status).toBe(200);
      const actions = audit.body.events.map((e: any) => e.action);
      for (const action of ['case.viewed', 'case.claimed', 'consent.recorded_from_chat', 'case.handed_over', 'handover.printed', 'handover.acknowledged']) {
        expect(actions, action).toContain(action);
      }
      expect(audit.body.events.find((e: any) => e.action === 'handover.acknowledged')).toMatchObject({ actorId: centerStaff.id, actorName: '左京センター 四' });
      expect((await asCounselor.get(`/audit?caseId=${caseId}`)).status).toBe(403);
      // The audit log cannot be changed.
      await expect(db.auditEvent.deleteMany({ where: { caseId } })).rejects.toThrow();
    });

    it('allows an emergency override only with a reason; a supervisor acknowledges on behalf with a note', async () => {
      const kase = await insertCase(db, { urgency: 'EMERGENCY' });
      expect((await asSupervisor.post(`/cases/${kase.id}/claim`)).status).toBe(200);
      const body = { centerCode: 'fushimi-daigo', basis: 'emergency_override', note: '虐待の疑い。至急の対応をお願いします。' };
      const noReason = await asSupervisor.post(`/cases/${kase.id}/handovers`, body);
      expect(noReason.status).toBe(422);
      expect(noReason.body.error.code).toBe('reason_required');
      const created = await asSupervisor.post(`/cases/${kase.id}/handovers`, { ...body, overrideReason: '高齢の親への暴力の訴え。命と体の安全のため。' });
      expect(created.status).toBe(201);
      expect(created.body.handover).toMatchObject({ basis: 'emergency_override', overrideReason: '高齢の親への暴力の訴え。命と体の安全のため。' });
      const handoverId = created.body.handover.id;
      expect((await asSupervisor.post(`/handovers/${handoverId}/acknowledge`, { note: '醍醐支所 キーマンの田中さんが電話で受け止め' })).status).toBe(204);
      const stored = await db.handover.findUniqueOrThrow({ where: { id: handoverId } });
      expect(stored).toMatchObject({ acknowledgedById: supervisor.id, acknowledgedNote: '醍醐支所 キーマンの田中さんが電話で受け止め' });
      const audit = await auditTrail(db, kase.id, ['case.handed_over', 'handover.acknowledged']);
      expect(audit.map((a) => a.detail)).toEqual([
        expect.objectContaining({ basis: 'emergency_override', overrideReason: '高齢の親への暴力の訴え。命と体の安全のため。' }),
        expect.objectContaining({ onBehalf: true }),
      ]);
    });
  });

  describe('supervision and administration', () => {
    it('writes audit entries for view, claim and reply, and reports counts without personal data', async () => {
      const { caseId } = await queuedWebCase(app.url, db, '監査のテスト');
      await grantHandoverConsent(db, caseId);
      expect((await asCounselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
      expect((await asCounselor.get(`/cases/${caseId}`)).status).toBe(200);
      expect((await asCounselor.post(`/cases/${caseId}/messages`, { text: 'お返事します' })).status).toBe(201);
      const events = await db.auditEvent.findMany({ where: { caseId, actorId: counselor.id } });
      expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['case.claimed', 'case.viewed', 'case.replied']));
      expect(JSON.stringify(events.map((e) => e.detail))).not.toContain('お返事します');

      const report = await asSupervisor.get('/reports/summary');
      expect(report.status).toBe(200);
      expect(report.body.cases.total).toBeGreaterThan(0);
      expect(report.body.cases.byUrgency).toHaveProperty('NORMAL');
      expect(JSON.stringify(report.body)).not.toContain('監査のテスト');
    });

    it('lets admins create, change, disable and unlock accounts', async () => {
      const created = await asAdmin.post('/accounts', { email: 'New.Center@Staff.test', name: '右京センター', role: 'CENTER', centerCode: 'ukyo' });
      expect(created.status).toBe(201);
      expect(created.body.account).toMatchObject({ email: 'new.center@staff.test', role: 'CENTER', centerCode: 'ukyo', disabled: false });
      expect(created.body.temporaryPassword).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
      expect((await asAdmin.post('/accounts', { email: 'new.center@staff.test', name: 'dup', role: 'COUNSELOR' })).status).toBe(409);
      expect((await asAdmin.post('/accounts', { email: 'c2@staff.test', name: 'x', role: 'CENTER' })).status).toBe(422);
      const newcomer = await StaffClient.login(app.url, { email: 'new.center@staff.test', password: created.body.temporaryPassword });
      expect((await newcomer.get('/handovers')).status).toBe(200);

      const id = created.body.account.id;
      expect((await asAdmin.patch(`/accounts/${id}`, { disabled: true })).status).toBe(200);
      expect((await newcomer.get('/handovers')).status).toBe(401);
      expect((await new StaffClient(app.url).login('new.center@staff.test', created.body.temporaryPassword)).status).toBe(401);
      expect((await asAdmin.patch(`/accounts/${admin.id}`, { disabled: true })).status).toBe(422);
      const reset = await asAdmin.post(`/accounts/${id}/reset-password`);
      expect(reset.status).toBe(200);
      expect((await asAdmin.patch(`/accounts/${id}`, { disabled: false })).status).toBe(200);
      expect((await new StaffClient(app.url).login('new.center@staff.test', reset.body.temporaryPassword)).status).toBe(200);
      const actions = (await db.auditEvent.findMany({ where: { actorId: admin.id } })).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['staff.account_created', 'staff.account_updated', 'staff.password_reset']));
    });
  });
});

describe('staff console page', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ worker: false, env: { EMBED_ALLOWED_ORIGINS: 'https://www.city.kyoto.lg.jp' } });
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('is served under a strict CSP that no other site may frame, while the chat stays embeddable', async () => {
    const page = await fetch(`${app.url}/staff`);
    expect(page.status).toBe(200);
    const shell = await page.text();
    // The Vite build (console/): hashed module scripts and stylesheets under /staff/assets/, nothing inline.
    const assets = [...shell.matchAll(/(?:src|href)="(\/staff\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    expect(shell).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(shell).not.toMatch(/<style|\sstyle=/);
    for (const asset of assets) expect((await fetch(`${app.url}${asset}`)).status, asset).toBe(200);
    // Console routes answer with the same shell; file-like paths that do not exist stay 404.
    for (const route of [`/staff/cases/${randomUUID()}`, '/staff/queue?urgency=EMERGENCY', '/staff/audit']) {
      const routed = await fetch(`${app.url}${route}`);
      expect(routed.status, route).toBe(200);
      expect(await routed.text(), route).toBe(shell);
    }
    expect((await fetch(`${app.url}/staff/staff.js`)).status).toBe(404);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const print = await fetch(`${app.url}/staff/handovers/${randomUUID()}/print`);
    expect(print.status).toBe(200);
    expect(print.headers.get('cache-control')).toBe('no-store');
    const chat = await fetch(`${app.url}/`);
    expect(chat.headers.get('content-security-policy')).toContain('https://www.city.kyoto.lg.jp');
  });
});

/** A case's audit events of the given actions, oldest first, as supervisors read them (staff-written texts resolved). */
async function auditTrail(db: Db, caseId: string, actions: string[]) {
  const { listAudit } = await import('../../../src/cases/audit.js');
  return (await listAudit(db, { caseId, limit: 1000 })).filter((e) => actions.includes(e.action)).reverse();
}
