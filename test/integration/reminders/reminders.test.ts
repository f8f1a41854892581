import type { ConnectionOptions } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/db/client.js';
import { loadDeskHours } from '../../../src/desk/load.js';
import { createQueues, type Queues } from '../../../src/jobs/queues.js';
import { createLogger } from '../../../src/platform/logger.js';
import { createRedis, type Redis } from '../../../src/platform/redis.js';
import { RealtimePublisher } from '../../../src/realtime/bus.js';
import { loadReminderPolicy } from '../../../src/reminders/policy.js';
import { escalateReminder, fireReminder, reconcileReminders, reminderRules, scheduleReminderJob, type ReminderDeps } from '../../../src/reminders/reminders.js';
import { TEST_REDIS_URL } from '../../support/app.js';
import { createTestDatabase } from '../../support/databases.js';
import { clearRedisPrefix } from '../../support/services.js';

const jst = (iso: string) => new Date(`${iso}+09:00`);

describe('reminders with controlled time', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Db;
  let redis: Redis;
  let queues: Queues;
  const prefix = `trem${Date.now().toString(36)}`;
  let clock = jst('2026-11-21T17:00:00'); // a Saturday, one hour before closing
  let deps: ReminderDeps;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(database.url);
    redis = createRedis(TEST_REDIS_URL);
    queues = createQueues(redis as unknown as ConnectionOptions, prefix);
    const logger = createLogger({ level: 'silent' });
    deps = {
      db,
      queues,
      realtime: new RealtimePublisher(redis, prefix, logger),
      policy: loadReminderPolicy(loadDeskHours()),
      logger,
      now: () => clock,
    };
  });
  afterAll(async () => {
    await queues?.close();
    redis?.disconnect();
    await db?.$disconnect();
    await clearRedisPrefix(TEST_REDIS_URL, prefix);
    await database?.drop();
  });
  beforeEach(() => {
    clock = jst('2026-11-21T17:00:00');
  });

  async function newCase(urgency: 'EMERGENCY' | 'HIGH' | 'NORMAL' = 'NORMAL') {
    const contact = await db.contact.create({ data: { channel: 'WEB', channelUserId: crypto.randomUUID() } });
    const conversation = await db.conversation.create({ data: { contactId: contact.id } });
    return db.case.create({ data: { conversationId: conversation.id, channel: 'WEB', status: 'QUEUED', urgency, queuedAt: clock, waitingSince: clock } });
  }

  const notificationsFor = (caseId: string) => db.notification.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } });

  it('an unclaimed case waits for desk time across a weekend and a public holiday, then fires once', async () => {
    const kase = await newCase();
    const reminder = await db.$transaction((tx) => reminderRules.caseQueued(tx, deps.policy, kase, clock));
    // Saturday 17:00 + 60 desk minutes: Saturday closes at 18:00, Sunday and Monday 23 Nov
    // (勤労感謝の日) are closed, so it falls due Tuesday at 9:00.
    expect(reminder.dueAt).toEqual(jst('2026-11-24T09:00:00'));

    clock = jst('2026-11-24T09:00:01');
    const [first, second] = await Promise.all([fireReminder(deps, reminder.id), fireReminder(deps, reminder.id)]);
    expect([first, second].sort()).toEqual(['fired', 'skipped']);
    const notifications = await notificationsFor(kase.id);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ kind: 'UNCLAIMED', urgency: 'NORMAL', audience: 'staff' });
    expect(notifications[0]!.title).not.toMatch(/[<>]/);
  });

  it('an emergency counts real minutes at 3 a.m. on a Sunday and escalates to supervisors when ignored', async () => {
    clock = jst('2026-11-22T03:00:00');
    const kase = await newCase('EMERGENCY');
    const reminder = await db.$transaction((tx) => reminderRules.caseQueued(tx, deps.policy, kase, clock));
    expect(reminder.dueAt).toEqual(jst('2026-11-22T03:05:00'));
    clock = jst('2026-11-22T03:05:00');
    expect(await fireReminder(deps, reminder.id)).toBe('fired');
    const fired = await db.reminder.findUniqueOrThrow({ where: { id: reminder.id } });
    expect(fired.escalateAt).toEqual(jst('2026-11-22T03:15:00'));
    clock = jst('2026-11-22T03:15:00');
    expect(await escalateReminder(deps, reminder.id)).toBe('escalated');
    expect(await escalateReminder(deps, reminder.id)).toBe('skipped');
    const notifications = await notificationsFor(kase.id);
    expect(notifications.map((n) => [n.kind, n.audience, n.urgency])).toEqual([
      ['UNCLAIMED', 'staff', 'EMERGENCY'],
      ['escalation', 'supervisors', 'EMERGENCY'],
    ]);
  });

  it('is cancelled when the case is claimed, and does not fire or escalate afterwards', async () => {
    const kase = await newCase('HIGH');
    const reminder = await db.$transaction((tx) => reminderRules.caseQueued(tx, deps.policy, kase, clock));
    await db.$transaction((tx) => reminderRules.cancel(tx, kase.id, ['UNCLAIMED'], clock));
    clock = reminder.dueAt;
    expect(await fireReminder(deps, reminder.id)).toBe('skipped');
    expect(await notificationsFor(kase.id)).toHaveLength(0);
  });

  it('skips an unclaimed reminder when someone claimed the case without cancelling it', async () => {
    const kase = await newCase();
    const reminder = await db.$transaction((tx) => reminderRules.caseQueued(tx, deps.policy, kase, clock));
    const staff = await db.staffUser.create({ data: { email: `c${Date.now()}@x.jp`, name: 'C', role: 'COUNSELOR', passwordHash: 'x' } });
    await db.case.update({ where: { id: kase.id }, data: { assigneeId: staff.id, status: 'ACTIVE' } });
    clock = reminder.dueAt;
    expect(await fireReminder(deps, reminder.id)).toBe('skipped');
    expect((await db.reminder.findUniqueOrThrow({ where: { id: reminder.id } })).cancelledAt).not.toBeNull();
  });

  it('covers a person waiting for a reply, an unacknowledged handover and a follow-up date', async () => {
    const staff = await db.staffUser.create({ data: { email: `k${Date.now()}@x.jp`, name: 'K', role: 'COUNSELOR', passwordHash: 'x' } });
    const kase = await newCase();
    await db.case.update({ where: { id: kase.id }, data: { assigneeId: staff.id, status: 'ACTIVE' } });

    const waiting = await db.$transaction((tx) => reminderRules.userWaiting(tx, deps.policy, kase, clock));
    expect(waiting!.dueAt).toEqual(jst('2026-11-24T10:00:00')); // 60 minutes Saturday + 60 Tuesday
    expect(await db.$transaction((tx) => reminderRules.userWaiting(tx, deps.policy, kase, clock))).toBeNull(); // one at a time
    clock = waiting!.dueAt;
    expect(await fireReminder(deps, waiting!.id)).toBe('fired');

    const handover = await db.handover.create({ data: { caseId: kase.id, centerCode: 'kita', createdById: staff.id, basis: 'consent', summary: {} } });
    clock = jst('2026-11-20T15:00:00'); // Friday
    const unacknowledged = await db.$transaction((tx) => reminderRules.handedOver(tx, deps.policy, kase, handover.id, clock));
    expect(unacknowledged.dueAt).toEqual(jst('2026-11-24T09:00:00'));
    clock = unacknowledged.dueAt;
    expect(await fireReminder(deps, unacknowledged.id)).toBe('fired');

    const followUp = await db.$transaction((tx) => reminderRules.followUp(tx, deps.policy, kase, '2026-12-08', clock));
    clock = followUp.dueAt;
    expect(await fireReminder(deps, followUp.id)).toBe('fired');
    expect((await db.reminder.findUniqueOrThrow({ where: { id: followUp.id } })).escalateAt).toBeNull();

    const kinds = (await notificationsFor(kase.id)).map((n) => [n.kind, n.audience]);
    expect(kinds).toEqual([
      ['AWAITING_STAFF_REPLY', 'assignee'],
      ['HANDOVER_UNACKNOWLEDGED', 'staff'],
      ['FOLLOW_UP', 'assignee'],
    ]);
  });

  it('an acknowledged handover needs no reminder', async () => {
    const staff = await db.staffUser.create({ data: { email: `h${Date.now()}@x.jp`, name: 'H', role: 'COUNSELOR', passwordHash: 'x' } });
    const kase = await newCase();
    const handover = await db.handover.create({ data: { caseId: kase.id, centerCode: 'kita', createdById: staff.id, basis: 'consent', summary: {}, acknowledgedAt: clock } });
    const reminder = await db.$transaction((tx) => reminderRules.handedOver(tx, deps.policy, kase, handover.id, clock));
    clock = reminder.dueAt;
    expect(await fireReminder(deps, reminder.id)).toBe('skipped');
  });

  it('rebuilds every pending job after Redis lost its data; each reminder fires once', async () => {
    // Real time here: the jobs are BullMQ delayed jobs run by a real worker.
    const { Worker } = await import('bullmq');
    const realDeps: ReminderDeps = { ...deps, now: () => new Date() };
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const kase = await newCase('EMERGENCY');
      const reminder = await db.reminder.create({ data: { kind: 'UNCLAIMED', caseId: kase.id, urgency: 'EMERGENCY', dueAt: new Date(Date.now() + 1_500) } });
      await scheduleReminderJob(realDeps, reminder);
      created.push(reminder.id);
    }
    expect(await queues.reminders.getDelayedCount()).toBeGreaterThanOrEqual(5);

    await clearRedisPrefix(TEST_REDIS_URL, prefix); // what a Redis restart without persistence does
    expect(await queues.reminders.getDelayedCount()).toBe(0);
    expect((await reconcileReminders(realDeps)).restored).toBeGreaterThanOrEqual(5);
    expect((await reconcileReminders(realDeps)).restored).toBe(0); // idempotent

    const worker = new Worker(
      'reminders',
      async (job) => {
        if (job.data.stage === 'fire') await fireReminder(realDeps, job.data.reminderId);
      },
      { connection: redis.duplicate(), prefix },
    );
    try {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const fired = await db.reminder.count({ where: { id: { in: created }, firedAt: { not: null } } });
        if (fired === created.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await db.reminder.count({ where: { id: { in: created }, firedAt: { not: null } } })).toBe(5);
      expect(await db.notification.count({ where: { reminderId: { in: created } } })).toBe(5);
      // Running the reconciler again now restores only the escalations, never a second firing.
      await reconcileReminders(realDeps);
      await new Promise((r) => setTimeout(r, 300));
      expect(await db.notification.count({ where: { reminderId: { in: created }, kind: 'UNCLAIMED' } })).toBe(5);
    } finally {
      await worker.close();
    }
  });
});
