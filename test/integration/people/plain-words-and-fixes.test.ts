// Plain words on the server side and the small breakages of #16.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { casesResponse } from '../../../src/staff/contract.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, queuedWebCase, StaffClient, type TestStaff } from '../../support/staff.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('plain words and small breakages', () => {
  let app: TestApp;
  let db: Db;
  let counselor: TestStaff;
  let colleague: TestStaff;
  let asCounselor: StaffClient;
  let asColleague: StaffClient;
  let asSupervisor: StaffClient;
  let asCenter: StaffClient;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    counselor = await createStaff(db, { role: 'COUNSELOR', name: '田中 相談員' });
    colleague = await createStaff(db, { role: 'COUNSELOR', name: '佐藤 相談員' });
    const supervisor = await createStaff(db, { role: 'SUPERVISOR', name: '山本 SV' });
    const center = await createStaff(db, { role: 'CENTER', name: '左京センター', centerCode: 'sakyo' });
    [asCounselor, asColleague, asSupervisor, asCenter] = (await Promise.all([counselor, colleague, supervisor, center].map((s) => StaffClient.login(app.url, s)))) as [
      StaffClient,
      StaffClient,
      StaffClient,
      StaffClient,
    ];
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('a transfer notifies the colleague, and the history and audit say to whom, in words', async () => {
    const { caseId } = await queuedWebCase(app.url, db, '兄のことで相談です');
    expect((await asCounselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    expect((await asCounselor.post(`/cases/${caseId}/transfer`, { toStaffId: colleague.id })).status).toBe(204);
    expect(await db.notification.count({ where: { kind: 'case_transferred', audience: 'assignee', staffId: colleague.id, caseId } })).toBe(1);
    const mine = await asColleague.get('/notifications');
    expect(JSON.stringify(mine.body)).toContain('担当があなたに替わりました');

    const view = await asColleague.get(`/cases/${caseId}`);
    const line = view.body.history.find((h: { action: string }) => h.action === 'case.transferred');
    expect(line.text).toBe('担当を田中 相談員さんから佐藤 相談員さんに替えました');
    const audit = await asSupervisor.get(`/audit?caseId=${caseId}`);
    expect(audit.status).toBe(200);
    for (const event of audit.body.events) {
      expect(event.text).not.toMatch(UUID);
      expect(event.actionLabel).not.toMatch(/^[a-z_.]+$/);
    }
    expect(audit.body.events.map((e: { text: string }) => e.text)).toContain('田中 相談員：担当を田中 相談員さんから佐藤 相談員さんに替えました');
  });

  it('the handover summary uses the words the person saw; a second handover after the center received it is a clear 409', async () => {
    const { caseId } = await queuedWebCase(app.url, db, '父が暴れることがあります');
    expect((await asCounselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    // Consent given in the chat, citing the person's own message.
    const said = (await db.message.findMany({ where: { conversation: { case: { id: caseId } }, author: 'USER' } })).find((m) => m.text === '父が暴れることがあります')!;
    expect((await asCounselor.post(`/cases/${caseId}/consents`, { granted: true, messageId: said.id })).status).toBe(201);
    const handed = await asCounselor.post(`/cases/${caseId}/handovers`, { centerCode: 'sakyo', note: 'ご家族の負担が大きい', basis: 'consent' });
    expect(handed.status).toBe(201);
    const printed = await asCounselor.get(`/handovers/${handed.body.handover.id}?purpose=print`);
    const summary = printed.body.handover.summary;
    expect(summary.consent.wording).toBe('チャットでのご本人の返事：「父が暴れることがあります」');
    for (const row of summary.intake) expect(row.label).not.toMatch(/^[a-z_]+$/);

    expect((await asCenter.post(`/handovers/${handed.body.handover.id}/acknowledge`, {})).status).toBe(204);
    const again = await asCounselor.post(`/cases/${caseId}/handovers`, { centerCode: 'kita', note: 'もう一度', basis: 'consent' });
    expect(again.status).toBe(409);
    expect(again.body.error?.code ?? again.body.code).toBe('already_handed_over');
    expect(await db.handover.count({ where: { caseId } })).toBe(1);
  });

  it("a deleted person's emergency does not stay on top of the queue", async () => {
    const { chat, caseId } = await queuedWebCase(app.url, db, '死にたい');
    await waitFor(async () => (await db.case.findUniqueOrThrow({ where: { id: caseId } })).urgency === 'EMERGENCY');
    const before = casesResponse.parse((await asColleague.get('/cases')).body).cases;
    expect(before[0]?.id).toBe(caseId);
    const deleted = await fetch(`${app.url}/api/chat/conversation`, { method: 'DELETE', headers: chat.headers() });
    expect(deleted.status).toBe(204);
    const after = casesResponse.parse((await asColleague.get('/cases')).body).cases;
    expect(after.map((c) => c.id)).not.toContain(caseId);
    expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('CLOSED');
  });

  it('the report and the dashboard count the same consultations for the same period', async () => {
    await queuedWebCase(app.url, db);
    await asCounselor.post('/desk-contacts', { mode: 'WALK_IN', consulterType: 'SELF', occurredAt: new Date().toISOString(), summary: '来所された' });
    const dashboard = await asSupervisor.get('/analytics');
    expect(dashboard.status).toBe(200);
    const { from, to } = dashboard.body.range;
    const report = await asSupervisor.get(`/reports/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(report.status).toBe(200);
    expect(report.body.cases.total).toBe(dashboard.body.consultations.total);
    expect(report.body.cases.intakeOnly).toBe(dashboard.body.consultations.intakeOnly);
    expect(report.body.cases.byChannel.WALK_IN).toBe(1);
    expect(report.body.cases.deskContactsByMode.WALK_IN).toBe(1);
    expect(JSON.stringify(report.body)).not.toContain('"unknown"');
  });
});
