import type { Prisma, Urgency } from '../db/client.js';
import type { Actor } from '../cases/actor.js';
import { createNotification } from '../notifications/notifications.js';
import type { ReminderPolicy } from '../reminders/policy.js';
import { reminderRules } from '../reminders/reminders.js';

type Tx = Prisma.TransactionClient;

// What the receiving center's side adds to つなぎ and 受け止め (called inside their transactions
// by src/cases/handover.ts; the caller announces the notifications and schedules the reminders
// after the commit).

/** An emergency override is an emergency for the center too, whatever the case's triage said. */
export function handoverUrgency(caseUrgency: Urgency, basis: string): Urgency {
  return basis === 'emergency_override' ? 'EMERGENCY' : caseUrgency;
}

/** つなぎ: the receiving center's staff are told at once (bell, and its own webhook/e-mail). */
export async function announceHandoverToCenter(tx: Tx, input: { caseId: string; centerCode: string; urgency: Urgency }) {
  const notification = await createNotification(tx, {
    kind: 'handover_received',
    urgency: input.urgency,
    audience: 'center',
    centerCode: input.centerCode,
    caseId: input.caseId,
  });
  return notification.id;
}

/**
 * 受け止め: the center's side of the case begins. Who received it is the キーマン until the
 * center names another; the desk counsellor who handed it over is told; the "nothing has
 * happened for a long time" prompt starts.
 */
export async function beginCenterCase(
  tx: Tx,
  policy: ReminderPolicy,
  actor: Actor,
  handover: { id: string; caseId: string; centerCode: string; createdById: string },
  at: Date,
) {
  const keyPersonId = actor.role === 'CENTER' ? actor.id : null;
  const fields = { centerCode: handover.centerCode, handoverId: handover.id, keyPersonId, acknowledgedAt: at, lastActivityAt: at };
  // A case handed over again (after an earlier 終結, or to another ward) starts a fresh center side.
  await tx.centerCase.upsert({
    where: { caseId: handover.caseId },
    create: { caseId: handover.caseId, ...fields },
    update: { ...fields, closedAt: null, closeReason: null, noContactMonths: null, closeNote: null, closedById: null },
  });
  const told = await createNotification(tx, {
    kind: 'handover_acknowledged',
    urgency: 'NORMAL',
    audience: 'assignee',
    staffId: handover.createdById,
    caseId: handover.caseId,
  });
  const reminder = await reminderRules.centerActivity(tx, policy, { id: handover.caseId }, { centerCode: handover.centerCode, staffId: keyPersonId }, at);
  return { notificationIds: [told.id], reminders: [reminder] };
}

/** Something was done on a center case: it is alive; the inactivity prompt starts again. */
export async function touchCenterCase(tx: Tx, policy: ReminderPolicy, centerCase: { caseId: string; centerCode: string; keyPersonId: string | null }, at: Date) {
  await tx.centerCase.update({ where: { caseId: centerCase.caseId }, data: { lastActivityAt: at } });
  return reminderRules.centerActivity(tx, policy, { id: centerCase.caseId }, { centerCode: centerCase.centerCode, staffId: centerCase.keyPersonId }, at);
}
