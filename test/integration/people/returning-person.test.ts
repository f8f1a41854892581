import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { casesResponse, personResponse } from '../../../src/staff/contract.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, queuedWebCase, StaffClient, type TestStaff } from '../../support/staff.js';
import type { WebChatClient } from '../../support/web-client.js';

const DAY_MS = 24 * 3_600_000;

describe('a person who writes again after their case was closed', () => {
  let app: TestApp;
  let db: Db;
  let counselor: TestStaff;
  let asCounselor: StaffClient;
  let asColleague: StaffClient;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    counselor = await createStaff(db, { role: 'COUNSELOR', name: '相談員 一' });
    const colleague = await createStaff(db, { role: 'COUNSELOR', name: '相談員 二' });
    [asCounselor, asColleague] = (await Promise.all([counselor, colleague].map((s) => StaffClient.login(app.url, s)))) as [StaffClient, StaffClient];
  });
  afterAll(async () => {
    await app?.dispose();
  });

  /** A web chat case worked and closed by the counsellor. */
  async function closedCase(text: string): Promise<{ chat: WebChatClient; caseId: string; contactId: string }> {
    const started = await queuedWebCase(app.url, db, text);
    expect((await asCounselor.post(`/cases/${started.caseId}/claim`)).status).toBe(200);
    expect((await asCounselor.post(`/cases/${started.caseId}/messages`, { text: 'お話を聞かせてくださってありがとうございます。' })).status).toBe(201);
    expect((await asCounselor.post(`/cases/${started.caseId}/status`, { status: 'CLOSED', reason: 'いったん終了' })).status).toBe(204);
    return started;
  }

  async function botRepliesAfter(chat: WebChatClient, since: string) {
    let replies: any[] = [];
    await waitFor(async () => {
      replies = (await chat.messages()).filter((m) => m.author === 'bot' && m.createdAt > since);
      return replies.length > 0;
    }, { timeoutMs: 15_000 });
    return replies;
  }

  it('within the reopen window: welcomed back (no intake), the same case reopens in the queue, its counsellor is told', async () => {
    const { chat, caseId, contactId } = await closedCase('息子が部屋から出てきません');
    const since = new Date().toISOString();
    await chat.send({ text: 'また相談したいことがあって', clientMessageId: `back-${randomUUID()}` });
    const replies = await botRepliesAfter(chat, since);
    const last = replies.at(-1)!;
    expect(last.text).toContain('おかえりなさい');
    expect(last.choices.map((c: { label: string }) => c.label)).toEqual(['話を聞いてほしい', '最初から話す']);
    // Not the intake's first question again.
    expect(replies.map((m) => m.text).join('\n')).not.toContain('いくつか質問をします');

    await waitFor(async () => (await db.case.findUniqueOrThrow({ where: { id: caseId } })).status === 'QUEUED', { timeoutMs: 10_000 });
    const kase = await db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(kase.closedAt).toBeNull();
    expect(kase.assigneeId).toBeNull();
    expect(await db.case.count({ where: { conversation: { contactId } } })).toBe(1);
    // Visible in every counsellor's default queue at once, marked as returning.
    const card = casesResponse.parse((await asColleague.get('/cases')).body).cases.find((c) => c.id === caseId);
    expect(card?.returning).toBe(true);
    expect(await db.notification.count({ where: { kind: 'person_returned', staffId: counselor.id, caseId } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: 'case.reopened', caseId } })).toBe(1);

    // The history is there: the earlier words and the counsellor's reply.
    const person = personResponse.parse((await asCounselor.get(`/cases/${caseId}/person`)).body);
    const texts = person.timeline.map((e) => e.text ?? '');
    expect(texts).toContain('息子が部屋から出てきません');
    expect(texts).toContain('お話を聞かせてくださってありがとうございます。');
    expect(texts).toContain('また相談したいことがあって');
  });

  it('after the window: a new case opens, linked to the earlier one, with the whole history reachable', async () => {
    const { chat, caseId: earlierId, contactId } = await closedCase('母が最近食事をとりません');
    await db.case.update({ where: { id: earlierId }, data: { closedAt: new Date(Date.now() - 40 * DAY_MS) } });
    const since = new Date().toISOString();
    await chat.send({ text: '半年ぶりに連絡しました', clientMessageId: `back-${randomUUID()}` });
    const replies = await botRepliesAfter(chat, since);
    expect(replies.at(-1)!.text).toContain('おかえりなさい');

    let newId = '';
    await waitFor(async () => {
      const cases = await db.case.findMany({ where: { conversation: { contactId }, id: { not: earlierId } } });
      newId = cases[0]?.id ?? '';
      return cases[0]?.status === 'QUEUED';
    }, { timeoutMs: 10_000 });
    expect((await db.case.findUniqueOrThrow({ where: { id: earlierId } })).status).toBe('CLOSED');
    const link = await db.caseLink.findFirst({ where: { caseId: newId, otherCaseId: earlierId, kind: 'continuation' } });
    expect(link).not.toBeNull();
    const earlier = await db.case.findUniqueOrThrow({ where: { id: earlierId } });
    expect((await db.case.findUniqueOrThrow({ where: { id: newId } })).consulterType).toBe(earlier.consulterType);

    const card = casesResponse.parse((await asColleague.get('/cases')).body).cases.find((c) => c.id === newId);
    expect(card?.returning).toBe(true);
    // A colleague who never held the earlier case still reaches it through the new one.
    const person = personResponse.parse((await asColleague.get(`/cases/${newId}/person`)).body);
    expect(person.cases.map((c) => c.id).sort()).toEqual([earlierId, newId].sort());
    expect(person.timeline.some((e) => e.caseId === earlierId && e.text === '母が最近食事をとりません')).toBe(true);
    expect(await db.notification.count({ where: { kind: 'person_returned', staffId: counselor.id, caseId: newId } })).toBe(1);

    // "Start from the beginning" starts the intake, gently, in the same case.
    const before = new Date().toISOString();
    const restart = replies.at(-1)!.choices[1];
    await chat.send({ choice: { data: restart.data, label: restart.label }, clientMessageId: `restart-${randomUUID()}` });
    const afterRestart = await botRepliesAfter(chat, before);
    expect(afterRestart.at(-1)!.choices?.length ?? 0).toBeGreaterThan(0);
  });

  it('someone who deleted their data is not greeted back', async () => {
    const { chat, caseId } = await closedCase('家族のことで相談したいです');
    await db.case.update({ where: { id: caseId }, data: { summary: { dataDeletedAt: new Date().toISOString() } } });
    const since = new Date().toISOString();
    await chat.send({ text: 'こんにちは', clientMessageId: `hello-${randomUUID()}` });
    const replies = await botRepliesAfter(chat, since);
    const said = replies.map((m) => m.text).join('\n');
    expect(said).not.toContain('おかえりなさい');
    // Greeted as anyone writing for the first time: the short first-contact welcome and its first question.
    expect(said).toContain('京都市のひきこもり相談窓口');
    expect(replies.at(-1)!.choices?.length ?? 0).toBeGreaterThan(0);
  });
});
