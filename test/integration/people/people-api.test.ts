import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import {
  caseLinkResponse,
  casesResponse,
  deskContactResponse,
  personResponse,
  readResponse,
  replyTemplatesResponse,
  searchResponse,
  shiftResponse,
} from '../../../src/staff/contract.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, queuedWebCase, StaffClient, type TestStaff } from '../../support/staff.js';

describe('people API', () => {
  let app: TestApp;
  let db: Db;
  let counselor: TestStaff;
  let colleague: TestStaff;
  let asCounselor: StaffClient;
  let asColleague: StaffClient;
  let asSupervisor: StaffClient;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    counselor = await createStaff(db, { role: 'COUNSELOR', name: '相談員 一' });
    colleague = await createStaff(db, { role: 'COUNSELOR', name: '相談員 二' });
    const supervisor = await createStaff(db, { role: 'SUPERVISOR', name: 'SV 三' });
    [asCounselor, asColleague, asSupervisor] = await Promise.all([counselor, colleague, supervisor].map((s) => StaffClient.login(app.url, s))) as [StaffClient, StaffClient, StaffClient];
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('a phone call becomes a case held by the counsellor, found by its number and by the phone number in its summary', async () => {
    const created = await asCounselor.post('/desk-contacts', {
      mode: 'PHONE',
      consulterType: 'FAMILY',
      occurredAt: new Date(Date.now() - 30 * 60_000).toISOString(),
      durationMinutes: 25,
      summary: '母親から。息子（40代）が10年ほど家から出ない。折り返しは ０７５－１２３－４５６７ まで。',
    });
    expect(created.status).toBe(201);
    const body = deskContactResponse.parse(created.body);
    expect(body.case.status).toBe('ACTIVE');
    expect(body.deskContact.modeLabel).toBe('電話');

    // Encrypted at rest: the summary is not in the row as plain text.
    const [raw] = await db.$queryRaw<{ summary: string }[]>`SELECT "summary" FROM "DeskContact" WHERE "id" = ${body.deskContact.id}::uuid`;
    expect(raw!.summary).not.toContain('息子');

    const byNumber = searchResponse.parse((await asCounselor.get(`/search?q=${encodeURIComponent(`#${body.case.number}`)}`)).body);
    expect(byNumber.results.map((r) => [r.matchedBy, r.case.id])).toEqual([['number', body.case.id]]);
    const byPhone = searchResponse.parse((await asCounselor.get(`/search?q=${encodeURIComponent('075 123 4567')}`)).body);
    expect(byPhone.results.map((r) => [r.matchedBy, r.case.id])).toEqual([['phone', body.case.id]]);
    const byWords = searchResponse.parse((await asCounselor.get(`/search?q=${encodeURIComponent('家から出ない')}`)).body);
    expect(byWords.results[0]?.case.id).toBe(body.case.id);
    expect(byWords.results[0]?.excerpt).toContain('家から出ない');
    // A colleague who cannot open that case does not find it.
    const colleagueSearch = searchResponse.parse((await asColleague.get(`/search?q=${encodeURIComponent('075-123-4567')}`)).body);
    expect(colleagueSearch.results).toEqual([]);

    const shift = shiftResponse.parse((await asCounselor.get('/shift')).body);
    expect(shift.mine.map((c) => c.id)).toContain(body.case.id);

    const person = personResponse.parse((await asCounselor.get(`/cases/${body.case.id}/person`)).body);
    expect(person.timeline.map((e) => [e.kind, e.title])).toContainEqual(['desk_contact', '電話']);
  });

  it('queue cards carry the case number, unread count and a preview; reading clears unread for that counsellor only', async () => {
    const { caseId } = await queuedWebCase(app.url, db, '夜になると不安で眠れません');
    const queue = casesResponse.parse((await asCounselor.get('/cases')).body);
    const card = queue.cases.find((c) => c.id === caseId)!;
    expect(card.unread).toBeGreaterThanOrEqual(2);
    expect(card.lastMessage).not.toBeNull();
    expect(card.number).toBeGreaterThan(0);
    expect(readResponse.parse((await asCounselor.post(`/cases/${caseId}/read`, { chat: true })).body).readUpTo).toBeNull();
    const after = casesResponse.parse((await asCounselor.get('/cases')).body).cases.find((c) => c.id === caseId)!;
    expect(after.unread).toBe(0);
    const colleagues = casesResponse.parse((await asColleague.get('/cases')).body).cases.find((c) => c.id === caseId)!;
    expect(colleagues.unread).toBeGreaterThanOrEqual(2);
  });

  it('a phone number the person wrote in the chat finds their case, without being stored in clear', async () => {
    const { caseId } = await queuedWebCase(app.url, db, '家族のことで相談したいです。連絡は 090-8765-4321 にお願いします');
    const found = searchResponse.parse((await asSupervisor.get(`/search?q=${encodeURIComponent('０９０８７６５４３２１')}`)).body);
    expect(found.results.map((r) => [r.matchedBy, r.case.id])).toEqual([['phone', caseId]]);
    const rows = await db.$queryRaw<{ hash: string }[]>`SELECT "hash" FROM "PhoneLookup" WHERE "source" = 'message'`;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.hash).not.toContain('8765');
  });

  it('links two cases of one household, shown on both, refused twice', async () => {
    const a = await queuedWebCase(app.url, db);
    const b = await queuedWebCase(app.url, db);
    await asSupervisor.post(`/cases/${a.caseId}/claim`);
    const other = await db.case.findUniqueOrThrow({ where: { id: b.caseId } });
    const linked = await asSupervisor.post(`/cases/${a.caseId}/links`, { otherCase: other.number });
    expect(linked.status).toBe(201);
    expect(caseLinkResponse.parse(linked.body).link.caseId).toBe(b.caseId);
    expect((await asSupervisor.post(`/cases/${a.caseId}/links`, { otherCase: b.caseId })).status).toBe(409);
    const fromB = await asSupervisor.get(`/cases/${b.caseId}/links`);
    expect(fromB.body.links.map((l: { caseId: string; kindLabel: string }) => [l.caseId, l.kindLabel])).toEqual([[a.caseId, '同じ世帯']]);
    await waitFor(async () => (await db.auditEvent.count({ where: { action: 'case.link_added', caseId: { in: [a.caseId, b.caseId] } } })) === 2);
  });

  it('serves reply templates in the person\'s language and by /shortcut', async () => {
    const all = replyTemplatesResponse.parse((await asCounselor.get('/reply-templates')).body);
    expect(all.templates.length).toBeGreaterThan(10);
    const byShortcut = replyTemplatesResponse.parse((await asCounselor.get(`/reply-templates?q=${encodeURIComponent('/first')}`)).body);
    expect(byShortcut.templates[0]?.id).toBe('first_reply');
    const byOwnShortcut = replyTemplatesResponse.parse((await asCounselor.get(`/reply-templates?q=${encodeURIComponent('/anzen')}`)).body);
    expect(byOwnShortcut.templates.map((t) => t.id)).toEqual(['safety_check']);
    const zh = replyTemplatesResponse.parse((await asCounselor.get('/reply-templates?language=zh')).body).templates;
    expect(zh.find((t) => t.id === 'first_reply')).toMatchObject({ language: 'zh', shortcut: 'hajime' });
    // Without a Chinese version the Japanese one is offered, and says so.
    expect(zh.find((t) => t.id === 'family_exhaustion')).toMatchObject({ language: 'ja' });
    // Every template exists in Japanese, plain Japanese and English.
    for (const t of all.templates) expect(t.languages).toEqual(expect.arrayContaining(['ja', 'easy', 'en']));
    // {hotlines} is filled in every language.
    expect(JSON.stringify(zh)).not.toContain('{hotlines}');
    const byWords = replyTemplatesResponse.parse((await asCounselor.get(`/reply-templates?q=${encodeURIComponent('秘密')}&language=en`)).body).templates;
    expect(byWords[0]?.id).toBe('confidentiality');
    expect((await asCounselor.get('/reply-templates?language=xx')).status).toBe(400);
  });

  it('refuses bad input with a 4xx and changes nothing', async () => {
    const before = await db.deskContact.count();
    for (const body of [
      { mode: 'FAX', occurredAt: new Date().toISOString(), summary: 'x' },
      { mode: 'PHONE', occurredAt: new Date(Date.now() + 86_400_000).toISOString(), summary: 'x' },
      { mode: 'PHONE', occurredAt: new Date().toISOString(), summary: '\u0000 ' },
      { mode: 'PHONE', occurredAt: new Date().toISOString(), summary: 'x', durationMinutes: 99999 },
    ]) {
      const r = await asCounselor.post('/desk-contacts', body);
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect(await db.deskContact.count()).toBe(before);
    expect((await asCounselor.get('/search?q=%00%20')).status).toBe(400);
    expect((await asCounselor.get(`/search?q=${'a'.repeat(500)}`)).status).toBe(400);
  });
});
