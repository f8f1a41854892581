import type { Prisma } from '../db/client.js';

/**
 * Removes the words staff wrote on the center side about these cases (desk↔center messages,
 * meeting assessments and notes, goal texts and review notes, the closing note). The codes stay
 * (tracks, owners, progress, reasons, dates), so the plan can still be counted. Called by the
 * person's "delete my data" and by retention.
 */
export async function forgetCenterWords(tx: Prisma.TransactionClient, caseIds: string[]) {
  if (caseIds.length === 0) return { exchanges: 0, meetings: 0, goals: 0 };
  const exchanges = (await tx.caseExchange.deleteMany({ where: { caseId: { in: caseIds } } })).count;
  const meetings = (await tx.supportMeeting.updateMany({ where: { caseId: { in: caseIds } }, data: { assessment: null, notes: null } })).count;
  const goals = (await tx.supportGoal.updateMany({ where: { caseId: { in: caseIds } }, data: { title: '', nextStep: null } })).count;
  await tx.supportGoalReview.updateMany({ where: { goal: { caseId: { in: caseIds } } }, data: { note: null, nextStep: null } });
  await tx.centerCase.updateMany({ where: { caseId: { in: caseIds } }, data: { closeNote: null } });
  return { exchanges, meetings, goals };
}
