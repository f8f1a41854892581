// Retention: RETENTION_DAYS after closing, a case's words go and its codes stay. Closed and old →
// anonymised; open or recently closed → untouched; the counts for statistics are the same after.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseReport } from '../../../src/cases/reports.js';
import { applyRetention } from '../../../src/cases/retention.js';
import { createDb, dataCryptoOf, type Db } from '../../../src/db/client.js';
import { RETENTION_SCHEDULE, RETENTION_SCHEDULER_ID } from '../../../src/jobs/worker.js';
import { sourceKeyFor, storeInboundEvents } from '../../../src/pipeline/inbox.js';
import { startTestApp } from '../../support/app.js';
import { createTestDatabase } from '../../support/databases.js';

const DAY = 24 * 60 * 60_000;
const NOW = new Date('2030-04-01T03:30:00+09:00');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const RETENTION_DAYS = 1095;

describe('retention', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Db;
  let staffId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(database.url);
    staffId = (await db.staffUser.create({ data: { email: 'retention@staff.test', name: '相談員', role: 'COUNSELOR', passwordHash: 'x' } })).id;
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  /** A LINE person with one case and everything a case collects, each piece carrying `tag`. */
  async function seedCase(tag: string, options: { status: 'CLOSED' | 'ACTIVE'; closedDaysAgo?: number; createdDaysAgo: number; contactId?: string }) {
    const userId = `U${randomUUID().replaceAll('-', '')}`;
    const contact = options.contactId
      ? await db.contact.findUniqueOrThrow({ where: { id: options.contactId } })
      : await db.contact.create({ data: { channel: 'LINE', channelUserId: userId, createdAt: daysAgo(options.createdDaysAgo) } });
    const created = daysAgo(options.createdDaysAgo);
    const conversation = await db.conversation.create({
      data: { contactId: contact.id, createdAt: created, state: { version: 1, phase: 'staff', freeText: { message: [`状態の中の言葉-${tag}`] } } },
    });
    const closedAt = options.closedDaysAgo === undefined ? null : daysAgo(options.closedDaysAgo);
    const kase = await db.case.create({
      data: {
        conversationId: conversation.id,
        channel: 'LINE',
        status: options.status,
        urgency: 'HIGH',
        consulterType: 'FAMILY',
        stage: 'encounter_assessment',
        markers: { signals: ['exhaustion'], quality: { ownWish: { value: 'undecided', from: ['intake'] } } },
        summary: { consulterType: 'family', language: 'ja', answers: { age_band: '40s', help_wanted: 'listen' }, freeText: { message: [`要約の中の言葉-${tag}`] }, consents: { health_info: false } },
        assessment: { version: 1, track: 'family', ownWish: { value: 'undecided', note: `アセスメントのメモ-${tag}` }, summary: `見立て-${tag}`, urgency: 'HIGH' },
        createdAt: created,
        queuedAt: created,
        firstStaffReplyAt: new Date(created.getTime() + 3_600_000),
        closedAt,
      },
    });
    await db.message.createMany({
      data: [
        { conversationId: conversation.id, direction: 'INBOUND', author: 'USER', kind: 'text', text: `本人の言葉-${tag}`, createdAt: created },
        { conversationId: conversation.id, direction: 'OUTBOUND', author: 'STAFF', kind: 'text', text: `相談員の返信-${tag}`, createdAt: created },
      ],
    });
    await db.intakeAnswer.createMany({
      data: [
        { caseId: kase.id, flowId: 'family', stepId: 'age_band', key: 'age_band', value: '40s', createdAt: created },
        { caseId: kase.id, flowId: 'family', stepId: 'worries', key: 'household_worries', value: 'money', freeText: `回答の自由記述-${tag}`, createdAt: created },
      ],
    });
    await db.note.create({ data: { caseId: kase.id, authorId: staffId, text: `メモ-${tag}`, createdAt: created } });
    await db.handover.create({
      data: { caseId: kase.id, centerCode: 'sakyo', createdById: staffId, basis: 'emergency_override', overrideReason: `理由-${tag}`, summary: { version: 1, channel: 'LINE', urgency: 'HIGH', deskNote: `申し送り-${tag}`, intake: [{ key: 'household_worries', value: 'money', freeText: `回答の自由記述-${tag}` }] }, createdAt: created, acknowledgedAt: created },
    });
    await db.outboundDelivery.create({ data: { conversationId: conversation.id, channel: 'LINE', recipient: contact.channelUserId!, payload: { messages: [{ type: 'text', text: `送った言葉-${tag}` }] }, status: 'SENT', createdAt: created } });
    const [event] = await storeInboundEvents(db, [
      { channel: 'LINE', externalId: `event-${tag}`, sourceKey: sourceKeyFor('LINE', contact.channelUserIdHash!), occurredAt: created, payload: { event: { message: { text: `本人の言葉-${tag}` } } } },
    ]);
    await db.inboundEvent.update({ where: { id: event!.id }, data: { receivedAt: created, processedAt: created } });
    return { kase, tag, contactId: contact.id, conversationId: conversation.id, userId: contact.channelUserId! };
  }

  /** Everything about a case, decrypted: what staff or anyone reading the database could learn. */
  async function everything(seeded: { kase: { id: string }; tag: string }) {
    const kase = await db.case.findUniqueOrThrow({
      where: { id: seeded.kase.id },
      include: { answers: true, notes: true, handovers: true, conversation: { include: { messages: true, deliveries: true, contact: true } } },
    });
    const events = await db.inboundEvent.findMany({ where: { externalId: `event-${seeded.tag}` } });
    return { kase, events, text: JSON.stringify({ kase, events }) };
  }

  it('anonymises closed and old cases, leaves open and recent ones untouched, and the counts survive', async () => {
    const old = await seedCase('old', { status: 'CLOSED', closedDaysAgo: RETENTION_DAYS + 5, createdDaysAgo: RETENTION_DAYS + 40 });
    const recent = await seedCase('recent', { status: 'CLOSED', closedDaysAgo: 10, createdDaysAgo: 30 });
    const openButOld = await seedCase('open', { status: 'ACTIVE', createdDaysAgo: RETENTION_DAYS + 400 });
    // One person: an old closed case and a newer, live one.
    const returning = await seedCase('returning-old', { status: 'CLOSED', closedDaysAgo: RETENTION_DAYS + 1, createdDaysAgo: RETENTION_DAYS + 20 });
    const returningNow = await seedCase('returning-now', { status: 'ACTIVE', createdDaysAgo: 3, contactId: returning.contactId });

    const untouched = [recent, openButOld, returningNow];
    const before = new Map(await Promise.all(untouched.map(async (c) => [c.kase.id, (await everything(c)).text] as const)));
    const range = { from: daysAgo(5000), to: NOW };
    const reportBefore = await caseReport(db, range);

    const result = await applyRetention({ db }, { retentionDays: RETENTION_DAYS, now: NOW, batchSize: 1 });
    expect(result).toMatchObject({ retentionDays: RETENTION_DAYS, cases: 2, contacts: 1, notes: 2, messages: 4, handovers: 2, deliveries: 2, inboundEvents: 2 });

    // Closed and old: no words left anywhere, the codes are still there.
    for (const c of [old, returning]) {
      const { kase, events, text } = await everything(c);
      expect(text).not.toContain(`-${c.tag}`);
      expect(kase.anonymisedAt).toEqual(NOW);
      expect(kase.conversation.messages).toEqual([]);
      expect(kase.conversation.deliveries).toEqual([]);
      expect(kase.notes).toEqual([]);
      expect(kase.conversation.state).toBeNull();
      expect(events).toEqual([]);
      expect(kase).toMatchObject({ status: 'CLOSED', urgency: 'HIGH', consulterType: 'FAMILY', channel: 'LINE', stage: 'encounter_assessment' });
      expect(kase.answers.map((a) => [a.key, a.value, a.freeText]).sort()).toEqual([['age_band', '40s', null], ['household_worries', 'money', null]]);
      expect(kase.summary).toMatchObject({ consulterType: 'family', answers: { age_band: '40s', help_wanted: 'listen' }, anonymisedAt: NOW.toISOString() });
      expect(kase.summary).not.toHaveProperty('freeText');
      expect(kase.assessment).toMatchObject({ track: 'family', ownWish: { value: 'undecided' }, urgency: 'HIGH' });
      expect(kase.handovers[0]).toMatchObject({ basis: 'emergency_override', overrideReason: null, summary: { channel: 'LINE', urgency: 'HIGH', intake: [{ key: 'household_worries', value: 'money' }] } });
      expect(kase.markers).toMatchObject({ signals: ['exhaustion'] });
    }
    // The person with nothing live is forgotten by the channel; the returning one is not.
    const forgotten = await db.contact.findUniqueOrThrow({ where: { id: old.contactId } });
    expect(forgotten).toMatchObject({ channelUserId: null, channelUserIdHash: null, webTokenHash: null });
    expect(await db.contact.count({ where: { channelUserIdHash: dataCryptoOf(db).lookupHash(old.userId) } })).toBe(0);
    expect((await db.contact.findUniqueOrThrow({ where: { id: returning.contactId } })).channelUserId).toBe(returning.userId);

    // Open or recent: exactly as before (the live case of the returning person too).
    for (const c of untouched) expect((await everything(c)).text).toBe(before.get(c.kase.id));

    // Statistics do not change.
    expect(await caseReport(db, range)).toEqual(reportBefore);

    // Audited: the run, and each case in its history.
    const run = await db.auditEvent.findFirstOrThrow({ where: { action: 'retention.run' }, orderBy: { id: 'desc' } });
    expect(run.detail).toMatchObject({ cases: 2, cutoff: daysAgo(RETENTION_DAYS).toISOString() });
    expect(await db.auditEvent.count({ where: { action: 'case.anonymised', caseId: { in: [old.kase.id, returning.kase.id] } } })).toBe(2);

    // A second run has nothing left to do, and is audited too.
    expect(await applyRetention({ db }, { retentionDays: RETENTION_DAYS, now: NOW })).toMatchObject({ cases: 0 });
    expect(await db.auditEvent.count({ where: { action: 'retention.run' } })).toBe(2);
  });
});

describe('retention schedule', () => {
  it('runs daily at 03:30 Kyoto time through BullMQ', async () => {
    const app = await startTestApp();
    try {
      const scheduler = await app.runtime.queues.retention.getJobScheduler(RETENTION_SCHEDULER_ID);
      expect(scheduler).toMatchObject({ pattern: RETENTION_SCHEDULE.pattern, tz: 'Asia/Tokyo' });
      expect(app.config.retentionDays).toBe(1095);
    } finally {
      await app.dispose();
    }
  });
});
