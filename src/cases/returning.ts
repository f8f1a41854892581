// Recognising a person who writes again after their case was closed (policy: data/returning.yaml).
// The pipeline asks `decideComeback` when the latest case of the person is closed; the conversation
// core welcomes them back (src/conversation/returning.ts); `recordComeback` then reopens the case
// or links the new one to it, and tells whoever held it.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ConsulterType as DbConsulterType, Prisma } from '../db/client.js';
import type { ConsulterType, Language } from '../conversation/types.js';
import { createNotification } from '../notifications/notifications.js';
import { LANGUAGES } from '../flows/schema.js';
import type { ReminderPolicy } from '../reminders/policy.js';
import { reminderRules } from '../reminders/reminders.js';

type Tx = Prisma.TransactionClient;

const policySchema = z.object({ reopenWithinDays: z.number().int().min(0).max(3650) }).strict();
export type ReturnPolicy = z.infer<typeof policySchema>;

let cachedPolicy: ReturnPolicy | undefined;
export function loadReturnPolicy(): ReturnPolicy {
  cachedPolicy ??= policySchema.parse(parse(readFileSync(new URL('../../data/returning.yaml', import.meta.url), 'utf8')));
  return cachedPolicy;
}

export interface Comeback {
  mode: 'reopen' | 'continue';
  earlierCaseId: string;
  earlierAssigneeId: string | null;
  consulterType: ConsulterType | null;
  language: Language;
}

const fromDb: Record<DbConsulterType, ConsulterType> = { SELF: 'self', FAMILY: 'family', AGENCY: 'agency', NEIGHBOUR: 'neighbour', UNSURE: 'unsure' };

/** Whether and how the closed case `caseId` continues; null when the person is to start afresh. */
export async function decideComeback(tx: Tx, caseId: string, now: Date, policy: ReturnPolicy = loadReturnPolicy()): Promise<Comeback | null> {
  const kase = await tx.case.findUnique({ where: { id: caseId } });
  if (!kase || kase.status !== 'CLOSED') return null;
  const summary = (kase.summary ?? null) as { dataDeletedAt?: unknown } | null;
  // They asked to be forgotten, or the retention schedule removed their words: nothing to greet them back with.
  if (typeof summary?.dataDeletedAt === 'string' || kase.anonymisedAt) return null;
  const closedAt = kase.closedAt ?? kase.updatedAt;
  const withinDays = now.getTime() - closedAt.getTime() <= policy.reopenWithinDays * 24 * 3_600_000;
  const language = (LANGUAGES as readonly string[]).includes(kase.language) ? (kase.language as Language) : 'ja';
  return {
    mode: withinDays ? 'reopen' : 'continue',
    earlierCaseId: kase.id,
    earlierAssigneeId: kase.assigneeId,
    consulterType: kase.consulterType ? fromDb[kase.consulterType] : null,
    language,
  };
}

/**
 * After the core's effects ran: reopen the earlier case (back in the queue, unassigned, as new
 * work) or link the new case to it; audit it; notify whoever held the earlier case.
 */
export async function recordComeback(
  tx: Tx,
  comeback: Comeback,
  caseId: string | null,
  now: Date,
  reminderPolicy: ReminderPolicy,
): Promise<{ notifications: string[]; reminders: { id: string; dueAt: Date }[]; caseId: string | null }> {
  const notifications: string[] = [];
  const reminders: { id: string; dueAt: Date }[] = [];
  const target = comeback.mode === 'reopen' ? comeback.earlierCaseId : caseId;
  if (!target) return { notifications, reminders, caseId: null };
  if (comeback.mode === 'reopen') {
    const reopened = await tx.case.updateMany({
      where: { id: target, status: { in: ['CLOSED', 'QUEUED'] }, closedAt: { not: null } },
      data: { status: 'QUEUED', closedAt: null, assigneeId: null, claimedAt: null, queuedAt: now, waitingSince: now, followUpAt: null },
    });
    if (reopened.count === 0) return { notifications, reminders, caseId: target };
    await tx.auditEvent.create({ data: { actorType: 'system', action: 'case.reopened', caseId: target, at: now, detail: { previousAssigneeId: comeback.earlierAssigneeId } } });
    // Back in the queue with nobody holding it: somebody must pick it up in time.
    const kase = await tx.case.findUniqueOrThrow({ where: { id: target }, select: { id: true, urgency: true } });
    reminders.push(await reminderRules.caseQueued(tx, reminderPolicy, kase, now));
  } else {
    await tx.caseLink.createMany({ data: [{ caseId: target, otherCaseId: comeback.earlierCaseId, kind: 'continuation', createdAt: now }], skipDuplicates: true });
    await tx.auditEvent.create({ data: { actorType: 'system', action: 'case.continued', caseId: target, at: now, detail: { earlierCaseId: comeback.earlierCaseId } } });
  }
  if (comeback.earlierAssigneeId) {
    const holder = await tx.staffUser.findUnique({ where: { id: comeback.earlierAssigneeId }, select: { disabledAt: true } });
    if (holder && !holder.disabledAt) {
      const notification = await createNotification(tx, { kind: 'person_returned', urgency: 'NORMAL', audience: 'assignee', staffId: comeback.earlierAssigneeId, caseId: target });
      notifications.push(notification.id);
    }
  }
  return { notifications, reminders, caseId: target };
}
