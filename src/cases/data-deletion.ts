import { Prisma } from '../db/client.js';
import { sourceKeyFor } from '../pipeline/inbox.js';

type Tx = Prisma.TransactionClient;

/**
 * "Delete my data": removes everything the person wrote and answered (messages, intake answers,
 * pending deliveries) from all their conversations. The case rows stay, marked, so staff see
 * that the person asked for deletion and counts for statistics survive.
 */
export async function deleteContactData(tx: Tx, contactId: string, now: Date, actor: 'user' | 'staff' = 'user') {
  const contact = await tx.contact.findUniqueOrThrow({ where: { id: contactId } });
  // The raw events hold the same words: keep the rows (idempotency), drop what they said.
  await tx.inboundEvent.updateMany({
    where: { sourceKey: sourceKeyFor(contact.channel, contact.channelUserId), processedAt: { not: null } },
    data: { payload: { deleted: true } },
  });
  const conversations = await tx.conversation.findMany({ where: { contactId }, select: { id: true } });
  const conversationIds = conversations.map((c) => c.id);
  const cases = await tx.case.findMany({ where: { conversationId: { in: conversationIds } }, select: { id: true } });
  const caseIds = cases.map((c) => c.id);
  await tx.message.deleteMany({ where: { conversationId: { in: conversationIds } } });
  await tx.intakeAnswer.deleteMany({ where: { caseId: { in: caseIds } } });
  await tx.outboundDelivery.deleteMany({ where: { conversationId: { in: conversationIds } } });
  await tx.conversation.updateMany({ where: { id: { in: conversationIds } }, data: { state: Prisma.DbNull } });
  await tx.case.updateMany({ where: { id: { in: caseIds } }, data: { summary: { dataDeletedAt: now.toISOString() } } });
  await tx.auditEvent.createMany({
    data: caseIds.map((caseId) => ({ actorType: actor, action: 'user.data_deleted', caseId, at: now })),
  });
  return { caseIds, conversationIds };
}
