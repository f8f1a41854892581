import { Prisma } from '../db/client.js';
import { sourceKeyFor } from '../pipeline/inbox.js';
import { forgetAuditTexts } from './audit.js';
import { codedAssessment, codedHandoverSummary } from './redaction.js';
import { forgetCenterWords } from '../center/forget.js';

type Tx = Prisma.TransactionClient;

/**
 * "Delete my data": removes everything the person wrote and answered — messages, intake answers,
 * counsellors' notes about them, pending and sent deliveries, the conversation state, the raw
 * inbound events — from all their conversations, the free text of the case's assessment and
 * handover summaries, and the reasons and notes staff wrote into the case's audited actions. The case rows stay, marked (`summary.dataDeletedAt`, shown in the console),
 * so staff see that the person asked for deletion and counts for statistics survive. The
 * contact keeps its channel id: the person may go on talking, and consents stay as the record of
 * what they agreed to.
 */
export async function deleteContactData(tx: Tx, contactId: string, now: Date, actor: 'user' | 'staff' = 'user') {
  const contact = await tx.contact.findUniqueOrThrow({ where: { id: contactId } });
  // The raw events hold the same words: keep the rows (idempotency), drop what they said.
  if (contact.channelUserIdHash) {
    await tx.inboundEvent.updateMany({
      where: { sourceKey: sourceKeyFor(contact.channel, contact.channelUserIdHash), processedAt: { not: null } },
      data: { payload: { deleted: true } },
    });
  }
  const conversations = await tx.conversation.findMany({ where: { contactId }, select: { id: true } });
  const conversationIds = conversations.map((c) => c.id);
  const cases = await tx.case.findMany({ where: { conversationId: { in: conversationIds } }, select: { id: true, assessment: true } });
  const caseIds = cases.map((c) => c.id);
  const marker = { dataDeletedAt: now.toISOString() };
  const removed = {
    messages: (await tx.message.deleteMany({ where: { conversationId: { in: conversationIds } } })).count,
    answers: (await tx.intakeAnswer.deleteMany({ where: { caseId: { in: caseIds } } })).count,
    notes: (await tx.note.deleteMany({ where: { caseId: { in: caseIds } } })).count,
    deliveries: (await tx.outboundDelivery.deleteMany({ where: { conversationId: { in: conversationIds } } })).count,
    ...(await forgetCenterWords(tx, caseIds)),
  };
  await tx.conversation.updateMany({ where: { id: { in: conversationIds } }, data: { state: Prisma.DbNull } });
  for (const kase of cases) {
    await tx.case.update({
      where: { id: kase.id },
      data: { summary: marker, assessment: (codedAssessment(kase.assessment) ?? Prisma.DbNull) as Prisma.InputJsonValue },
    });
  }
  // What staff wrote about them from calls and visits, and the phone numbers found in their words.
  const deskContacts = (await tx.deskContact.updateMany({ where: { caseId: { in: caseIds }, summary: { not: null } }, data: { summary: null } })).count;
  await tx.phoneLookup.deleteMany({ where: { contactId } });
  // An unclaimed case with nothing left to read must not hold the top of the queue (an emergency
  // would stay first for ever): it is closed, and its history says why. If they write again, a
  // new case opens (and they are not greeted as returning: they asked to be forgotten).
  // A case someone holds stays with them (marked, nobody waiting any more); a handed-over case stays
  // with its center.
  await tx.case.updateMany({ where: { id: { in: caseIds }, assigneeId: { not: null } }, data: { waitingSince: null } });
  const open = await tx.case.findMany({ where: { id: { in: caseIds }, assigneeId: null, status: { in: ['INTAKE', 'QUEUED', 'WAITING_USER', 'INFO_GIVEN'] } }, select: { id: true } });
  if (open.length > 0) {
    await tx.case.updateMany({ where: { id: { in: open.map((c) => c.id) } }, data: { status: 'CLOSED', closedAt: now, waitingSince: null, followUpAt: null } });
    await tx.reminder.updateMany({ where: { caseId: { in: open.map((c) => c.id) }, firedAt: null, cancelledAt: null }, data: { cancelledAt: now } });
    await tx.auditEvent.createMany({ data: open.map((c) => ({ actorType: 'system', action: 'case.closed_after_deletion', caseId: c.id, at: now })) });
  }
  const handovers = await tx.handover.findMany({ where: { caseId: { in: caseIds } }, select: { id: true, summary: true } });
  for (const handover of handovers) {
    await tx.handover.update({
      where: { id: handover.id },
      data: { summary: codedHandoverSummary(handover.summary, marker) as Prisma.InputJsonValue, overrideReason: null, acknowledgedNote: null },
    });
  }
  // Reasons and notes staff wrote into audited actions on these cases (the events stay).
  await forgetAuditTexts(tx, caseIds);
  await tx.auditEvent.createMany({
    data: caseIds.map((caseId) => ({ actorType: actor, action: 'user.data_deleted', caseId, at: now, detail: { ...removed, deskContacts } })),
  });
  return { caseIds, conversationIds };
}
