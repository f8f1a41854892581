import type { Db, Prisma } from '../db/client.js';
import type { Actor } from './actor.js';
import { describeActor, describeEvent, staffIdsIn } from './event-words.js';
import { actionLabel } from '../staff/labels-people.js';

type Writer = Pick<Prisma.TransactionClient, 'auditEvent'>;

/**
 * Every view, change and export of a case by staff is written to AuditEvent (append-only: a
 * database trigger refuses UPDATE and DELETE). Changes are written in the transaction of the
 * change itself, so there is never a change without its record. Details hold ids, codes and
 * staff-written reasons — never what the person wrote.
 */
export function recordAudit(
  db: Writer,
  actor: Actor | null,
  action: string,
  caseId: string | null,
  detail?: Prisma.InputJsonValue,
  at?: Date,
) {
  return db.auditEvent.create({
    data: {
      actorType: actor ? 'staff' : 'system',
      actorId: actor?.id ?? null,
      action,
      caseId,
      ...(detail === undefined ? {} : { detail }),
      ...(at ? { at } : {}),
    },
  });
}

export interface AuditQuery {
  caseId?: string;
  actorId?: string;
  action?: string;
  /** Events strictly before this id (paging backwards). */
  beforeId?: bigint;
  limit: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  caseId: string | null;
  detail: unknown;
  /** The action in words (src/staff/labels-people.ts). */
  actionLabel: string;
  /** What happened, in words naming staff (src/cases/event-words.ts). */
  actionText: string;
  /** Who did what: the actor's name, then actionText. */
  text: string;
}

/** The newest events first, with the staff member's name resolved. */
export async function listAudit(db: Db, query: AuditQuery): Promise<AuditEntry[]> {
  const events = await db.auditEvent.findMany({
    where: {
      ...(query.caseId ? { caseId: query.caseId } : {}),
      ...(query.actorId ? { actorId: query.actorId } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.beforeId ? { id: { lt: query.beforeId } } : {}),
    },
    orderBy: { id: 'desc' },
    take: query.limit,
  });
  const names = await staffNames(db, events.flatMap((e) => [e.actorId, ...staffIdsIn(e.detail)]));
  const name = (id: string | null | undefined) => (id ? (names.get(id) ?? null) : null);
  return events.map((e) => ({
    id: e.id.toString(),
    at: e.at.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actorName: e.actorId ? (names.get(e.actorId) ?? null) : null,
    action: e.action,
    caseId: e.caseId,
    detail: e.detail ?? null,
    actionLabel: actionLabel(e.action),
    ...words(e.actorType, name(e.actorId), describeEvent(e.action, e.detail, name)),
  }));
}

function words(actorType: string, actorName: string | null, actionText: string) {
  return { actionText, text: `${describeActor(actorType, actorName)}：${actionText}` };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** id → display name for the staff ids given (unknown ids are left out). */
export async function staffNames(db: Db, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id && UUID.test(id)))];
  if (wanted.length === 0) return new Map();
  const rows = await db.staffUser.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}
