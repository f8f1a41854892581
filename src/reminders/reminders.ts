import { randomUUID } from 'node:crypto';
import type { Db, Prisma, Reminder, ReminderKind, Urgency } from '../db/client.js';
import type { Queues } from '../jobs/queues.js';
import type { Logger } from '../platform/logger.js';
import type { RealtimePublisher } from '../realtime/bus.js';
import { sqlPoolOf } from '../db/client.js';
import { inPgTransaction } from '../db/sql.js';
import { announceNotification, createNotification, notificationRow } from '../notifications/notifications.js';
import type { ReminderPolicy } from './policy.js';
import { requestProcessing, sourceKeyFor, storeInboundEvents, type StoredEvent } from '../pipeline/inbox.js';
import type { SystemEvent } from '../pipeline/system-events.js';

// PostgreSQL is the source of truth for reminders; BullMQ delayed jobs only do the timing.
// A reminder fires at most once: firing locks its row and sets `firedAt` in one transaction.
// The reconciler rebuilds any job Redis lost.

type Tx = Prisma.TransactionClient;

export interface ReminderDeps {
  db: Db;
  queues: Queues;
  realtime: RealtimePublisher;
  policy: ReminderPolicy;
  logger: Logger;
  now?: () => Date;
}

export const fireJobId = (reminderId: string) => `${reminderId}-fire`;
export const escalateJobId = (reminderId: string) => `${reminderId}-esc`;

/** The reminders a case should have when something happens to it (called inside transactions). */
export const reminderRules = {
  /** The case entered the queue (or became more urgent) with nobody assigned. */
  async caseQueued(tx: Tx, policy: ReminderPolicy, kase: { id: string; urgency: Urgency }, at: Date) {
    await tx.reminder.updateMany({ where: { caseId: kase.id, kind: 'UNCLAIMED', firedAt: null, cancelledAt: null }, data: { cancelledAt: at } });
    return tx.reminder.create({ data: { kind: 'UNCLAIMED', caseId: kase.id, urgency: kase.urgency, dueAt: policy.unclaimedDueAt(kase.urgency, at) } });
  },
  /** The person wrote to a claimed case and waits for a counsellor. */
  async userWaiting(tx: Tx, policy: ReminderPolicy, kase: { id: string; urgency: Urgency }, waitingSince: Date) {
    const pending = await tx.reminder.findFirst({ where: { caseId: kase.id, kind: 'AWAITING_STAFF_REPLY', firedAt: null, cancelledAt: null } });
    if (pending) return null;
    return tx.reminder.create({
      data: { kind: 'AWAITING_STAFF_REPLY', caseId: kase.id, urgency: kase.urgency, dueAt: policy.awaitingReplyDueAt(kase.urgency, waitingSince) },
    });
  },
  async handedOver(tx: Tx, policy: ReminderPolicy, kase: { id: string; urgency: Urgency }, handoverId: string, at: Date) {
    return tx.reminder.create({
      data: { kind: 'HANDOVER_UNACKNOWLEDGED', caseId: kase.id, handoverId, urgency: kase.urgency, dueAt: policy.handoverDueAt(at) },
    });
  },
  async followUp(tx: Tx, policy: ReminderPolicy, kase: { id: string; urgency: Urgency }, date: string, at: Date) {
    await tx.reminder.updateMany({ where: { caseId: kase.id, kind: 'FOLLOW_UP', firedAt: null, cancelledAt: null }, data: { cancelledAt: at } });
    return tx.reminder.create({ data: { kind: 'FOLLOW_UP', caseId: kase.id, urgency: kase.urgency, dueAt: policy.followUpDueAt(date) } });
  },
  /** The person agreed to a check-in later ("may we contact you again?"). */
  async checkInConsented(tx: Tx, policy: ReminderPolicy, kase: { id: string; urgency: Urgency }, at: Date) {
    await tx.reminder.updateMany({ where: { caseId: kase.id, kind: 'USER_CHECK_IN', firedAt: null, cancelledAt: null }, data: { cancelledAt: at } });
    return tx.reminder.create({ data: { kind: 'USER_CHECK_IN', caseId: kase.id, urgency: 'NORMAL', dueAt: policy.checkInDueAt(at) } });
  },
  /** Claimed, answered or closed: the reminders about waiting no longer apply. */
  async cancel(tx: Tx, caseId: string, kinds: ReminderKind[], at: Date) {
    const { count } = await tx.reminder.updateMany({
      where: { caseId, kind: { in: kinds }, firedAt: null, cancelledAt: null },
      data: { cancelledAt: at },
    });
    // An escalation pending on a fired reminder is also moot.
    await tx.reminder.updateMany({
      where: { caseId, kind: { in: kinds }, firedAt: { not: null }, escalatedAt: null, cancelledAt: null },
      data: { cancelledAt: at },
    });
    return count;
  },
};

/** After commit: give a new reminder its delayed job. Best effort — the reconciler catches up. */
export async function scheduleReminderJob(deps: Pick<ReminderDeps, 'queues' | 'logger' | 'now'>, reminder: Pick<Reminder, 'id' | 'dueAt'>) {
  const now = (deps.now ?? (() => new Date()))();
  try {
    await deps.queues.add('reminders', fireJobId(reminder.id), { reminderId: reminder.id, stage: 'fire' }, {
      delay: Math.max(0, reminder.dueAt.getTime() - now.getTime()),
    });
  } catch {
    deps.logger.warn({ reminderId: reminder.id }, 'could not schedule reminder job; the reconciler will');
  }
}

/** The check-in message goes through the person's own queue, in order with what they write. */
async function queueCheckIn(tx: Tx, reminder: Reminder, now: Date) {
  const kase = await tx.case.findUniqueOrThrow({ where: { id: reminder.caseId! }, include: { conversation: { include: { contact: true } } } });
  const { contact } = kase.conversation;
  // A contact whose channel id was removed (retention) cannot be written to any more.
  if (!contact.channelUserId || !contact.channelUserIdHash) return [];
  return storeInboundEvents(tx, [
    {
      channel: contact.channel,
      externalId: `checkin:${reminder.id}`,
      sourceKey: sourceKeyFor(contact.channel, contact.channelUserIdHash),
      occurredAt: now,
      payload: { system: 'checkIn', channelUserId: contact.channelUserId } satisfies SystemEvent,
    },
  ]);
}

interface CaseFacts {
  status: string;
  assigneeId: string | null;
  waitingSince: Date | null;
  lastStaffMessageAt: Date | null;
}

/** Whether a reminder other than a check-in still applies, given its case or handover as they are now. */
function stillApplies(kind: ReminderKind, kase: CaseFacts | null, handover: { acknowledgedAt: Date | null } | null): boolean {
  if (kind === 'HANDOVER_UNACKNOWLEDGED') return handover !== null && handover.acknowledgedAt === null;
  if (!kase || kase.status === 'CLOSED') return false;
  switch (kind) {
    case 'UNCLAIMED':
      return kase.assigneeId === null && kase.status === 'QUEUED';
    case 'AWAITING_STAFF_REPLY':
      return kase.waitingSince !== null && (kase.lastStaffMessageAt === null || kase.lastStaffMessageAt < kase.waitingSince);
    default:
      return true;
  }
}

/** Is what the reminder is about still true? (A claimed case needs no "unclaimed" reminder.) */
async function stillRelevant(tx: Tx, reminder: Reminder): Promise<boolean> {
  if (reminder.kind === 'HANDOVER_UNACKNOWLEDGED') {
    const handover = reminder.handoverId ? await tx.handover.findUnique({ where: { id: reminder.handoverId } }) : null;
    return stillApplies(reminder.kind, null, handover);
  }
  const kase = reminder.caseId ? await tx.case.findUnique({ where: { id: reminder.caseId } }) : null;
  if (!kase || reminder.kind !== 'USER_CHECK_IN') return stillApplies(reminder.kind, kase, null);
  // A check-in: only with the person's standing consent, and only while LINE can still reach them.
  const contact = await tx.contact.findFirst({ where: { conversations: { some: { id: kase.conversationId } } } });
  const consent = contact ? await tx.consent.findFirst({ where: { contactId: contact.id, kind: 'check_in' }, orderBy: { createdAt: 'desc' } }) : null;
  return contact !== null && contact.blockedAt === null && consent?.granted === true;
}

type Fired = { reminder: Pick<Reminder, 'kind' | 'escalateAt'>; notificationId: string | null; checkIn: StoredEvent[] | null };

/**
 * Fires a staff reminder (not a check-in) in plain SQL (src/db/sql.ts): thousands can fall due
 * together, and a reminder that waits behind the others is a late reminder. Two statements
 * under the reminder's row lock. Null: nothing to fire; 'check-in': the Prisma path's.
 */
async function fireStaffReminder(deps: ReminderDeps, reminderId: string, now: Date): Promise<Fired | null | 'check-in'> {
  return inPgTransaction(sqlPoolOf(deps.db), '', async (sql) => {
    const [row] = await sql.query<{
      kind: ReminderKind;
      caseId: string | null;
      urgency: Urgency;
      firedAt: Date | null;
      cancelledAt: Date | null;
      caseStatus: string | null;
      assigneeId: string | null;
      waitingSince: Date | null;
      lastStaffMessageAt: Date | null;
      handoverId: string | null;
      acknowledgedAt: Date | null;
    }>(
      `SELECT r."kind"::text AS "kind", r."caseId", r."urgency"::text AS "urgency", r."firedAt", r."cancelledAt",
              k."status"::text AS "caseStatus", k."assigneeId", k."waitingSince", k."lastStaffMessageAt",
              h."id" AS "handoverId", h."acknowledgedAt"
       FROM "Reminder" r
       LEFT JOIN "Case" k ON k."id" = r."caseId"
       LEFT JOIN "Handover" h ON h."id" = r."handoverId"
       WHERE r."id" = $1::uuid
       FOR UPDATE OF r`,
      [reminderId],
    );
    if (!row || row.firedAt || row.cancelledAt) return null;
    if (row.kind === 'USER_CHECK_IN') return 'check-in';
    const kase = row.caseStatus === null ? null : { status: row.caseStatus, assigneeId: row.assigneeId, waitingSince: row.waitingSince, lastStaffMessageAt: row.lastStaffMessageAt };
    const at = now.toISOString();
    if (!stillApplies(row.kind, kase, row.handoverId === null ? null : { acknowledgedAt: row.acknowledgedAt })) {
      await sql.query(`UPDATE "Reminder" SET "cancelledAt" = $2::timestamp(3) WHERE "id" = $1::uuid`, [reminderId, at]);
      return null;
    }
    const toAssignee = row.kind === 'AWAITING_STAFF_REPLY' || row.kind === 'FOLLOW_UP';
    const notification = notificationRow({
      kind: row.kind,
      urgency: row.urgency,
      audience: toAssignee && kase?.assigneeId ? 'assignee' : 'staff',
      staffId: toAssignee ? (kase?.assigneeId ?? null) : null,
      caseId: row.caseId,
      reminderId,
    });
    const notificationId = randomUUID();
    const escalateAt = row.kind === 'FOLLOW_UP' ? null : deps.policy.escalationAt(row.urgency, now);
    await sql.query(
      `WITH notification AS (
         INSERT INTO "Notification" ("id", "kind", "urgency", "audience", "staffId", "caseId", "reminderId", "title", "createdAt")
         VALUES ($1::uuid, $2, $3::"Urgency", $4, $5::uuid, $6::uuid, $7::uuid, $8, $12::timestamp(3))),
       fired AS (UPDATE "Reminder" SET "firedAt" = $9::timestamp(3), "escalateAt" = $10::timestamp(3) WHERE "id" = $7::uuid)
       INSERT INTO "AuditEvent" ("actorType", "action", "caseId", "detail", "at") VALUES ('system', 'reminder.fired', $6::uuid, $11::jsonb, $9::timestamp(3))`,
      [
        notificationId,
        notification.kind,
        notification.urgency,
        notification.audience,
        notification.staffId,
        notification.caseId,
        reminderId,
        notification.title,
        at,
        escalateAt?.toISOString() ?? null,
        JSON.stringify({ kind: row.kind, reminderId }),
        // Created now, as Prisma's @default(now()) would: `now` is the reminder's clock.
        new Date().toISOString(),
      ],
    );
    return { reminder: { kind: row.kind, escalateAt }, notificationId, checkIn: null };
  });
}

/** Fires a due check-in: the person's conversation gets a "how are you?" event (Prisma path, rare). */
async function fireCheckIn(deps: ReminderDeps, reminderId: string, now: Date): Promise<Fired | null> {
  return deps.db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<Reminder[]>`SELECT * FROM "Reminder" WHERE "id" = ${reminderId}::uuid FOR UPDATE`;
    if (!locked || locked.firedAt || locked.cancelledAt) return null;
    if (!(await stillRelevant(tx, locked))) {
      await tx.reminder.update({ where: { id: locked.id }, data: { cancelledAt: now } });
      return null;
    }
    const checkIn = await queueCheckIn(tx, locked, now);
    await tx.reminder.update({ where: { id: locked.id }, data: { firedAt: now } });
    return { reminder: { kind: locked.kind, escalateAt: null }, notificationId: null, checkIn };
  });
}

/** Fires a due reminder once: a notification for staff, then an escalation timer. */
export async function fireReminder(deps: ReminderDeps, reminderId: string): Promise<'fired' | 'skipped'> {
  const now = (deps.now ?? (() => new Date()))();
  const staff = await fireStaffReminder(deps, reminderId, now);
  const result = staff === 'check-in' ? await fireCheckIn(deps, reminderId, now) : staff;
  if (!result) return 'skipped';
  deps.logger.info({ reminderId, kind: result.reminder.kind }, 'reminder fired');
  if (result.checkIn) await requestProcessing(deps.queues, result.checkIn, deps.logger);
  if (result.notificationId) await announceNotification(deps, result.notificationId);
  if (result.reminder.escalateAt) {
    try {
      await deps.queues.add('reminders', escalateJobId(reminderId), { reminderId, stage: 'escalate' }, {
        delay: Math.max(0, result.reminder.escalateAt.getTime() - now.getTime()),
      });
    } catch {
      deps.logger.warn({ reminderId }, 'could not schedule escalation; the reconciler will');
    }
  }
  return 'fired';
}

/** A fired reminder nobody acted on goes to the supervisors, once. */
export async function escalateReminder(deps: ReminderDeps, reminderId: string): Promise<'escalated' | 'skipped'> {
  const now = (deps.now ?? (() => new Date()))();
  const result = await deps.db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<Reminder[]>`SELECT * FROM "Reminder" WHERE "id" = ${reminderId}::uuid FOR UPDATE`;
    if (!locked || !locked.firedAt || locked.escalatedAt || locked.cancelledAt || !locked.escalateAt) return null;
    if (!(await stillRelevant(tx, locked))) {
      await tx.reminder.update({ where: { id: locked.id }, data: { cancelledAt: now } });
      return null;
    }
    const notification = await createNotification(tx, {
      kind: 'escalation',
      urgency: locked.urgency,
      audience: 'supervisors',
      caseId: locked.caseId,
      reminderId: locked.id,
    });
    await tx.reminder.update({ where: { id: locked.id }, data: { escalatedAt: now } });
    await tx.auditEvent.create({ data: { actorType: 'system', action: 'reminder.escalated', caseId: locked.caseId, detail: { kind: locked.kind, reminderId: locked.id }, at: now } });
    return notification.id;
  });
  if (!result) return 'skipped';
  await announceNotification(deps, result);
  return 'escalated';
}

/** Reminders whose queue jobs are looked up at once by the reconciler. */
const RECONCILE_BATCH = 200;

/**
 * Rebuilds the delayed jobs of every pending reminder and escalation whose job Redis no longer
 * has (Redis here keeps nothing on disk). Safe to run any time, from any number of workers:
 * job ids are the reminder ids, and firing is idempotent.
 */
export async function reconcileReminders(deps: ReminderDeps): Promise<{ restored: number }> {
  const clock = deps.now ?? (() => new Date());
  let restored = 0;
  const pending = await deps.db.reminder.findMany({
    where: { cancelledAt: null, OR: [{ firedAt: null }, { firedAt: { not: null }, escalatedAt: null, escalateAt: { not: null } }] },
    select: { id: true, dueAt: true, firedAt: true, escalateAt: true },
  });
  const queue = deps.queues.reminders;
  // Many thousands may be pending: their jobs are looked up a batch at a time, not one by one.
  for (let from = 0; from < pending.length; from += RECONCILE_BATCH) {
    const batch = pending.slice(from, from + RECONCILE_BATCH).map((reminder) => {
      const stage = reminder.firedAt ? ('escalate' as const) : ('fire' as const);
      return { reminder, stage, jobId: stage === 'fire' ? fireJobId(reminder.id) : escalateJobId(reminder.id), at: stage === 'fire' ? reminder.dueAt : reminder.escalateAt! };
    });
    const jobs = await Promise.all(batch.map(async ({ jobId }) => {
      const job = await queue.getJob(jobId);
      return { job, state: job ? await job.getState() : null };
    }));
    for (const [index, { reminder, stage, jobId, at }] of batch.entries()) {
      const { job, state } = jobs[index]!;
      if (state && state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
      if (job) await job.remove().catch(() => {});
      // The delay from the time of adding: a long pass must not make every restored job late.
      await deps.queues.add('reminders', jobId, { reminderId: reminder.id, stage }, { delay: Math.max(0, at.getTime() - clock().getTime()) });
      restored++;
    }
  }
  if (restored > 0) deps.logger.info({ restored }, 'reconciler restored reminder jobs');
  return { restored };
}
