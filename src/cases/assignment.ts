import { clearCaseAlerts } from './alerts.js';
import type { Channel } from '../db/client.js';
import { requestProcessing, sourceKeyFor, storeInboundEvents } from '../pipeline/inbox.js';
import type { SystemEvent } from '../pipeline/system-events.js';
import { canWorkCase, DESK_ROLES, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { reminderRules } from '../reminders/reminders.js';
import { publishAll, scheduleReminders, type CaseDeps } from './deps.js';
import { CaseError, caseNotFound } from './errors.js';
import { announceNotification, createNotification } from '../notifications/notifications.js';

/**
 * Claims a case for the actor. One conditional UPDATE decides: it only matches while nobody
 * holds the case, and PostgreSQL re-checks that condition after waiting on a concurrent claim,
 * so of any number of simultaneous claims exactly one wins and the others see `already_claimed`.
 */
export async function claimCase(deps: CaseDeps, actor: Actor, caseId: string) {
  if (!DESK_ROLES.includes(actor.role)) throw new CaseError('forbidden', '相談を担当できるのは相談員とスーパーバイザーです。');
  const now = deps.now();
  const claimed = await deps.db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "Case"
      SET "assigneeId" = ${actor.id}::uuid,
          "claimedAt" = ${now},
          "updatedAt" = ${now},
          "status" = CASE WHEN "status" = 'QUEUED' THEN 'ACTIVE'::"CaseStatus" ELSE "status" END
      WHERE "id" = ${caseId}::uuid AND "assigneeId" IS NULL AND "status" NOT IN ('INTAKE', 'CLOSED')
      RETURNING "id"`;
    if (rows.length === 0) return null;
    await reminderRules.cancel(tx, caseId, ['UNCLAIMED'], now);
    await clearCaseAlerts(tx, caseId, { actorId: actor.id, reason: 'claimed' }, now);
    await recordAudit(tx, actor, 'case.claimed', caseId, undefined, now);
    return tx.case.findUniqueOrThrow({
      where: { id: caseId },
      include: { conversation: { include: { contact: { select: { channel: true, channelUserId: true, channelUserIdHash: true } } } } },
    });
  });
  if (!claimed) {
    const kase = await deps.db.case.findUnique({ where: { id: caseId }, include: { assignee: { select: { name: true } } } });
    if (!kase) throw caseNotFound();
    if (kase.assigneeId) {
      throw new CaseError('already_claimed', kase.assigneeId === actor.id ? 'この相談はすでにあなたが担当しています。' : `この相談はすでに${kase.assignee?.name ?? '別の相談員'}さんが担当しています。`);
    }
    throw new CaseError('not_claimable', kase.status === 'CLOSED' ? 'この相談は終了しています。' : 'この相談はまだ自動の聞き取り中です。');
  }
  await announceToConversation(deps, 'staffJoined', claimed.conversation.contact, caseId, now);
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId, change: 'claimed' }]]);
  return claimed;
}

/**
 * Tells the conversation core that a counsellor joined or left, through the person's own event
 * queue: the bot steps back (or in again) exactly between the messages sent before and after.
 */
async function announceToConversation(
  deps: CaseDeps,
  system: 'staffJoined' | 'staffLeft',
  contact: { channel: Channel; channelUserId: string | null; channelUserIdHash: string | null },
  caseId: string,
  now: Date,
) {
  // A contact whose channel id was removed (retention) cannot be written to any more; a person
  // the desk only met by phone or in person has no chat to tell.
  if (!contact.channelUserId || !contact.channelUserIdHash || (contact.channel !== 'LINE' && contact.channel !== 'WEB')) return;
  const payload: SystemEvent = { system, channelUserId: contact.channelUserId };
  try {
    const stored = await storeInboundEvents(deps.db, [
      {
        channel: contact.channel,
        externalId: `${system === 'staffJoined' ? 'staff-joined' : 'staff-left'}:${caseId}:${now.getTime()}`,
        sourceKey: sourceKeyFor(contact.channel, contact.channelUserIdHash),
        occurredAt: now,
        payload,
      },
    ]);
    await requestProcessing(deps.queues, stored, deps.logger);
  } catch (error) {
    // The claim stands; the bot keeps asking its questions until the next claim or reply.
    deps.logger.warn({ caseId, system, err: { name: (error as Error).name } }, 'could not store the conversation event');
  }
}

/** Gives a case back to the queue. */
export async function releaseCase(deps: CaseDeps, actor: Actor, caseId: string, reason: string | null) {
  const now = deps.now();
  const { reminder, contact } = await deps.db.$transaction(async (tx) => {
    const kase = await tx.case.findUnique({
      where: { id: caseId },
      include: { conversation: { include: { contact: { select: { channel: true, channelUserId: true, channelUserIdHash: true } } } } },
    });
    if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
    if (!kase.assigneeId) throw new CaseError('conflict', 'この相談は誰も担当していません。');
    const updated = await tx.case.updateMany({
      where: { id: caseId, assigneeId: kase.assigneeId },
      // A case back in the queue waits for a counsellor like any queued case (sorted by waitingSince).
      data: { assigneeId: null, ...(kase.status === 'ACTIVE' ? { status: 'QUEUED', waitingSince: kase.waitingSince ?? now } : {}) },
    });
    if (updated.count === 0) throw new CaseError('conflict', 'ほかの操作と重なりました。もう一度読み込んでください。');
    await recordAudit(tx, actor, 'case.released', caseId, { from: kase.assigneeId, ...(reason ? { reason } : {}) }, now);
    // Back in the queue: somebody must pick it up again in time.
    const reminder = kase.status === 'ACTIVE' ? await reminderRules.caseQueued(tx, deps.reminderPolicy, kase, now) : null;
    return { reminder, contact: kase.conversation.contact };
  });
  await scheduleReminders(deps, [reminder]);
  // Nobody holds the chat now: the bot acknowledges the person's messages again.
  await announceToConversation(deps, 'staffLeft', contact, caseId, now);
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId, change: 'released' }]]);
}

/** Hands a case to a colleague at the desk. */
export async function transferCase(deps: CaseDeps, actor: Actor, caseId: string, toStaffId: string, reason: string | null) {
  const now = deps.now();
  const before = await deps.db.$transaction(async (tx) => {
    const kase = await tx.case.findUnique({
      where: { id: caseId },
      include: { conversation: { include: { contact: { select: { channel: true, channelUserId: true, channelUserIdHash: true } } } } },
    });
    if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
    if (kase.status === 'CLOSED' || kase.status === 'INTAKE') throw new CaseError('not_claimable', 'この相談は担当を替えられない状態です。');
    const target = await tx.staffUser.findUnique({ where: { id: toStaffId } });
    if (!target || target.disabledAt || !DESK_ROLES.includes(target.role)) {
      throw new CaseError('invalid', '引き継ぎ先は、有効な相談員かスーパーバイザーを選んでください。');
    }
    if (target.id === kase.assigneeId) throw new CaseError('conflict', 'その人がすでに担当しています。');
    const updated = await tx.case.updateMany({
      where: { id: caseId, assigneeId: kase.assigneeId },
      data: {
        assigneeId: target.id,
        ...(kase.assigneeId === null ? { claimedAt: now } : {}),
        ...(kase.status === 'QUEUED' ? { status: 'ACTIVE' } : {}),
      },
    });
    if (updated.count === 0) throw new CaseError('conflict', 'ほかの操作と重なりました。もう一度読み込んでください。');
    if (kase.assigneeId === null) await reminderRules.cancel(tx, caseId, ['UNCLAIMED'], now);
    // The history says to whom (names as they were then), and the colleague is told at once.
    const fromName = kase.assigneeId ? ((await tx.staffUser.findUnique({ where: { id: kase.assigneeId }, select: { name: true } }))?.name ?? null) : null;
    await recordAudit(tx, actor, 'case.transferred', caseId, { from: kase.assigneeId, to: target.id, fromName, toName: target.name, ...(reason ? { reason } : {}) }, now);
    const notification = await createNotification(tx, { kind: 'case_transferred', urgency: kase.urgency, audience: 'assignee', staffId: target.id, caseId });
    return { ...kase, notificationId: notification.id };
  });
  await announceNotification({ queues: deps.queues, realtime: { publish: deps.publish }, logger: deps.logger }, before.notificationId);
  if (before.assigneeId === null) await announceToConversation(deps, 'staffJoined', before.conversation.contact, caseId, now);
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId, change: 'transferred' }]]);
}
