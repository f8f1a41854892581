import { z } from 'zod';
import type { Db } from '../db/client.js';
import { canWorkCase, type Actor } from '../cases/actor.js';
import { recordAudit, staffNames } from '../cases/audit.js';
import { loadCenters } from '../cases/centers.js';
import { publishAll, scheduleReminders, type CaseDeps } from '../cases/deps.js';
import { CaseError, caseNotFound } from '../cases/errors.js';
import { toHandoverViews } from '../cases/handover.js';
import { readCenterCase, writeCenterCase } from './access.js';
import { touchCenterCase } from './receiving.js';
import { CENTER_SHARE_CONSENT_KIND } from './vocabulary.js';

/**
 * The center's inbox: handovers still to receive (emergencies first, then the oldest), then the
 * cases it carries (the next review first), then the closed ones. Center staff see their own
 * center only; supervisors any center (`centerCode`) or all.
 */
export async function centerInbox(db: Db, actor: Actor, filter: { centerCode?: string; closed: boolean }) {
  if (actor.role !== 'CENTER' && actor.role !== 'SUPERVISOR') throw new CaseError('forbidden', 'センターの一覧を見る権限がありません。');
  const centerCode = actor.role === 'CENTER' ? actor.centerCode : filter.centerCode;
  if (actor.role === 'CENTER' && !centerCode) return { pending: [], cases: [] };
  const where = centerCode ? { centerCode } : {};
  const [pendingRows, centerCases] = await Promise.all([
    db.handover.findMany({ where: { ...where, acknowledgedAt: null }, include: { case: { select: { urgency: true } } }, orderBy: { createdAt: 'asc' }, take: 500 }),
    db.centerCase.findMany({
      where: { ...where, ...(filter.closed ? {} : { closedAt: null }) },
      include: {
        case: { select: { id: true, number: true, urgency: true, consulterType: true, stage: true, createdAt: true, meetings: { select: { heldOn: true, nextReviewOn: true }, orderBy: { createdAt: 'desc' }, take: 1 } } },
      },
      orderBy: [{ closedAt: { sort: 'desc', nulls: 'first' } }, { lastActivityAt: 'asc' }],
      take: 500,
    }),
  ]);
  const rank = { EMERGENCY: 0, HIGH: 1, NORMAL: 2 } as const;
  const pending = (await toHandoverViews(db, pendingRows, false))
    .map((view, i) => {
      const row = pendingRows[i]!;
      return { ...view, urgency: row.basis === 'emergency_override' ? ('EMERGENCY' as const) : row.case.urgency };
    })
    .sort((a, b) => rank[a.urgency] - rank[b.urgency] || a.createdAt.localeCompare(b.createdAt));
  const names = await staffNames(db, centerCases.map((c) => c.keyPersonId));
  const centers = loadCenters();
  const cases = centerCases.map((c) => ({
    caseId: c.caseId,
    caseRef: String(c.case.number),
    centerCode: c.centerCode,
    centerName: centers.find(c.centerCode)?.name ?? null,
    urgency: c.case.urgency,
    consulterType: c.case.consulterType,
    stage: c.case.stage,
    keyPersonId: c.keyPersonId,
    keyPersonName: c.keyPersonId ? (names.get(c.keyPersonId) ?? null) : null,
    acknowledgedAt: c.acknowledgedAt.toISOString(),
    lastActivityAt: c.lastActivityAt.toISOString(),
    lastMeetingOn: c.case.meetings[0]?.heldOn ?? null,
    nextReviewOn: c.case.meetings[0]?.nextReviewOn ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
    closeReason: c.closeReason,
  }));
  return { pending, cases };
}

/** One case's center side, as the center (or the desk) sees it. Reading it is audited. */
export async function centerCaseView(deps: CaseDeps, actor: Actor, caseId: string, purpose: 'view' | 'print' = 'view') {
  const db = deps.db;
  const { kase, centerCase, handover, side } = await readCenterCase(db, actor, caseId);
  const [meetings, goals, exchanges, referrals, consent] = await Promise.all([
    db.supportMeeting.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } }),
    db.supportGoal.findMany({ where: { caseId }, include: { reviews: { orderBy: { createdAt: 'asc' } } }, orderBy: { createdAt: 'asc' } }),
    db.caseExchange.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' }, take: 500 }),
    db.referral.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } }),
    currentShareConsent(db, caseId),
  ]);
  // What the person wrote after the handover reaches the center only with their consent to share it.
  const sharing = consent?.granted === true;
  const laterMessages = sharing
    ? await db.message.findMany({
        where: { conversationId: kase.conversationId, createdAt: { gt: handover.createdAt }, hiddenAt: null },
        orderBy: { createdAt: 'asc' },
        take: 500,
        select: { id: true, author: true, kind: true, text: true, createdAt: true },
      })
    : [];
  const names = await staffNames(db, [
    centerCase?.keyPersonId ?? null,
    centerCase?.closedById ?? null,
    ...exchanges.map((e) => e.authorId),
    ...meetings.map((m) => m.createdById),
    ...referrals.map((r) => r.byId),
    handover.createdById,
  ]);
  const [handoverView] = await toHandoverViews(db, [handover], true);
  await db.auditEvent.create({
    data: { actorType: 'staff', actorId: actor.id, action: purpose === 'print' ? 'center.case_printed' : 'center.case_viewed', caseId, detail: { side, sharedMessages: laterMessages.length }, at: deps.now() },
  });
  return {
    side,
    permissions: { write: side === 'center' && !!centerCase && !centerCase.closedAt, exchange: side === 'desk' || (side === 'center' && !centerCase?.closedAt) },
    case: { id: kase.id, ref: String(kase.number), status: kase.status, urgency: kase.urgency, consulterType: kase.consulterType, stage: kase.stage, createdAt: kase.createdAt.toISOString() },
    deskAssessment: kase.assessment ?? null,
    handover: handoverView!,
    center: centerCase
      ? {
          centerCode: centerCase.centerCode,
          centerName: loadCenters().find(centerCase.centerCode)?.name ?? null,
          keyPersonId: centerCase.keyPersonId,
          keyPersonName: centerCase.keyPersonId ? (names.get(centerCase.keyPersonId) ?? null) : null,
          acknowledgedAt: centerCase.acknowledgedAt.toISOString(),
          lastActivityAt: centerCase.lastActivityAt.toISOString(),
          closedAt: centerCase.closedAt?.toISOString() ?? null,
          closeReason: centerCase.closeReason,
          noContactMonths: centerCase.noContactMonths,
          closeNote: centerCase.closeNote,
          closedByName: centerCase.closedById ? (names.get(centerCase.closedById) ?? null) : null,
        }
      : null,
    meetings: meetings.map((m) => ({
      id: m.id,
      kind: m.kind,
      heldOn: m.heldOn,
      participants: m.participants,
      assessment: m.assessment,
      notes: m.notes,
      nextReviewOn: m.nextReviewOn,
      createdByName: names.get(m.createdById) ?? null,
      createdAt: m.createdAt.toISOString(),
    })),
    goals: goals.map((g) => ({
      id: g.id,
      meetingId: g.meetingId,
      track: g.track,
      ownerKind: g.ownerKind,
      ownerCode: g.ownerCode,
      title: g.title,
      nextStep: g.nextStep,
      progress: g.progress,
      reviews: g.reviews.map((r) => ({ id: r.id, meetingId: r.meetingId, progress: r.progress, note: r.note, nextStep: r.nextStep, createdAt: r.createdAt.toISOString() })),
    })),
    exchanges: exchanges.map((e) => ({ id: e.id, side: e.side, kind: e.kind, text: e.text, authorName: names.get(e.authorId) ?? null, createdAt: e.createdAt.toISOString() })),
    referrals: referrals.map((r) => ({ id: r.id, resourceId: r.resourceId, resourceKind: r.resourceKind, via: r.via, byName: r.byId ? (names.get(r.byId) ?? null) : null, createdAt: r.createdAt.toISOString() })),
    sharing: {
      consent: consent ? { granted: consent.granted, at: consent.createdAt.toISOString() } : null,
      messages: laterMessages.map((m) => ({ id: m.id, author: m.author, kind: m.kind, text: m.text, createdAt: m.createdAt.toISOString() })),
    },
  };
}

/** The person's latest word on sharing their later messages with the center (newest record decides). */
export async function currentShareConsent(db: Db, caseId: string) {
  const kase = await db.case.findUnique({ where: { id: caseId }, select: { conversation: { select: { contactId: true } } } });
  if (!kase) return null;
  return db.consent.findFirst({ where: { contactId: kase.conversation.contactId, kind: CENTER_SHARE_CONSENT_KIND }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

export const keyPersonInputSchema = z.object({ staffId: z.uuid() }).strict();

/** キーマン: a staff member of the receiving center carries the case; the center names them. */
export async function setKeyPerson(deps: CaseDeps, actor: Actor, caseId: string, staffId: string) {
  const now = deps.now();
  const result = await deps.db.$transaction(async (tx) => {
    const { centerCase } = await writeCenterCase(tx, actor, caseId);
    const person = await tx.staffUser.findUnique({ where: { id: staffId } });
    if (!person || person.role !== 'CENTER' || person.centerCode !== centerCase.centerCode || person.disabledAt) {
      throw new CaseError('invalid', 'キーマンは、このセンターの職員から選んでください。');
    }
    const updated = await tx.centerCase.update({ where: { caseId }, data: { keyPersonId: staffId } });
    await recordAudit(tx, actor, 'center.key_person_set', caseId, { staffId }, now);
    const reminder = await touchCenterCase(tx, deps.reminderPolicy, updated, now);
    return { reminder, centerCode: centerCase.centerCode };
  });
  await scheduleReminders(deps, [result.reminder]);
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'center-case', caseId, centerCode: result.centerCode, change: 'key_person' }]]);
}

/** The staff of a center (for naming the キーマン). */
export async function centerStaffList(db: Db, actor: Actor) {
  if (actor.role !== 'CENTER' || !actor.centerCode) throw new CaseError('forbidden', 'センターの職員だけが見られます。');
  const staff = await db.staffUser.findMany({ where: { role: 'CENTER', centerCode: actor.centerCode, disabledAt: null }, orderBy: { name: 'asc' }, select: { id: true, name: true, centerLead: true } });
  return staff;
}

export const shareConsentInputSchema = z.object({ granted: z.boolean(), messageId: z.uuid() }).strict();

/**
 * The person's word on whether the center may read what they write after the handover, given
 * in the chat: the counsellor records it citing the person's message (as for the handover
 * consent), so the record shows exactly what was agreed to. The newest record decides.
 */
export async function recordShareConsent(deps: CaseDeps, actor: Actor, caseId: string, input: { granted: boolean; messageId: string }) {
  const now = deps.now();
  return deps.db.$transaction(async (tx) => {
    const kase = await tx.case.findUnique({ where: { id: caseId }, include: { conversation: true } });
    if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
    const message = await tx.message.findFirst({ where: { id: input.messageId, conversationId: kase.conversationId, author: 'USER', hiddenAt: null } });
    if (!message) throw new CaseError('invalid', '同意の根拠として、この会話のご本人（相談者）のメッセージを選んでください。');
    const consent = await tx.consent.create({
      data: { contactId: kase.conversation.contactId, caseId, kind: CENTER_SHARE_CONSENT_KIND, granted: input.granted, wordingVersion: `chat:${message.id}`, channel: kase.channel, createdAt: now },
    });
    await recordAudit(tx, actor, 'consent.recorded_from_chat', caseId, { consentId: consent.id, kind: CENTER_SHARE_CONSENT_KIND, granted: input.granted, messageId: message.id }, now);
    return consent;
  });
}
