import { Prisma, type Db } from '../db/client.js';
import type { Logger } from '../platform/logger.js';
import { sourceKeyFor } from '../pipeline/inbox.js';
import { forgetAuditTexts } from './audit.js';
import { codedAssessment, codedCaseSummary, codedHandoverSummary } from './redaction.js';
import { forgetCenterWords } from '../center/forget.js';

type Tx = Prisma.TransactionClient;

// Retention (個人情報保護法: hold only what is needed, no longer than needed). RETENTION_DAYS after a
// case was closed, what the person wrote and what was written about them goes: messages, the free
// text of intake answers, counsellors' notes, the summary's and assessment's free text, handover
// notes, raw inbound events, deliveries, the center's messages, meeting and plan texts — and, once none of the person's conversations is live,
// the contact's channel id. The coded, countable fields stay (status, urgency, who is writing,
// channel, stage, coded answers such as the age band, markers, consents, timestamps), so the
// city's statistics survive. Runs daily (jobs/worker.ts); each run and each case is audited.

export interface RetentionCounts {
  cases: number;
  messages: number;
  answersCleared: number;
  notes: number;
  handovers: number;
  deliveries: number;
  inboundEvents: number;
  contacts: number;
}

export interface RetentionResult extends RetentionCounts {
  retentionDays: number;
  cutoff: string;
}

const emptyCounts = (): RetentionCounts => ({ cases: 0, messages: 0, answersCleared: 0, notes: 0, handovers: 0, deliveries: 0, inboundEvents: 0, contacts: 0 });

/**
 * Anonymises every case closed before `now - retentionDays` (in batches, one transaction each:
 * an interrupted run leaves whole cases done and the next run picks up the rest).
 */
export async function applyRetention(
  deps: { db: Db; logger?: Logger },
  options: { retentionDays: number; now?: Date; batchSize?: number },
): Promise<RetentionResult> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * 24 * 60 * 60_000);
  const total = emptyCounts();
  for (;;) {
    const batch = await deps.db.$transaction(
      async (tx) => {
        const cases = await tx.case.findMany({
          where: { status: 'CLOSED', closedAt: { lt: cutoff }, anonymisedAt: null },
          orderBy: [{ closedAt: 'asc' }, { id: 'asc' }],
          take: options.batchSize ?? 100,
          include: { conversation: { select: { id: true, contactId: true } } },
        });
        const counts = emptyCounts();
        for (const kase of cases) add(counts, await anonymiseCase(tx, kase, now));
        const contactIds = [...new Set(cases.map((c) => c.conversation.contactId))];
        for (const contactId of contactIds) {
          const lastClosed = cases.filter((c) => c.conversation.contactId === contactId).reduce((t, c) => Math.max(t, c.closedAt!.getTime()), 0);
          add(counts, await forgetContactUpTo(tx, contactId, new Date(lastClosed), cutoff));
        }
        return counts;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    add(total, batch);
    if (batch.cases === 0) break;
  }
  const result: RetentionResult = { retentionDays: options.retentionDays, cutoff: cutoff.toISOString(), ...total };
  await deps.db.auditEvent.create({ data: { actorType: 'system', action: 'retention.run', detail: { ...result }, at: now } });
  deps.logger?.info({ ...result }, 'retention run finished');
  return result;
}

function add(into: RetentionCounts, from: Partial<RetentionCounts>) {
  for (const [key, value] of Object.entries(from) as [keyof RetentionCounts, number][]) into[key] += value;
}

async function anonymiseCase(
  tx: Tx,
  kase: { id: string; summary: Prisma.JsonValue | null; assessment: Prisma.JsonValue | null; conversation: { id: string } },
  now: Date,
): Promise<Partial<RetentionCounts>> {
  const marker = { anonymisedAt: now.toISOString() };
  const conversationId = kase.conversation.id;
  const counts: Partial<RetentionCounts> = {
    cases: 1,
    messages: (await tx.message.deleteMany({ where: { conversationId } })).count,
    answersCleared: (await tx.intakeAnswer.updateMany({ where: { caseId: kase.id, freeText: { not: null } }, data: { freeText: null } })).count,
    notes: (await tx.note.deleteMany({ where: { caseId: kase.id } })).count,
    deliveries: (await tx.outboundDelivery.deleteMany({ where: { conversationId } })).count,
  };
  const center = await forgetCenterWords(tx, [kase.id]);
  await tx.conversation.update({ where: { id: conversationId }, data: { state: Prisma.DbNull } });
  // What staff wrote of calls and visits goes with the words; the call itself (mode, time, length) is counted on.
  await tx.deskContact.updateMany({ where: { caseId: kase.id, summary: { not: null } }, data: { summary: null } });
  await tx.case.update({
    where: { id: kase.id },
    data: {
      summary: codedCaseSummary(kase.summary, marker) as Prisma.InputJsonValue,
      assessment: (codedAssessment(kase.assessment) ?? Prisma.DbNull) as Prisma.InputJsonValue,
      anonymisedAt: now,
    },
  });
  const handovers = await tx.handover.findMany({ where: { caseId: kase.id }, select: { id: true, summary: true } });
  for (const handover of handovers) {
    await tx.handover.update({
      where: { id: handover.id },
      data: { summary: codedHandoverSummary(handover.summary, marker) as Prisma.InputJsonValue, overrideReason: null, acknowledgedNote: null },
    });
  }
  counts.handovers = handovers.length;
  await forgetAuditTexts(tx, [kase.id]);
  await tx.auditEvent.create({ data: { actorType: 'system', action: 'case.anonymised', caseId: kase.id, at: now, detail: { reason: 'retention', ...counts, center } } });
  return counts;
}

/**
 * The raw events of a person up to their last anonymised case go. Once none of their
 * conversations is live (a case not anonymised, or a recent conversation without a case), the
 * channel id and web session go too: a returning person starts afresh, as a new contact.
 */
async function forgetContactUpTo(tx: Tx, contactId: string, closedAt: Date, cutoff: Date): Promise<Partial<RetentionCounts>> {
  const contact = await tx.contact.findUniqueOrThrow({ where: { id: contactId }, select: { channel: true, channelUserIdHash: true } });
  const live = await tx.conversation.count({
    where: {
      contactId,
      OR: [{ case: { anonymisedAt: null } }, { case: null, updatedAt: { gte: cutoff } }],
    },
  });
  let inboundEvents = 0;
  if (contact.channelUserIdHash) {
    inboundEvents = (
      await tx.inboundEvent.deleteMany({
        where: {
          sourceKey: sourceKeyFor(contact.channel, contact.channelUserIdHash),
          processedAt: { not: null },
          ...(live > 0 ? { receivedAt: { lte: closedAt } } : {}),
        },
      })
    ).count;
  }
  if (live > 0) return { inboundEvents };
  // Conversations that never became a case (a start with no answer) hold words too.
  const caseless = await tx.conversation.findMany({ where: { contactId, case: null }, select: { id: true } });
  const ids = caseless.map((c) => c.id);
  const messages = (await tx.message.deleteMany({ where: { conversationId: { in: ids } } })).count;
  const deliveries = (await tx.outboundDelivery.deleteMany({ where: { conversationId: { in: ids } } })).count;
  await tx.conversation.updateMany({ where: { id: { in: ids } }, data: { state: Prisma.DbNull } });
  await tx.contact.update({ where: { id: contactId }, data: { channelUserId: null, webTokenHash: null } });
  await tx.phoneLookup.deleteMany({ where: { contactId } });
  return { inboundEvents, messages, deliveries, contacts: 1 };
}
