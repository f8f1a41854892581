import { z } from 'zod';
import type { Db, Handover, Prisma } from '../db/client.js';
import { canViewCase, canWorkCase, type Actor } from './actor.js';
import { recordAudit, staffNames } from './audit.js';
import { loadCenters } from './centers.js';
import { reminderRules } from '../reminders/reminders.js';
import { announceNotifications, publishAll, scheduleReminders, type CaseDeps } from './deps.js';
import { announceHandoverToCenter, beginCenterCase, handoverUrgency } from '../center/receiving.js';
import { CaseError, caseNotFound } from './errors.js';
import { loadAnswerLabels } from './intake-labels.js';
import { answerRowLabel, consentWording, signalWords } from './plain-words.js';

/** The consent the intake asks for (flows/closing.yaml, step handover_consent). */
export const HANDOVER_CONSENT_KIND = 'handover_ward_center';

export const handoverInputSchema = z
  .object({
    centerCode: z.string().min(1).max(64),
    /** The desk's message to the center: what was heard, what the person wishes, what is urgent. */
    note: z.string().trim().min(1).max(4000),
    /** `consent`: the person agreed. `emergency_override`: a life or safety is at risk (abuse and the like). */
    basis: z.enum(['consent', 'emergency_override']),
    overrideReason: z.string().trim().max(1000).optional(),
  })
  .strict();
export type HandoverInput = z.infer<typeof handoverInputSchema>;

type Reader = Pick<Prisma.TransactionClient, 'consent'>;

/** The person's latest word on the handover: the newest consent row of that kind decides. */
export async function currentHandoverConsent(db: Reader, contactId: string) {
  return db.consent.findFirst({
    where: { contactId, kind: HANDOVER_CONSENT_KIND },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}

/**
 * つなぎ: hands the case to a ward Health and Welfare Center. Runs on the person's consent;
 * without it only an emergency override with a written reason (the law allows passing data to
 * protect a life). The summary is a snapshot of what the center receives, frozen at handover.
 */
export async function handOverCase(deps: CaseDeps, actor: Actor, caseId: string, input: HandoverInput) {
  const now = deps.now();
  const center = loadCenters().find(input.centerCode);
  if (!center) throw new CaseError('invalid', 'つなぎ先のセンターを一覧から選んでください。');
  if (input.basis === 'emergency_override' && !input.overrideReason) {
    throw new CaseError('reason_required', '同意なしでつなぐときは、緊急と判断した理由を書いてください。');
  }
  const labels = await loadAnswerLabels();
  const handover = await deps.db.$transaction(async (tx) => {
    const kase = await tx.case.findUnique({
      where: { id: caseId },
      include: { conversation: true, answers: { orderBy: { createdAt: 'asc' } } },
    });
    if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
    if (kase.status === 'CLOSED' || kase.status === 'INTAKE') throw new CaseError('not_claimable', 'この相談はつなげる状態ではありません。');
    if (!kase.assigneeId) throw new CaseError('claim_first', 'つなぐ前に、この相談を担当してください。');
    const pending = await tx.handover.findFirst({ where: { caseId, acknowledgedAt: null } });
    if (pending) throw new CaseError('handover_pending', 'センターがまだ受け止めていないつなぎがあります。受け止めを待ってください。');
    const received = await tx.handover.findFirst({ where: { caseId, acknowledgedAt: { not: null } }, select: { centerCode: true } });
    if (received) {
      const name = loadCenters().find(received.centerCode)?.name ?? '保健福祉センター';
      throw new CaseError('already_handed_over', `この相談は${name}がすでに受け止めています。もう一度つなぐことはできません。センターと直接やりとりしてください。`);
    }

    const consent = await currentHandoverConsent(tx, kase.conversation.contactId);
    if (input.basis === 'consent' && !consent?.granted) {
      throw new CaseError('consent_required', 'センターへのつなぎには、ご本人（相談者）の同意が必要です。同意が記録されていません。');
    }
    const markers = (kase.markers ?? {}) as Record<string, unknown>;
    const summary = {
      version: 1,
      center: { code: center.code, name: center.name },
      caseRef: String(kase.number),
      channel: kase.channel,
      consulterType: kase.consulterType,
      language: kase.language,
      urgency: kase.urgency,
      stage: kase.stage,
      signals: Array.isArray(markers.signals) ? markers.signals : [],
      signalLabels: signalWords(Array.isArray(markers.signals) ? markers.signals : [], labels),
      quality: markers.quality ?? null,
      assessment: kase.assessment ?? null,
      deskNote: input.note,
      intake: kase.answers
        .filter((a) => a.value !== null || a.freeText)
        .map((a) => ({
          key: a.key,
          // The words the person saw (the question), or what kind of note it is: never the key.
          label: answerRowLabel(labels, a.key),
          value: a.value,
          valueLabel: labels.valueLabel(a.key, a.value),
          freeText: a.freeText,
        })),
      basis: input.basis,
      consent: consent
        ? { granted: consent.granted, at: consent.createdAt.toISOString(), wordingVersion: consent.wordingVersion, wording: await consentWording(tx, consent, kase.language) }
        : null,
      overrideReason: input.basis === 'emergency_override' ? (input.overrideReason ?? null) : null,
      handedOverBy: { id: actor.id, name: actor.name },
      handedOverAt: now.toISOString(),
      firstContactAt: kase.createdAt.toISOString(),
    };
    const created = await tx.handover.create({
      data: {
        caseId,
        centerCode: center.code,
        createdById: actor.id,
        basis: input.basis,
        overrideReason: summary.overrideReason,
        summary: summary as Prisma.InputJsonValue,
        createdAt: now,
      },
    });
    await tx.case.update({ where: { id: caseId }, data: { status: 'HANDED_OVER', waitingSince: null } });
    await reminderRules.cancel(tx, caseId, ['UNCLAIMED', 'AWAITING_STAFF_REPLY'], now);
    // Until the center acknowledges, a reminder waits (data/reminders.yaml handoverUnacknowledged),
    // addressed to that center; an emergency within the hour.
    const urgency = handoverUrgency(kase.urgency, input.basis);
    const reminder = await reminderRules.handedOver(tx, deps.reminderPolicy, { id: kase.id, urgency }, created.id, now, center.code);
    const notificationId = await announceHandoverToCenter(tx, { caseId, centerCode: center.code, urgency });
    await recordAudit(tx, actor, 'case.handed_over', caseId, {
      handoverId: created.id,
      centerCode: center.code,
      basis: input.basis,
      ...(consent ? { consentId: consent.id } : {}),
      ...(input.basis === 'emergency_override' ? { overrideReason: input.overrideReason ?? '' } : {}),
    }, now);
    return { created, reminder, notificationId };
  });
  await scheduleReminders(deps, [handover.reminder]);
  await publishAll(deps, [
    [{ kind: 'staff' }, { type: 'case', caseId, change: 'handed_over' }],
    [{ kind: 'staff' }, { type: 'handover', handoverId: handover.created.id, centerCode: center.code, change: 'created' }],
  ]);
  await announceNotifications(deps, [handover.notificationId]);
  return handover.created;
}

/**
 * 受け止め: the receiving center confirms it has taken the case on. Center staff acknowledge
 * for their own center; a supervisor may record an acknowledgement the center gave by phone,
 * naming who received it.
 */
export async function acknowledgeHandover(deps: CaseDeps, actor: Actor, handoverId: string, note: string | null) {
  const now = deps.now();
  const trimmed = note?.trim() || null;
  const handover = await deps.db.$transaction(async (tx) => {
    const found = await tx.handover.findUnique({ where: { id: handoverId } });
    if (!found || !canReceive(actor, found)) throw new CaseError('not_found', 'このつなぎは見つからないか、受け止める権限がありません。');
    if (actor.role === 'SUPERVISOR' && !trimmed) {
      throw new CaseError('reason_required', 'センターに代わって記録するときは、センターの受け手（氏名など）を書いてください。');
    }
    const updated = await tx.handover.updateMany({
      where: { id: handoverId, acknowledgedAt: null },
      data: { acknowledgedAt: now, acknowledgedById: actor.id, acknowledgedNote: trimmed },
    });
    if (updated.count === 0) throw new CaseError('already_acknowledged', 'このつなぎはすでに受け止められています。');
    await tx.reminder.updateMany({ where: { handoverId, kind: 'HANDOVER_UNACKNOWLEDGED', cancelledAt: null, escalatedAt: null }, data: { cancelledAt: now } });
    await recordAudit(tx, actor, 'handover.acknowledged', found.caseId, {
      handoverId,
      centerCode: found.centerCode,
      onBehalf: actor.role !== 'CENTER',
    }, now);
    const begun = await beginCenterCase(tx, deps.reminderPolicy, actor, found, now);
    return { ...found, ...begun };
  });
  await scheduleReminders(deps, handover.reminders);
  await publishAll(deps, [
    [{ kind: 'staff' }, { type: 'case', caseId: handover.caseId, change: 'handover_acknowledged' }],
    [{ kind: 'staff' }, { type: 'handover', handoverId, centerCode: handover.centerCode, change: 'acknowledged' }],
  ]);
  await announceNotifications(deps, handover.notificationIds);
}

/** Center staff of the receiving center, or a supervisor. */
function canReceive(actor: Actor, handover: Pick<Handover, 'centerCode'>): boolean {
  return actor.role === 'SUPERVISOR' || (actor.role === 'CENTER' && actor.centerCode === handover.centerCode);
}

export interface HandoverView {
  id: string;
  caseId: string;
  centerCode: string;
  centerName: string | null;
  basis: string;
  overrideReason: string | null;
  createdAt: string;
  createdById: string;
  createdByName: string | null;
  acknowledgedAt: string | null;
  acknowledgedById: string | null;
  acknowledgedByName: string | null;
  acknowledgedNote: string | null;
  summary?: unknown;
}

export async function toHandoverViews(db: Db, handovers: Handover[], withSummary: boolean): Promise<HandoverView[]> {
  const names = await staffNames(db, handovers.flatMap((h) => [h.createdById, h.acknowledgedById]));
  const centers = loadCenters();
  return handovers.map((h) => ({
    id: h.id,
    caseId: h.caseId,
    centerCode: h.centerCode,
    centerName: centers.find(h.centerCode)?.name ?? null,
    basis: h.basis,
    overrideReason: h.overrideReason,
    createdAt: h.createdAt.toISOString(),
    createdById: h.createdById,
    createdByName: names.get(h.createdById) ?? null,
    acknowledgedAt: h.acknowledgedAt?.toISOString() ?? null,
    acknowledgedById: h.acknowledgedById,
    acknowledgedByName: h.acknowledgedById ? (names.get(h.acknowledgedById) ?? null) : null,
    acknowledgedNote: h.acknowledgedNote,
    ...(withSummary ? { summary: h.summary } : {}),
  }));
}

/**
 * Handovers as each role sees them: center staff those sent to their center; supervisors all.
 * Unacknowledged ones first, oldest first: they are the ones someone must act on.
 */
export async function listHandovers(db: Db, actor: Actor, filter: { state: 'pending' | 'acknowledged' | 'all'; centerCode?: string; limit: number }) {
  if (actor.role !== 'SUPERVISOR' && actor.role !== 'CENTER') throw new CaseError('forbidden', 'つなぎの一覧を見る権限がありません。');
  const centerCode = actor.role === 'CENTER' ? (actor.centerCode ?? '\u0000') : filter.centerCode;
  const handovers = await db.handover.findMany({
    where: {
      ...(centerCode ? { centerCode } : {}),
      ...(filter.state === 'pending' ? { acknowledgedAt: null } : filter.state === 'acknowledged' ? { acknowledgedAt: { not: null } } : {}),
    },
    orderBy: [{ acknowledgedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'asc' }],
    take: filter.limit,
  });
  return toHandoverViews(db, handovers, false);
}

/** One handover with its summary. Reading it is audited; printing it is audited as an export. */
export async function getHandover(deps: CaseDeps, actor: Actor, handoverId: string, purpose: 'view' | 'print'): Promise<HandoverView> {
  const handover = await deps.db.handover.findUnique({ where: { id: handoverId }, include: { case: { select: { assigneeId: true, status: true } } } });
  const allowed =
    handover &&
    (canReceive(actor, handover) || (actor.role === 'COUNSELOR' && (handover.createdById === actor.id || canViewCase(actor, handover.case))));
  if (!handover || !allowed) throw new CaseError('not_found', 'このつなぎは見つからないか、表示する権限がありません。');
  await recordAudit(deps.db, actor, purpose === 'print' ? 'handover.printed' : 'handover.viewed', handover.caseId, { handoverId }, deps.now());
  const [view] = await toHandoverViews(deps.db, [handover], true);
  return view!;
}

/**
 * Records a consent the person gave in the conversation itself (a counsellor asked, the person
 * answered). The person's message is cited, so the record shows exactly what was agreed to.
 */
export async function recordConsentFromChat(
  deps: CaseDeps,
  actor: Actor,
  caseId: string,
  input: { granted: boolean; messageId: string },
) {
  const now = deps.now();
  return deps.db.$transaction(async (tx) => {
    const kase = await tx.case.findUnique({ where: { id: caseId }, include: { conversation: true } });
    if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
    const message = await tx.message.findFirst({
      where: { id: input.messageId, conversationId: kase.conversationId, author: 'USER', hiddenAt: null },
    });
    if (!message) throw new CaseError('invalid', '同意の根拠として、この会話のご本人（相談者）のメッセージを選んでください。');
    const consent = await tx.consent.create({
      data: {
        contactId: kase.conversation.contactId,
        caseId,
        kind: HANDOVER_CONSENT_KIND,
        granted: input.granted,
        wordingVersion: `chat:${message.id}`,
        channel: kase.channel,
        createdAt: now,
      },
    });
    await recordAudit(tx, actor, 'consent.recorded_from_chat', caseId, { consentId: consent.id, kind: HANDOVER_CONSENT_KIND, granted: input.granted, messageId: message.id }, now);
    return consent;
  });
}
