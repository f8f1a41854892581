import { clearCaseAlerts } from './alerts.js';
import type { CaseStatus } from '../db/client.js';
import { canWorkCase, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { reminderRules } from '../reminders/reminders.js';
import { publishAll, scheduleReminders, type CaseDeps } from './deps.js';
import { CaseError, caseNotFound } from './errors.js';
import { inCasePersonTransaction } from './person-lock.js';

/**
 * Statuses staff set by hand, always with a reason. HANDED_OVER is reached only through a
 * handover (handover.ts), QUEUED only by releasing a case.
 */
export const MANUAL_STATUSES = ['ACTIVE', 'WAITING_USER', 'INFO_GIVEN', 'CLOSED'] as const satisfies readonly CaseStatus[];
export type ManualStatus = (typeof MANUAL_STATUSES)[number];

export interface StatusChange {
  status: ManualStatus;
  reason: string;
  /** The day to get back in touch ("2026-12-08", Tokyo): a FOLLOW_UP reminder fires that day. */
  followUpOn?: string | null;
}

export async function changeCaseStatus(deps: CaseDeps, actor: Actor, caseId: string, change: StatusChange) {
  const now = deps.now();
  const reason = change.reason.trim();
  if (!reason) throw new CaseError('reason_required', '状態を変えるときは理由を書いてください。');
  // The pipeline's lock order (person, then rows).
  const reminder = await inCasePersonTransaction(deps.db, caseId, async (tx) => {
    const kase = await tx.case.findUnique({ where: { id: caseId } });
    if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
    if (kase.status === 'CLOSED') throw new CaseError('case_closed', 'この相談は終了しています。新しいメッセージが届くと、新しい相談として受け付けます。');
    if (kase.status === 'INTAKE' && change.status !== 'CLOSED') throw new CaseError('not_claimable', 'この相談はまだ自動の聞き取り中です。');
    if (change.status === 'ACTIVE' && !kase.assigneeId) throw new CaseError('claim_first', '先にこの相談を担当してください。');
    if (kase.status === change.status) throw new CaseError('conflict', 'すでにその状態です。');
    const nobodyWaits = change.status !== 'ACTIVE';
    const followUp = change.status !== 'CLOSED' && change.followUpOn ? change.followUpOn : null;
    const followUpAt = followUp ? deps.reminderPolicy.followUpDueAt(followUp) : undefined;
    await tx.case.update({
      where: { id: caseId },
      data: {
        status: change.status,
        ...(nobodyWaits ? { waitingSince: null } : {}),
        ...(change.status === 'CLOSED' ? { closedAt: now, followUpAt: null } : {}),
        ...(followUpAt ? { followUpAt } : change.followUpOn === null ? { followUpAt: null } : {}),
      },
    });
    // Nobody waits on a closed case, or on one left waiting for the person.
    if (change.status === 'CLOSED') {
      await reminderRules.cancel(tx, caseId, ['UNCLAIMED', 'AWAITING_STAFF_REPLY', 'FOLLOW_UP'], now);
      await clearCaseAlerts(tx, caseId, { actorId: actor.id, reason: 'closed' }, now);
    }
    else if (nobodyWaits) await reminderRules.cancel(tx, caseId, ['AWAITING_STAFF_REPLY'], now);
    if (change.followUpOn === null) await reminderRules.cancel(tx, caseId, ['FOLLOW_UP'], now);
    await recordAudit(
      tx,
      actor,
      'case.status_changed',
      caseId,
      { from: kase.status, to: change.status, reason, ...(followUp ? { followUpOn: followUp } : {}) },
      now,
    );
    return followUp ? reminderRules.followUp(tx, deps.reminderPolicy, kase, followUp, now) : null;
  });
  await scheduleReminders(deps, [reminder]);
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId, change: 'status' }]]);
}
