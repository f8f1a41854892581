import type { CaseStatus } from '../db/client.js';
import { canWorkCase, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { publishAll, type CaseDeps } from './deps.js';
import { CaseError, caseNotFound } from './errors.js';

/**
 * Statuses staff set by hand, always with a reason. HANDED_OVER is reached only through a
 * handover (handover.ts), QUEUED only by releasing a case.
 */
export const MANUAL_STATUSES = ['ACTIVE', 'WAITING_USER', 'INFO_GIVEN', 'CLOSED'] as const satisfies readonly CaseStatus[];
export type ManualStatus = (typeof MANUAL_STATUSES)[number];

export interface StatusChange {
  status: ManualStatus;
  reason: string;
  /** When to get back in touch (waiting for the person, information given): the reminders use it. */
  followUpAt?: Date | null;
}

export async function changeCaseStatus(deps: CaseDeps, actor: Actor, caseId: string, change: StatusChange) {
  const now = deps.now();
  const reason = change.reason.trim();
  if (!reason) throw new CaseError('reason_required', '状態を変えるときは理由を書いてください。');
  await deps.db.$transaction(async (tx) => {
    const kase = await tx.case.findUnique({ where: { id: caseId } });
    if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
    if (kase.status === 'CLOSED') throw new CaseError('case_closed', 'この相談は終了しています。新しいメッセージが届くと、新しい相談として受け付けます。');
    if (kase.status === 'INTAKE' && change.status !== 'CLOSED') throw new CaseError('not_claimable', 'この相談はまだ自動の聞き取り中です。');
    if (change.status === 'ACTIVE' && !kase.assigneeId) throw new CaseError('claim_first', '先にこの相談を担当してください。');
    if (kase.status === change.status) throw new CaseError('conflict', 'すでにその状態です。');
    const nobodyWaits = change.status !== 'ACTIVE';
    await tx.case.update({
      where: { id: caseId },
      data: {
        status: change.status,
        ...(nobodyWaits ? { waitingSince: null } : {}),
        ...(change.status === 'CLOSED' ? { closedAt: now, followUpAt: null } : {}),
        ...(change.followUpAt !== undefined && change.status !== 'CLOSED' ? { followUpAt: change.followUpAt } : {}),
      },
    });
    await recordAudit(
      tx,
      actor,
      'case.status_changed',
      caseId,
      { from: kase.status, to: change.status, reason, ...(change.followUpAt ? { followUpAt: change.followUpAt.toISOString() } : {}) },
      now,
    );
  });
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId, change: 'status' }]]);
}
