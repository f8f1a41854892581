import { Prisma } from '../db/client.js';
import { createDeliveries } from '../pipeline/process-source.js';
import type { RealtimeEvent, Topic } from '../realtime/bus.js';
import { canViewCase, canWorkCase, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { reminderRules } from '../reminders/reminders.js';
import { publishAll, type CaseDeps } from './deps.js';
import { CaseError, caseNotFound } from './errors.js';
import { inCasePersonTransaction } from './person-lock.js';

export interface StaffReplyInput {
  text: string;
  /** The console's idempotency key: a retried send is stored and sent once. */
  clientMessageId?: string;
}

export interface StaffReplyResult {
  messageId: string;
  createdAt: Date;
  duplicate: boolean;
  /** False when the person cannot be reached on the channel (blocked the LINE account). */
  deliverable: boolean;
}

/**
 * Sends a counsellor's reply through the case's channel. The message is stored first (the desk
 * keeps everything); the web page reads it live, LINE gets a push delivery (no reply token: the
 * person's token has long expired) with its retry key, sent by the delivery worker.
 */
export async function sendStaffReply(deps: CaseDeps, actor: Actor, caseId: string, input: StaffReplyInput): Promise<StaffReplyResult> {
  const now = deps.now();
  const post: { publish: [Topic, RealtimeEvent][]; deliveries: string[] } = { publish: [], deliveries: [] };
  // Behind any message of this person being processed, and behind a concurrent send of the
  // same reply (which then finds its clientMessageId taken below).
  const result = await inCasePersonTransaction(deps.db, caseId, async (tx) => {
    const kase = await tx.case.findUnique({
      where: { id: caseId },
      include: { conversation: { include: { contact: true } } },
    });
    if (!kase || !canViewCase(actor, kase)) throw caseNotFound();
    if (kase.status === 'CLOSED') throw new CaseError('case_closed', 'この相談は終了しています。');
    if (!kase.assigneeId) throw new CaseError('claim_first', '返信する前に、この相談を担当してください。');
    if (!canWorkCase(actor, kase)) throw caseNotFound();
    const { conversation } = kase;
    const contact = conversation.contact;

    if (input.clientMessageId) {
      const existing = await tx.message.findUnique({
        where: { conversationId_clientMessageId: { conversationId: conversation.id, clientMessageId: input.clientMessageId } },
      });
      if (existing) return { messageId: existing.id, createdAt: existing.createdAt, duplicate: true, deliverable: !contact.blockedAt && contact.channelUserId !== null };
    }

    const adapter = deps.adapters[kase.channel];
    if (!adapter) throw new CaseError('channel_unavailable', `${kase.channel} は現在この環境で使えないため、送れませんでした。`);

    const message = await tx.message.create({
      data: {
        conversationId: conversation.id,
        direction: 'OUTBOUND',
        author: 'STAFF',
        staffId: actor.id,
        kind: 'text',
        text: input.text,
        payload: { type: 'text', text: input.text } as Prisma.InputJsonValue,
        clientMessageId: input.clientMessageId ?? null,
        createdAt: now,
      },
    });
    await tx.conversation.update({ where: { id: conversation.id }, data: { lastOutboundAt: now } });
    await tx.case.update({
      where: { id: caseId },
      data: { lastStaffMessageAt: now, firstStaffReplyAt: kase.firstStaffReplyAt ?? now },
    });
    // Answered — unless the person wrote again meanwhile (their newer message still waits for a
    // human, and its reminder stays): a conditional update, so a concurrent message is never lost.
    const answered = await tx.case.updateMany({
      where: { id: caseId, OR: [{ lastUserMessageAt: null }, { lastUserMessageAt: { lte: now } }] },
      data: { waitingSince: null },
    });
    if (answered.count > 0) await reminderRules.cancel(tx, caseId, ['AWAITING_STAFF_REPLY'], now);
    // Without a channel id (removed by retention) nobody can be reached.
    const deliverable = !contact.blockedAt && contact.channelUserId !== null;
    if (deliverable && contact.channelUserId !== null) {
      post.deliveries = await createDeliveries(tx, adapter, kase.channel, conversation.id, contact.channelUserId, [{ type: 'text', text: input.text }]);
    }
    await recordAudit(tx, actor, 'case.replied', caseId, { messageId: message.id, channel: kase.channel, deliverable }, now);
    post.publish.push(
      [{ kind: 'contact', contactId: contact.id }, { type: 'message', conversationId: conversation.id, messageId: message.id }],
      [{ kind: 'staff' }, { type: 'case', caseId, change: 'reply' }],
    );
    return { messageId: message.id, createdAt: message.createdAt, duplicate: false, deliverable };
  }).catch(async (error: unknown) => {
    // Two sends of one reply that raced past the look-up (a person without a channel id takes
    // no lock): the loser answers as the duplicate it is, with the stored message.
    if (!(input.clientMessageId && error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
    const existing = await deps.db.message.findFirst({
      where: { clientMessageId: input.clientMessageId, conversation: { case: { id: caseId } } },
      include: { conversation: { include: { contact: true } } },
    });
    if (!existing) throw error;
    post.publish = [];
    post.deliveries = [];
    const { contact } = existing.conversation;
    return { messageId: existing.id, createdAt: existing.createdAt, duplicate: true, deliverable: !contact.blockedAt && contact.channelUserId !== null };
  });

  await publishAll(deps, post.publish);
  const queued = await Promise.allSettled(post.deliveries.map((id) => deps.queues.add('delivery', id, { deliveryId: id })));
  if (queued.some((r) => r.status === 'rejected')) deps.logger.warn({ caseId }, 'could not enqueue a staff reply; the sweeper will send it');
  return result;
}
