import { z } from 'zod';
import type { Actor } from '../cases/actor.js';
import { recordAudit } from '../cases/audit.js';
import { announceNotifications, publishAll, scheduleReminders, type CaseDeps } from '../cases/deps.js';
import { CaseError } from '../cases/errors.js';
import { createNotification } from '../notifications/notifications.js';
import { readCenterCase } from './access.js';
import { staffText } from './input.js';
import { touchCenterCase } from './receiving.js';
import { EXCHANGE_KINDS } from './vocabulary.js';

export const exchangeInputSchema = z
  .object({
    kind: z.enum(EXCHANGE_KINDS),
    text: staffText(4000),
  })
  .strict();
export type ExchangeInput = z.infer<typeof exchangeInputSchema>;

/**
 * The desk and the center write to each other on the case (questions, answers, updates, the
 * invitation to the first 支援調整会議). The other side is notified; the text is encrypted at
 * rest and goes with the person's data.
 */
export async function writeExchange(deps: CaseDeps, actor: Actor, caseId: string, input: ExchangeInput) {
  const now = deps.now();
  const result = await deps.db.$transaction(async (tx) => {
    const { kase, centerCase, handover, side } = await readCenterCase(tx, actor, caseId);
    if (side === 'center' && centerCase?.closedAt) throw new CaseError('case_closed', 'このケースの支援は終結しています。');
    if (input.kind === 'invitation' && side !== 'center') throw new CaseError('invalid', '会議へのご案内は、センターから送ります。');
    const exchange = await tx.caseExchange.create({ data: { caseId, side, kind: input.kind, authorId: actor.id, text: input.text, createdAt: now } });
    // To the desk: the counsellor who holds the case, else the one who handed it over.
    const notification =
      side === 'center'
        ? await createNotification(tx, { kind: 'exchange_from_center', urgency: kase.urgency, audience: 'assignee', staffId: kase.assigneeId ?? handover.createdById, caseId })
        : await createNotification(tx, {
            kind: 'exchange_from_desk',
            urgency: kase.urgency,
            ...(centerCase?.keyPersonId ? { audience: 'assignee' as const, staffId: centerCase.keyPersonId } : { audience: 'center' as const }),
            centerCode: centerCase?.centerCode ?? handover.centerCode,
            caseId,
          });
    await recordAudit(tx, actor, 'center.exchange_written', caseId, { exchangeId: exchange.id, side, kind: input.kind }, now);
    const reminder = side === 'center' && centerCase ? await touchCenterCase(tx, deps.reminderPolicy, centerCase, now) : null;
    return { exchange, notificationId: notification.id, reminder, centerCode: centerCase?.centerCode ?? handover.centerCode };
  });
  await scheduleReminders(deps, [result.reminder]);
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'center-case', caseId, centerCode: result.centerCode, change: 'exchange' }]]);
  await announceNotifications(deps, [result.notificationId]);
  return result.exchange;
}
