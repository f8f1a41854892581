import { canViewCase, canWorkCase, type Actor } from './actor.js';
import { listAudit, recordAudit, staffNames } from './audit.js';
import type { CaseDeps } from './deps.js';
import { caseNotFound } from './errors.js';
import { currentHandoverConsent, toHandoverViews } from './handover.js';
import { loadAnswerLabels } from './intake-labels.js';
import { answerRowLabel, consentWording } from './plain-words.js';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Actions in a case's history that colleagues see in the case view (views are left out). */
const HISTORY_ACTIONS = new Set([
  'case.queued',
  'case.alert',
  'case.claimed',
  'case.released',
  'case.transferred',
  'case.status_changed',
  'case.assessed',
  'case.assessment_override',
  'case.handed_over',
  'handover.acknowledged',
  'consent.recorded_from_chat',
  'contact.blocked',
  'delivery.failed',
  'user.data_deleted',
  'case.anonymised',
  // ── people ──
  'case.reopened',
  'case.continued',
  'case.link_added',
  'case.link_removed',
  'desk_contact.recorded',
  'case.closed_after_deletion',
]);

/**
 * Everything staff need to work a case, in one read: the conversation (messages the person
 * unsent are left out), intake answers, summary, markers, assessment, notes, handovers,
 * consents and history. Every call is written to the audit log as a view.
 */
export async function loadCaseView(deps: CaseDeps, actor: Actor, caseId: string) {
  const { db } = deps;
  const kase = await db.case.findUnique({
    where: { id: caseId },
    include: {
      assignee: { select: { id: true, name: true } },
      conversation: {
        include: {
          contact: { select: { id: true, channel: true, blockedAt: true, language: true, createdAt: true } },
          messages: { where: { hiddenAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: 2000 },
        },
      },
      answers: { orderBy: { createdAt: 'asc' } },
      notes: { orderBy: { createdAt: 'asc' }, include: { author: { select: { name: true } } } },
      handovers: { orderBy: { createdAt: 'asc' } },
    },
  });
  if (!kase || !canViewCase(actor, kase)) throw caseNotFound();
  await recordAudit(db, actor, 'case.viewed', caseId, undefined, deps.now());

  const contactId = kase.conversation.contactId;
  const [consents, handoverConsent, failedDeliveries, history, labels] = await Promise.all([
    db.consent.findMany({ where: { contactId }, orderBy: { createdAt: 'asc' } }),
    currentHandoverConsent(db, contactId),
    db.outboundDelivery.count({ where: { conversationId: kase.conversationId, status: 'FAILED' } }),
    listAudit(db, { caseId, limit: 500 }),
    loadAnswerLabels(),
  ]);
  const staffIds = kase.conversation.messages.map((m) => m.staffId);
  const names = await staffNames(db, staffIds);
  const summary = (kase.summary ?? null) as { dataDeletedAt?: string } | null;

  return {
    case: {
      id: kase.id,
      number: kase.number,
      status: kase.status,
      urgency: kase.urgency,
      channel: kase.channel,
      consulterType: kase.consulterType,
      language: kase.language,
      stage: kase.stage,
      markers: kase.markers ?? null,
      summary: kase.summary ?? null,
      assessment: kase.assessment ?? null,
      assessedAt: iso(kase.assessedAt),
      assigneeId: kase.assigneeId,
      assigneeName: kase.assignee?.name ?? null,
      waitingSince: iso(kase.waitingSince),
      queuedAt: iso(kase.queuedAt),
      claimedAt: iso(kase.claimedAt),
      firstStaffReplyAt: iso(kase.firstStaffReplyAt),
      lastUserMessageAt: iso(kase.lastUserMessageAt),
      lastStaffMessageAt: iso(kase.lastStaffMessageAt),
      followUpAt: iso(kase.followUpAt),
      closedAt: iso(kase.closedAt),
      createdAt: kase.createdAt.toISOString(),
      dataDeletedAt: summary?.dataDeletedAt ?? null,
      /** The retention job removed the words (RETENTION_DAYS after closing); coded fields remain. */
      anonymisedAt: iso(kase.anonymisedAt),
    },
    contact: {
      /** The person (GET /people/:id): every case of theirs, one timeline. */
      id: kase.conversation.contact.id,
      channel: kase.conversation.contact.channel,
      blocked: kase.conversation.contact.blockedAt !== null,
      firstContactAt: kase.conversation.contact.createdAt.toISOString(),
    },
    permissions: { work: canWorkCase(actor, kase), claim: kase.assigneeId === null && kase.status !== 'INTAKE' && kase.status !== 'CLOSED' },
    messages: kase.conversation.messages.map((m) => {
      const payload = (m.payload ?? null) as { type?: string; choices?: { label: string }[] } | null;
      return {
        id: m.id,
        author: m.author.toLowerCase() as 'user' | 'bot' | 'staff',
        kind: m.kind,
        text: m.text,
        choices: m.author === 'BOT' && payload?.type === 'choices' && Array.isArray(payload.choices) ? payload.choices.map((c) => c.label) : [],
        staffName: m.staffId ? (names.get(m.staffId) ?? null) : null,
        createdAt: m.createdAt.toISOString(),
      };
    }),
    answers: kase.answers.map((a) => ({
      flowId: a.flowId,
      stepId: a.stepId,
      key: a.key,
      label: answerRowLabel(labels, a.key),
      value: a.value,
      valueLabel: labels.valueLabel(a.key, a.value),
      freeText: a.freeText,
      createdAt: a.createdAt.toISOString(),
    })),
    notes: kase.notes.map((n) => ({ id: n.id, authorId: n.authorId, authorName: n.author.name, text: n.text, createdAt: n.createdAt.toISOString() })),
    handovers: await toHandoverViews(db, kase.handovers, false),
    // `wording`: what the person saw or wrote when agreeing, never the version code.
    consents: await Promise.all(
      consents.map(async (c) => ({ kind: c.kind, granted: c.granted, wordingVersion: c.wordingVersion, wording: await consentWording(db, c, kase.language), channel: c.channel, createdAt: c.createdAt.toISOString() })),
    ),
    handoverConsent: handoverConsent ? { granted: handoverConsent.granted, createdAt: handoverConsent.createdAt.toISOString() } : null,
    failedDeliveries,
    history: history
      .filter((e) => HISTORY_ACTIONS.has(e.action))
      .reverse()
      .map((e) => ({ at: e.at, action: e.action, actorName: e.actorName, actorType: e.actorType, detail: e.detail, text: e.actionText })),
  };
}

export type CaseView = Awaited<ReturnType<typeof loadCaseView>>;
