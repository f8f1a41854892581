// Paging the on-call rota for an emergency outside desk hours: a page row per person paged, sent
// by a job at once, acknowledged with one signed single-use link, and escalated by a delayed job
// to the next person (then the supervisors) when nobody acknowledges in time.
// A page carries the case number, who is writing, the channel and the kind of danger — never
// what the person wrote.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DangerKind } from '../conversation/types.js';
import type { Db, Prisma } from '../db/client.js';
import type { Queues } from '../jobs/queues.js';
import { caseLink, createNotification, writerLabel } from '../notifications/notifications.js';
import type { Logger } from '../platform/logger.js';
import type { RealtimePublisher } from '../realtime/bus.js';
import { label, labels } from '../labels/index.js';
import { caseNumber } from '../labels/crisis.js';

const ONCALL_LABELS = labels.onCall;
import type { OnCallRota } from './rota.js';
import type { PageMessage, PageTransport } from './transports.js';

type Tx = Prisma.TransactionClient;

/** A chain started this recently for a case is still the case's chain: follow-up alerts do not start another. */
export const CHAIN_WINDOW_MS = 60 * 60_000;

export interface OnCall {
  rota: OnCallRota;
  transports: PageTransport[];
}

export interface OnCallDeps {
  db: Db;
  queues: Queues;
  realtime: RealtimePublisher;
  logger: Logger;
  oncall: OnCall;
  publicBaseUrl: string;
  /** Signs acknowledgement links (SESSION_SECRET). */
  secret: string;
}

/** Whether a page would reach someone now: what the person in danger may be told. */
export function canPageNow(oncall: OnCall, now: Date): boolean {
  return oncall.rota.chainAt(now).some((person) => oncall.transports.some((t) => t.reaches(person)));
}

/**
 * In the alert's transaction: the first page of a chain for this case, unless one is under way
 * (or was acknowledged) within the chain window, or nobody is on call. Returns the page id to
 * send after commit.
 */
export async function startPaging(tx: Tx, oncall: OnCall, caseId: string, now: Date): Promise<string | null> {
  const chain = oncall.rota.chainAt(now).filter((person) => oncall.transports.some((t) => t.reaches(person)));
  const first = chain[0];
  if (!first) return null;
  const recent = await tx.onCallPage.findFirst({ where: { caseId, createdAt: { gt: new Date(now.getTime() - CHAIN_WINDOW_MS) } } });
  if (recent) return null;
  const page = await tx.onCallPage.create({ data: { caseId, level: 0, personId: first.id, createdAt: now } });
  await tx.auditEvent.create({ data: { actorType: 'system', action: 'oncall.paged', caseId, detail: { pageId: page.id, level: 0, personId: first.id }, at: now } });
  return page.id;
}

/** After commit: send now, and look again after the rota's timeout. Job ids make both idempotent. */
export async function schedulePage(deps: { queues: Queues; logger: Logger; oncall: OnCall }, pageId: string): Promise<void> {
  try {
    await deps.queues.add('oncall', `send-${pageId}`, { pageId, stage: 'send' });
    await deps.queues.add('oncall', `escalate-${pageId}`, { pageId, stage: 'escalate' }, { delay: deps.oncall.rota.escalateAfterMs });
  } catch {
    deps.logger.error({ pageId }, 'could not enqueue an on-call page');
    throw new Error('could not enqueue an on-call page');
  }
}

// ----- the acknowledgement link -----

function signature(secret: string, pageId: string): string {
  return createHmac('sha256', secret).update(`oncall-ack:${pageId}`).digest('base64url');
}

export function ackToken(secret: string, pageId: string): string {
  return `${pageId}.${signature(secret, pageId)}`;
}

export function ackUrl(publicBaseUrl: string, secret: string, pageId: string): string {
  return `${publicBaseUrl}/oncall/ack/${ackToken(secret, pageId)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The page id of a well-signed token, else null. */
export function verifyAckToken(secret: string, token: string): string | null {
  const dot = token.indexOf('.');
  if (dot < 0 || token.length > 200) return null;
  const pageId = token.slice(0, dot);
  if (!UUID.test(pageId)) return null;
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(signature(secret, pageId));
  return given.length === expected.length && timingSafeEqual(given, expected) ? pageId : null;
}

export type AckResult = { status: 'acknowledged' | 'already'; caseId: string; caseNumber: number } | { status: 'invalid' };

/** One link, one use: the first call records the acknowledgement and stops the chain. */
export async function acknowledgePage(db: Db, secret: string, token: string, now: Date): Promise<AckResult> {
  const pageId = verifyAckToken(secret, token);
  if (!pageId) return { status: 'invalid' };
  return db.$transaction(async (tx) => {
    const page = await tx.onCallPage.findUnique({ where: { id: pageId }, include: { case: { select: { number: true } } } });
    if (!page) return { status: 'invalid' } as const;
    const { count } = await tx.onCallPage.updateMany({ where: { id: pageId, acknowledgedAt: null }, data: { acknowledgedAt: now } });
    if (count === 0) return { status: 'already', caseId: page.caseId, caseNumber: page.case.number } as const;
    await tx.auditEvent.create({ data: { actorType: 'system', action: 'oncall.acknowledged', caseId: page.caseId, detail: { pageId, level: page.level, personId: page.personId }, at: now } });
    return { status: 'acknowledged', caseId: page.caseId, caseNumber: page.case.number } as const;
  });
}

// ----- sending -----

async function pageMessage(deps: OnCallDeps, tx: Tx | Db, page: { id: string; caseId: string; level: number }): Promise<PageMessage> {
  const kase = await tx.case.findUniqueOrThrow({ where: { id: page.caseId }, select: { id: true, number: true, consulterType: true, channel: true, markers: true } });
  const kinds = ((kase.markers ?? {}) as { kinds?: DangerKind[] }).kinds ?? [];
  const danger = kinds.map((k) => label('dangerKind', k)).join('・') || '危険のサイン';
  const facts = `相談 ${caseNumber(kase.number)}（${writerLabel(kase.consulterType)}・${label('channel', kase.channel)}）${danger}`;
  const ack = ackUrl(deps.publicBaseUrl, deps.secret, page.id);
  const caseUrl = caseLink(deps.publicBaseUrl, kase.id);
  const escalated = page.level > 0 ? `${ONCALL_LABELS.pageEscalated}\n` : '';
  return {
    pageId: page.id,
    subject: `${ONCALL_LABELS.pageSubject} ${facts}`,
    text: `${escalated}${facts}\n\n${ONCALL_LABELS.pageAck}\n${ack}\n\n${ONCALL_LABELS.pageConsole}\n${caseUrl}\n\n${ONCALL_LABELS.noContent}`,
    ackUrl: ack,
    caseUrl,
  };
}

/** Sends one page through every transport that reaches the person; marked sent once one did. */
export async function sendPage(deps: OnCallDeps, pageId: string): Promise<void> {
  const page = await deps.db.onCallPage.findUnique({ where: { id: pageId } });
  if (!page || page.sentAt || page.acknowledgedAt) return;
  const person = deps.oncall.rota.person(page.personId);
  if (!person) {
    deps.logger.error({ pageId }, 'on-call page for a person no longer in the rota');
    return;
  }
  const message = await pageMessage(deps, deps.db, page);
  const routes = deps.oncall.transports.filter((t) => t.reaches(person));
  const results = await Promise.allSettled(routes.map((t) => t.send(person, message)));
  const sent = results.filter((r) => r.status === 'fulfilled').length;
  if (sent === 0) throw new Error('no route delivered the on-call page');
  if (sent < routes.length) deps.logger.warn({ pageId, failed: routes.length - sent }, 'an on-call page reached only some routes');
  await deps.db.onCallPage.update({ where: { id: pageId }, data: { sentAt: new Date() } });
}

/**
 * The page's timeout: if nobody in the chain has acknowledged, page the next person (the
 * supervisors come last); with nobody left, tell the supervisors in the console.
 */
export async function escalatePage(deps: OnCallDeps, pageId: string): Promise<void> {
  const now = new Date();
  const outcome = await deps.db.$transaction(async (tx) => {
    const page = await tx.onCallPage.findUnique({ where: { id: pageId }, include: { case: { select: { number: true } } } });
    if (!page || page.escalatedAt) return null;
    const chainPages = await tx.onCallPage.findMany({ where: { caseId: page.caseId, createdAt: { gt: new Date(page.createdAt.getTime() - CHAIN_WINDOW_MS) } }, orderBy: { level: 'asc' } });
    if (chainPages.some((p) => p.acknowledgedAt)) return null;
    const { count } = await tx.onCallPage.updateMany({ where: { id: pageId, escalatedAt: null }, data: { escalatedAt: now } });
    if (count === 0) return null;
    const started = chainPages.find((p) => p.level === 0)?.createdAt ?? page.createdAt;
    const chain = deps.oncall.rota.chainAt(started).filter((person) => deps.oncall.transports.some((t) => t.reaches(person)));
    const paged = new Set(chainPages.map((p) => p.personId));
    const next = chain.slice(page.level + 1).find((person) => !paged.has(person.id));
    if (!next) {
      const notification = await createNotification(tx, { kind: 'escalation', urgency: 'EMERGENCY', audience: 'supervisors', caseId: page.caseId });
      await tx.auditEvent.create({ data: { actorType: 'system', action: 'oncall.unacknowledged', caseId: page.caseId, detail: { pageId }, at: now } });
      return { notificationId: notification.id } as const;
    }
    const nextPage = await tx.onCallPage.create({ data: { caseId: page.caseId, level: page.level + 1, personId: next.id, createdAt: now } });
    await tx.auditEvent.create({ data: { actorType: 'system', action: 'oncall.escalated', caseId: page.caseId, detail: { from: pageId, pageId: nextPage.id, level: nextPage.level, personId: next.id }, at: now } });
    return { pageId: nextPage.id } as const;
  });
  if (outcome?.pageId) await schedulePage(deps, outcome.pageId);
  if (outcome?.notificationId) {
    await deps.realtime.publish({ kind: 'staff' }, { type: 'notification', notificationId: outcome.notificationId });
    await deps.queues.add('notify', outcome.notificationId, { notificationId: outcome.notificationId }).catch(() => {});
  }
}

/**
 * Puts back the jobs of pages Redis may have lost (restarted empty): a page not sent yet, or one
 * unacknowledged past its timeout and not escalated. Job ids keep this from doubling a job that
 * still exists; sendPage and escalatePage do nothing twice.
 */
export async function reconcilePages(deps: Pick<OnCallDeps, 'db' | 'queues' | 'logger' | 'oncall'>, now = new Date()): Promise<number> {
  const graceMs = 30_000;
  const since = new Date(now.getTime() - 24 * 60 * 60_000);
  const pages = await deps.db.onCallPage.findMany({
    where: {
      createdAt: { gt: since },
      acknowledgedAt: null,
      // A chain someone acknowledged is over, whichever page they acknowledged.
      case: { onCallPages: { none: { acknowledgedAt: { not: null }, createdAt: { gt: since } } } },
      OR: [{ sentAt: null, createdAt: { lt: new Date(now.getTime() - graceMs) } }, { escalatedAt: null, createdAt: { lt: new Date(now.getTime() - deps.oncall.rota.escalateAfterMs - graceMs) } }],
    },
    take: 200,
  });
  for (const page of pages) {
    if (!page.sentAt) await deps.queues.add('oncall', `send-${page.id}`, { pageId: page.id, stage: 'send' });
    if (!page.escalatedAt) await deps.queues.add('oncall', `escalate-${page.id}`, { pageId: page.id, stage: 'escalate' }, { delay: page.sentAt ? 0 : deps.oncall.rota.escalateAfterMs });
  }
  if (pages.length > 0) deps.logger.warn({ pages: pages.length }, 'on-call page jobs restored');
  return pages.length;
}
