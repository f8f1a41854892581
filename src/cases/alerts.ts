import type { Prisma } from '../db/client.js';

/** The alerts a claim answers: someone now holds the case. Closing answers every notification of it. */
const ANSWERED_BY_CLAIM = ['emergency_alert', 'high_alert', 'UNCLAIMED'];

/**
 * Claiming or closing a case clears its alerts for everyone ("seen" by one colleague clears
 * them only for that colleague; see NotificationSeen).
 */
export async function clearCaseAlerts(tx: Prisma.TransactionClient, caseId: string, by: { actorId: string; reason: 'claimed' | 'closed' }, now: Date): Promise<number> {
  const { count } = await tx.notification.updateMany({
    where: { caseId, readAt: null, ...(by.reason === 'claimed' ? { kind: { in: ANSWERED_BY_CLAIM } } : {}) },
    data: { readAt: now, readById: by.actorId },
  });
  return count;
}
