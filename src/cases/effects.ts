import type { Prisma } from '../db/client.js';
import type { Channel, Urgency } from '../db/client.js';
import type { ConsulterType, DangerKind, DomainEffect, Language } from '../conversation/types.js';
import { deleteContactData } from './data-deletion.js';
import { deriveQualityMarkers, deriveSupportStage } from './quality-markers.js';
import { createNotification } from '../notifications/notifications.js';
import type { ReminderPolicy } from '../reminders/policy.js';
import { reminderRules } from '../reminders/reminders.js';
import { loadResources } from '../resources/catalog.js';
import { startPaging, type OnCall } from '../oncall/paging.js';

type Tx = Prisma.TransactionClient;

const consulterTypes: Record<ConsulterType, 'SELF' | 'FAMILY' | 'AGENCY' | 'NEIGHBOUR' | 'UNSURE'> = {
  self: 'SELF',
  family: 'FAMILY',
  agency: 'AGENCY',
  neighbour: 'NEIGHBOUR',
  unsure: 'UNSURE',
};

/** At most one emergency notification per case in this window. */
export const EMERGENCY_ALERT_PACE_MS = 10 * 60_000;

const urgencyRank: Record<Urgency, number> = { EMERGENCY: 0, HIGH: 1, NORMAL: 2 };

export function higherUrgency(a: Urgency, b: Urgency): Urgency {
  return urgencyRank[a] <= urgencyRank[b] ? a : b;
}

export interface EffectContext {
  conversationId: string;
  contactId: string;
  channel: Channel;
  language: Language;
  now: Date;
  reminderPolicy: ReminderPolicy;
  /** The on-call rota: an emergency outside desk hours pages the person on call. */
  oncall?: OnCall | undefined;
}

export interface EffectOutcome {
  caseId: string | null;
  /** Something staff should see changed (queue entry, urgency, data deleted). */
  staffVisibleChange: string | null;
  dataDeleted: boolean;
  /** To schedule after commit. */
  reminders: { id: string; dueAt: Date }[];
  /** To announce after commit. */
  notifications: string[];
  /** On-call pages to send after commit. */
  pages: string[];
}

async function ensureCase(tx: Tx, ctx: EffectContext) {
  const existing = await tx.case.findUnique({ where: { conversationId: ctx.conversationId } });
  if (existing) return existing;
  return tx.case.create({
    data: { conversationId: ctx.conversationId, channel: ctx.channel, language: ctx.language, lastUserMessageAt: ctx.now },
  });
}

function audit(tx: Tx, caseId: string | null, action: string, detail: Prisma.InputJsonValue | undefined, at: Date) {
  return tx.auditEvent.create({ data: { actorType: 'system', action, caseId, detail, at } });
}

/** The case columns an intake effect sets (openCase, updateCase); nothing for other effects. */
export function casePatchOf(effect: DomainEffect): { language?: Language; consulterType?: (typeof consulterTypes)[ConsulterType]; stage?: string } {
  switch (effect.type) {
    case 'openCase':
      return { language: effect.language, ...(effect.consulterType ? { consulterType: consulterTypes[effect.consulterType] } : {}) };
    case 'updateCase':
      return {
        ...(effect.patch.consulterType ? { consulterType: consulterTypes[effect.patch.consulterType] } : {}),
        ...(effect.patch.language ? { language: effect.patch.language } : {}),
        ...(effect.patch.stage ? { stage: effect.patch.stage } : {}),
      };
    default:
      return {};
  }
}

/** The intake answer a recordAnswer effect stores. */
export function intakeAnswerOf(effect: Extract<DomainEffect, { type: 'recordAnswer' }>) {
  return { flowId: effect.flowId, stepId: effect.stepId, key: effect.key, value: effect.value, freeText: effect.freeText };
}

/** The funnel row a stepEvent effect stores (coded: no text). */
export function stepEventOf(effect: Extract<DomainEffect, { type: 'stepEvent' }>) {
  return { flowId: effect.flowId, stepId: effect.stepId, event: effect.event };
}

/**
 * Executes the conversation core's effects inside the caller's transaction. The core decides;
 * this only writes down what it decided.
 */
export async function applyEffects(tx: Tx, ctx: EffectContext, effects: DomainEffect[]): Promise<EffectOutcome> {
  const outcome: EffectOutcome = { caseId: null, staffVisibleChange: null, dataDeleted: false, reminders: [], notifications: [], pages: [] };
  for (const effect of effects) {
    switch (effect.type) {
      case 'openCase':
      case 'updateCase': {
        const kase = await ensureCase(tx, ctx);
        await tx.case.update({ where: { id: kase.id }, data: casePatchOf(effect) });
        outcome.caseId = kase.id;
        break;
      }
      case 'recordAnswer': {
        const kase = await ensureCase(tx, ctx);
        await tx.intakeAnswer.create({ data: { caseId: kase.id, ...intakeAnswerOf(effect), createdAt: ctx.now } });
        outcome.caseId = kase.id;
        break;
      }
      case 'queueForStaff': {
        const kase = await ensureCase(tx, ctx);
        const entersQueue = kase.status === 'INTAKE' || kase.status === 'CLOSED';
        const previous = (kase.markers ?? {}) as { signals?: string[] };
        const quality = deriveQualityMarkers(effect.summary.answers, effect.summary.consulterType, previous.signals ?? []);
        await tx.case.update({
          where: { id: kase.id },
          data: {
            summary: effect.summary as unknown as Prisma.InputJsonValue,
            // Derived markers and stage never overwrite a counsellor's assessment.
            ...(kase.assessedAt ? {} : { markers: { ...previous, quality } as unknown as Prisma.InputJsonValue, stage: deriveSupportStage(quality) }),
            ...(effect.summary.consulterType ? { consulterType: consulterTypes[effect.summary.consulterType] } : {}),
            ...(entersQueue ? { status: 'QUEUED', queuedAt: kase.queuedAt ?? ctx.now } : {}),
            waitingSince: kase.waitingSince ?? ctx.now,
          },
        });
        await audit(tx, kase.id, 'case.queued', { queuedBecause: effect.reason }, ctx.now);
        if (entersQueue && !kase.assigneeId) {
          outcome.reminders.push(await reminderRules.caseQueued(tx, ctx.reminderPolicy, kase, ctx.now));
        }
        outcome.caseId = kase.id;
        outcome.staffVisibleChange = 'queued';
        break;
      }
      case 'raiseAlert': {
        const kase = await ensureCase(tx, ctx);
        const urgency: Urgency = effect.urgency === 'emergency' ? 'EMERGENCY' : 'HIGH';
        const markers = (kase.markers ?? {}) as { signals?: string[]; kinds?: string[] };
        const signals = [...new Set([...(markers.signals ?? []), ...effect.signals])];
        const knownKinds = new Set(markers.kinds ?? []);
        const newKinds = (effect.kinds ?? []).filter((k) => !knownKinds.has(k));
        const kinds = [...knownKinds, ...newKinds];
        const score = Math.max(0, Math.min(100, Math.round(effect.score ?? 0)));
        await tx.case.update({
          where: { id: kase.id },
          data: {
            urgency: higherUrgency(kase.urgency, urgency),
            markers: { ...markers, signals, kinds },
            // The queue orders by the highest score seen: a signal never lowers a case.
            ...(score > kase.triageScore ? { triageScore: score } : {}),
            // Urgent cases skip every step: straight into the queue, even mid-intake.
            ...(effect.urgency === 'emergency' && kase.status === 'INTAKE' ? { status: 'QUEUED', queuedAt: ctx.now } : {}),
            ...(effect.urgency === 'emergency' ? { waitingSince: kase.waitingSince ?? ctx.now } : {}),
          },
        });
        await audit(tx, kase.id, 'case.alert', { urgency: effect.urgency, signals: effect.signals, score, kinds: effect.kinds ?? [] }, ctx.now);
        const raised = higherUrgency(kase.urgency, urgency) !== kase.urgency;
        const emergency = effect.urgency === 'emergency';
        // Every emergency reaches the whole desk (the assignee may be away), paced so a person
        // writing several crisis messages does not flood the console — except that a new kind of
        // danger (an overdose after suicidal thoughts) is always a new alert.
        const recentAlert =
          emergency && newKinds.length === 0
            ? await tx.notification.findFirst({
                where: { caseId: kase.id, kind: 'emergency_alert', createdAt: { gt: new Date(ctx.now.getTime() - EMERGENCY_ALERT_PACE_MS) } },
              })
            : null;
        if ((emergency && !recentAlert) || (!emergency && raised)) {
          const notification = await createNotification(tx, {
            kind: emergency ? 'emergency_alert' : 'high_alert',
            urgency,
            audience: emergency || !kase.assigneeId ? 'staff' : 'assignee',
            staffId: emergency ? null : kase.assigneeId,
            caseId: kase.id,
            about: { caseId: kase.id, caseNumber: kase.number, consulterType: kase.consulterType, channel: kase.channel, kinds: (emergency ? kinds : (effect.kinds ?? [])) as DangerKind[] },
          });
          outcome.notifications.push(notification.id);
        }
        // Outside desk hours an emergency pages the person on call (once per chain).
        if (emergency && ctx.oncall) {
          const page = await startPaging(tx, ctx.oncall, kase.id, ctx.now);
          if (page) outcome.pages.push(page);
        }
        const queued = kase.status === 'QUEUED' || (emergency && kase.status === 'INTAKE');
        if (raised && queued && !kase.assigneeId) {
          outcome.reminders.push(await reminderRules.caseQueued(tx, ctx.reminderPolicy, { id: kase.id, urgency }, ctx.now));
        }
        if (emergency && kase.assigneeId) {
          // The person is waiting for their counsellor in a crisis: emergency timing, at any hour.
          await reminderRules.cancel(tx, kase.id, ['AWAITING_STAFF_REPLY'], ctx.now);
          const waiting = await reminderRules.userWaiting(tx, ctx.reminderPolicy, { id: kase.id, urgency: 'EMERGENCY' }, ctx.now);
          if (waiting) outcome.reminders.push(waiting);
        }
        outcome.caseId = kase.id;
        outcome.staffVisibleChange = `alert:${effect.urgency}`;
        break;
      }
      case 'recordConsent': {
        const kase = await tx.case.findUnique({ where: { conversationId: ctx.conversationId }, select: { id: true, urgency: true } });
        if (kase && effect.kind === 'check_in') {
          if (effect.granted) outcome.reminders.push(await reminderRules.checkInConsented(tx, ctx.reminderPolicy, kase, ctx.now));
          else await reminderRules.cancel(tx, kase.id, ['USER_CHECK_IN'], ctx.now);
        }
        await tx.consent.create({
          data: {
            contactId: ctx.contactId,
            caseId: kase?.id ?? null,
            kind: effect.kind,
            granted: effect.granted,
            wordingVersion: effect.wordingVersion,
            channel: ctx.channel,
            createdAt: ctx.now,
          },
        });
        break;
      }
      case 'stepEvent': {
        const kase = await ensureCase(tx, ctx);
        await tx.intakeStepEvent.create({ data: { caseId: kase.id, ...stepEventOf(effect), createdAt: ctx.now } });
        outcome.caseId = kase.id;
        break;
      }
      case 'requestOutreach': {
        const kase = await ensureCase(tx, ctx);
        const reminder = await reminderRules.outreachRequested(tx, ctx.reminderPolicy, kase, ctx.now);
        const markers = (kase.markers ?? {}) as Record<string, unknown>;
        await tx.case.update({
          where: { id: kase.id },
          data: { markers: { ...markers, outreach: { kind: effect.kind, requestedAt: ctx.now.toISOString(), dueAt: reminder.dueAt.toISOString() } } },
        });
        await audit(tx, kase.id, 'case.outreach_requested', { kind: effect.kind, dueAt: reminder.dueAt.toISOString() }, ctx.now);
        const notification = await createNotification(tx, { kind: 'outreach_requested', urgency: kase.urgency, audience: 'staff', staffId: null, caseId: kase.id });
        outcome.notifications.push(notification.id);
        outcome.reminders.push(reminder);
        outcome.caseId = kase.id;
        outcome.staffVisibleChange = 'outreach';
        break;
      }
      case 'recordReferral': {
        const kase = await ensureCase(tx, ctx);
        const catalog = loadResources();
        const rows = effect.resourceIds.flatMap((id) => {
          const resource = catalog.find(id);
          return resource ? [{ caseId: kase.id, resourceId: id, resourceKind: resource.kind, via: 'bot', createdAt: ctx.now }] : [];
        });
        if (rows.length > 0) await tx.referral.createMany({ data: rows });
        outcome.caseId = kase.id;
        break;
      }
      case 'deleteUserData': {
        const { caseIds } = await deleteContactData(tx, ctx.contactId, ctx.now);
        outcome.dataDeleted = true;
        outcome.caseId = caseIds[0] ?? null;
        outcome.staffVisibleChange = 'data_deleted';
        break;
      }
      case 'contactStopped': {
        await tx.contact.update({ where: { id: ctx.contactId }, data: { blockedAt: ctx.now } });
        const kase = await tx.case.findUnique({ where: { conversationId: ctx.conversationId }, select: { id: true } });
        await audit(tx, kase?.id ?? null, 'contact.blocked', undefined, ctx.now);
        outcome.caseId = kase?.id ?? null;
        outcome.staffVisibleChange = 'contact_blocked';
        break;
      }
    }
  }
  return outcome;
}
