import { z } from 'zod';
import type { Actor } from '../cases/actor.js';
import { recordAudit } from '../cases/audit.js';
import { announceNotifications, publishAll, type CaseDeps } from '../cases/deps.js';
import { CaseError } from '../cases/errors.js';
import { createNotification } from '../notifications/notifications.js';
import { reminderRules } from '../reminders/reminders.js';
import { writeCenterCase } from './access.js';
import { optionalStaffText } from './input.js';
import { CLOSURE_REASONS } from './vocabulary.js';

export const closureInputSchema = z
  .object({
    reason: z.enum(CLOSURE_REASONS),
    /** With `no_contact`: for how many months nobody could reach the person or family. */
    noContactMonths: z.number().int().min(1).max(120).optional(),
    note: optionalStaffText(2000),
  })
  .strict();
export type ClosureInput = z.infer<typeof closureInputSchema>;

/**
 * 終結: support ends by a decision with a coded reason. The case is closed, so retention
 * (src/cases/retention.ts, RETENTION_DAYS after closing) applies to it from now on; every
 * reminder on it stops. The desk counsellor who handed it over is told.
 */
export async function closeCenterCase(deps: CaseDeps, actor: Actor, caseId: string, input: ClosureInput) {
  if (input.reason === 'no_contact' && !input.noContactMonths) throw new CaseError('reason_required', '連絡がとれなくなってからの月数を入れてください。');
  if (input.reason !== 'no_contact' && input.noContactMonths !== undefined) throw new CaseError('invalid', '月数は「連絡がとれない」ときだけ入れます。');
  if (input.reason === 'other' && !input.note) throw new CaseError('reason_required', '「その他」のときは、終結の理由を書いてください。');
  const now = deps.now();
  const result = await deps.db.$transaction(async (tx) => {
    const { kase, centerCase, handover } = await writeCenterCase(tx, actor, caseId);
    const closed = await tx.centerCase.updateMany({
      where: { caseId, closedAt: null },
      data: { closedAt: now, closeReason: input.reason, noContactMonths: input.noContactMonths ?? null, closeNote: input.note ?? null, closedById: actor.id },
    });
    if (closed.count === 0) throw new CaseError('case_closed', 'このケースの支援は終結しています。');
    await tx.case.update({ where: { id: caseId }, data: { status: 'CLOSED', closedAt: now, waitingSince: null, followUpAt: null } });
    await reminderRules.cancel(tx, caseId, ['UNCLAIMED', 'AWAITING_STAFF_REPLY', 'FOLLOW_UP', 'CENTER_REVIEW_DUE', 'CENTER_CASE_INACTIVE'], now);
    await recordAudit(tx, actor, 'center.closed', caseId, { reason: input.reason, ...(input.noContactMonths ? { noContactMonths: input.noContactMonths } : {}), from: kase.status }, now);
    const told = await createNotification(tx, { kind: 'center_closed', urgency: 'NORMAL', audience: 'assignee', staffId: kase.assigneeId ?? handover.createdById, caseId });
    return { centerCode: centerCase.centerCode, notificationId: told.id };
  });
  await publishAll(deps, [
    [{ kind: 'staff' }, { type: 'center-case', caseId, centerCode: result.centerCode, change: 'closed' }],
    [{ kind: 'staff' }, { type: 'case', caseId, change: 'status' }],
  ]);
  await announceNotifications(deps, [result.notificationId]);
}
