// The first contact through the real pipeline (#17): the per-question funnel served to supervisors
// matches the stored funnel events; the anonymised export carries it per consultation; free text
// that is not an answer is stored as the person's message, never as the answer; a person asking
// for a meeting gets an outreach task with a deadline that the desk sees and is reminded of; the
// age-band migration turns stored `10s` into the shared band.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { loadDeskHours } from '../../../src/desk/load.js';
import { RealtimePublisher } from '../../../src/realtime/bus.js';
import { loadReminderPolicy } from '../../../src/reminders/policy.js';
import { fireReminder } from '../../../src/reminders/reminders.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, StaffClient } from '../../support/staff.js';
import { WebChatClient } from '../../support/web-client.js';

const jstDay = (date: Date) => new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);

interface FunnelRow {
  flowId: string;
  stepId: string;
  label: string;
  reached: number;
  answered: number;
  skipped: number;
  wrote: number;
  left: number;
}

/** The bot's messages so far; a dropped poll (a busy machine resets a kept-alive socket) counts as none yet. */
async function botMessages(chat: WebChatClient): Promise<number> {
  return chat.messages().then((all) => all.filter((m) => m.author === 'bot').length, () => -1);
}

/** Sends each input in order and waits until the bot has answered all of them. */
async function converse(_db: Db, chat: WebChatClient, inputs: Array<string | { data: string }>) {
  for (const input of inputs) {
    let before = -1;
    await waitFor(async () => (before = await botMessages(chat)) >= 0, { timeoutMs: 15_000 });
    await chat.send(typeof input === 'string' ? { text: input } : { choice: { data: input.data, label: input.data } });
    await waitFor(async () => (await botMessages(chat)) > before, { timeoutMs: 15_000 });
  }
}

async function caseOf(db: Db, chat: WebChatClient) {
  const messages = await chat.messages();
  const message = await db.message.findFirstOrThrow({ where: { id: messages[0]!.id }, include: { conversation: { include: { case: true } } } });
  return message.conversation.case!;
}

describe('the first contact, end to end', () => {
  let app: TestApp;
  let db: Db;
  let supervisor: StaffClient;
  let counselor: StaffClient;
  const cases: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    supervisor = await StaffClient.login(app.url, await createStaff(db, { role: 'SUPERVISOR' }));
    counselor = await StaffClient.login(app.url, await createStaff(db, { role: 'COUNSELOR' }));

    // A: the person themself; asks to meet; stops at "tell us more".
    const a = await WebChatClient.start(app.url);
    await waitFor(async () => (await botMessages(a)) > 0);
    await converse(db, a, [{ data: 'a:intake:who:self' }, { data: 'a:self:age_band:20s' }, { data: 'a:self:help_wanted:meeting' }, { data: 'a:self:contact_method:chat' }]);
    cases.a = (await caseOf(db, a)).id;

    // B: a parent; writes emoji and a question instead of answering, skips, answers, stops.
    const b = await WebChatClient.start(app.url);
    await waitFor(async () => (await botMessages(b)) > 0);
    await converse(db, b, [{ data: 'a:intake:who:family' }, '🙇🙇🙇', { data: 'skip:family:relation' }, { data: 'a:family:age_band:40s' }, 'これって誰が読むんですか？']);
    cases.b = (await caseOf(db, b)).id;

    // C: only writes, a long story, and goes.
    const c = await WebChatClient.start(app.url);
    await waitFor(async () => (await botMessages(c)) > 0);
    await converse(db, c, [`5年間、自分の部屋から出てきません。${'ごはんは部屋の前に置いています。'.repeat(100)}`]);
    cases.c = (await caseOf(db, c)).id;
  }, 120_000);
  afterAll(async () => {
    await app?.dispose();
  });

  it('keeps what is not an answer as the person\'s message, never as the answer', async () => {
    const b = await db.intakeAnswer.findMany({ where: { caseId: cases.b }, orderBy: { createdAt: 'asc' } });
    const relation = b.filter((x) => x.key === 'relation');
    expect(relation.map((x) => [x.value, x.freeText])).toEqual([[null, null]]); // the skip, nothing else
    expect(b.filter((x) => x.key === 'message').map((x) => x.freeText)).toEqual(['🙇🙇🙇', 'これって誰が読むんですか？']);
    expect(b.find((x) => x.key === 'age_band')?.value).toBe('40s');
    expect(b.filter((x) => x.key === 'household_worries')).toEqual([]);
    const c = await db.intakeAnswer.findMany({ where: { caseId: cases.c } });
    expect(c.map((x) => x.key)).toEqual(['message']);
    // The story reached the queue at once.
    const kase = await db.case.findUniqueOrThrow({ where: { id: cases.c } });
    expect(kase.status).toBe('QUEUED');
  });

  it('serves a per-question funnel that matches the stored events', async () => {
    const now = new Date();
    const response = await supervisor.get(`/analytics/funnel?from=${jstDay(new Date(now.getTime() - 7 * 86_400_000))}&to=${jstDay(now)}`);
    expect(response.status).toBe(200);
    const steps = response.body.steps as FunnelRow[];

    // The same numbers, counted here straight from the stored rows.
    const events = await db.intakeStepEvent.findMany({ orderBy: { id: 'asc' } });
    const expected = new Map<string, FunnelRow>();
    const lastByCase = new Map<string, (typeof events)[number]>();
    const distinct = new Map<string, Set<string>>();
    for (const e of events) {
      const key = `${e.flowId}/${e.stepId}`;
      if (!expected.has(key)) expected.set(key, { flowId: e.flowId, stepId: e.stepId, label: '', reached: 0, answered: 0, skipped: 0, wrote: 0, left: 0 });
      const seen = distinct.get(`${key}:${e.event}`) ?? new Set<string>();
      seen.add(e.caseId);
      distinct.set(`${key}:${e.event}`, seen);
      lastByCase.set(e.caseId, e);
    }
    for (const [key, row] of expected) {
      for (const event of ['reached', 'answered', 'skipped', 'wrote'] as const) row[event] = distinct.get(`${key}:${event}`)?.size ?? 0;
      row.left = [...lastByCase.values()].filter((e) => `${e.flowId}/${e.stepId}` === key && (e.event === 'reached' || e.event === 'wrote')).length;
    }
    const strip = (rows: FunnelRow[]) => rows.map(({ label: _label, ...rest }) => rest).sort((x, y) => `${x.flowId}/${x.stepId}`.localeCompare(`${y.flowId}/${y.stepId}`));
    expect(strip(steps)).toEqual(strip([...expected.values()]));

    // And what that means, read by a person.
    const at = (ref: string) => steps.find((s) => `${s.flowId}/${s.stepId}` === ref)!;
    expect(at('intake/who')).toMatchObject({ reached: 3, answered: 2, wrote: 1, left: 1, label: '相談する人' });
    expect(at('family/relation')).toMatchObject({ reached: 1, wrote: 1, skipped: 1, answered: 0, left: 0 });
    expect(at('family/worries')).toMatchObject({ reached: 1, wrote: 1, left: 1 });
    expect(at('self/more')).toMatchObject({ reached: 1, left: 1 });
    // In the order a person meets the questions.
    expect(steps[0]!.stepId).toBe('who');
    expect((await counselor.get('/analytics/funnel')).status).toBe(403);
  });

  it('puts the funnel of each consultation in the anonymised export', async () => {
    const response = await supervisor.get('/analytics/export.csv');
    expect(response.status).toBe(200);
    const text = String(response.body).replace(/^\uFEFF/, '');
    const [head, ...rows] = text.trim().split('\r\n').map((l) => l.split(','));
    const col = (name: string) => head!.indexOf(name);
    expect(col('intake_last_question')).toBeGreaterThan(0);
    const last = rows.map((r) => r[col('intake_last_question')]).sort();
    expect(last).toEqual(['family/worries', 'intake/who', 'self/more']);
    const family = rows.find((r) => r[col('intake_last_question')] === 'family/worries')!;
    expect([family[col('intake_answered')], family[col('intake_skipped')], family[col('intake_wrote_instead')]]).toEqual(['2', '1', '2']);
    expect(text).not.toContain('🙇');
  });

  it('gives the desk an outreach task with a deadline, shows it, reminds, and closes it when done', async () => {
    const reminder = await db.reminder.findFirstOrThrow({ where: { caseId: cases.a, kind: 'OUTREACH' } });
    expect(reminder.firedAt).toBeNull();
    const kase = await db.case.findUniqueOrThrow({ where: { id: cases.a } });
    expect(reminder.dueAt.getTime()).toBeGreaterThan(kase.createdAt.getTime());
    expect(await db.notification.count({ where: { caseId: cases.a, kind: 'outreach_requested' } })).toBe(1);

    const list = await counselor.get('/outreach');
    expect(list.status).toBe(200);
    expect(list.body.tasks).toEqual([
      expect.objectContaining({ reminderId: reminder.id, caseId: cases.a, kind: 'meeting', kindLabel: '面談の希望', dueAt: reminder.dueAt.toISOString(), overdue: false }),
    ]);

    // Due: the desk is reminded once.
    const logger = app.runtime.logger;
    const deps = {
      db,
      queues: app.runtime.queues,
      realtime: new RealtimePublisher(app.runtime.redis, app.config.redisPrefix, logger),
      policy: loadReminderPolicy(loadDeskHours()),
      logger,
      now: () => new Date(reminder.dueAt.getTime() + 1000),
    };
    expect(await fireReminder(deps, reminder.id)).toBe('fired');
    expect(await fireReminder(deps, reminder.id)).toBe('skipped');
    expect(await db.notification.count({ where: { caseId: cases.a, kind: 'OUTREACH' } })).toBe(1);

    expect((await counselor.post(`/outreach/${reminder.id}/done`, {})).status).toBe(204);
    expect((await counselor.post(`/outreach/${reminder.id}/done`, {})).status).toBe(404);
    expect((await counselor.get('/outreach')).body.tasks).toEqual([]);
    expect(await db.auditEvent.count({ where: { caseId: cases.a, action: 'case.outreach_done' } })).toBe(1);
  });

  it('migrates stored age bands to the shared set', async () => {
    const row = await db.intakeAnswer.create({ data: { caseId: cases.b!, flowId: 'self', stepId: 'age_band', key: 'age_band', value: '10s' } });
    const sql = readFileSync(new URL('../../../prisma/migrations/20261201110000_intake/migration.sql', import.meta.url), 'utf8');
    const update = sql.split('\n').find((l) => l.startsWith('UPDATE "IntakeAnswer"'))!;
    await db.$executeRawUnsafe(update);
    expect((await db.intakeAnswer.findUniqueOrThrow({ where: { id: row.id } })).value).toBe('15_19');
  });
});
