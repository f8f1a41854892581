import { randomUUID } from 'node:crypto';
import type { Db, Prisma } from '../db/client.js';
import type { Actor } from './actor.js';
import { describeActor, describeEvent, staffIdsIn } from './event-words.js';
import { actionLabel } from '../staff/labels-people.js';

type Writer = Pick<Prisma.TransactionClient, 'auditEvent' | 'auditText'>;
type Reader = Pick<Prisma.TransactionClient, 'auditText'>;

/** A detail value that is a code, an id, a number-like or a timestamp: kept in the audit row. */
const CODE_LIKE = /^[A-Za-z0-9_.:@+\-/]{0,100}$/;
/** Keys whose values are written by people, whatever they look like. */
const FREE_TEXT_KEYS = new Set(['reason', 'overrideReason', 'note', 'text', 'comment', 'summary', 'message', 'description']);

/** How a moved text is referenced from the audit row's detail. */
interface TextRef {
  textId: string;
}
const isTextRef = (value: unknown): value is TextRef =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as TextRef).textId === 'string';

/**
 * Every view, change and export of a case by staff is written to AuditEvent (append-only: a
 * database trigger refuses UPDATE and DELETE). Changes are written in the transaction of the
 * change itself, so there is never a change without its record.
 *
 * An append-only row can never be erased, so it holds only ids and codes. Any free text in
 * `detail` — a reason, a note, anything not shaped like a code — is moved into AuditText
 * (encrypted, tied to the case, removed by a person's deletion and by retention) and the detail
 * keeps `{ textId }` in its place; listAudit puts the text back while it exists.
 */
export async function recordAudit(
  db: Writer,
  actor: Actor | null,
  action: string,
  caseId: string | null,
  detail?: Prisma.InputJsonValue,
  at?: Date,
) {
  const texts: { id: string; text: string }[] = [];
  const move = (value: unknown, key: string | null): unknown => {
    if (typeof value === 'string') {
      if (value === '' || (!(key && FREE_TEXT_KEYS.has(key)) && CODE_LIKE.test(value))) return value;
      const id = randomUUID();
      texts.push({ id, text: value });
      return { textId: id } satisfies TextRef;
    }
    if (Array.isArray(value)) return value.map((item) => move(item, key));
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, move(v, k)]));
    return value;
  };
  const stored = detail === undefined ? undefined : (move(detail, null) as Prisma.InputJsonValue);
  for (const text of texts) await db.auditText.create({ data: { id: text.id, caseId, text: text.text, ...(at ? { createdAt: at } : {}) } });
  return db.auditEvent.create({
    data: {
      actorType: actor ? 'staff' : 'system',
      actorId: actor?.id ?? null,
      action,
      caseId,
      ...(stored === undefined ? {} : { detail: stored }),
      ...(at ? { at } : {}),
    },
  });
}

/** Removes the staff-written texts of these cases' audit events (deletion, retention). */
export async function forgetAuditTexts(tx: Reader, caseIds: string[]): Promise<number> {
  if (caseIds.length === 0) return 0;
  return (await tx.auditText.deleteMany({ where: { caseId: { in: caseIds } } })).count;
}

/** Details with their `{ textId }` references replaced by the text, or null once it was removed. */
async function withTexts(db: Reader, details: unknown[]): Promise<unknown[]> {
  const ids: string[] = [];
  const collect = (value: unknown): void => {
    if (isTextRef(value)) ids.push(value.textId);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
  };
  details.forEach(collect);
  if (ids.length === 0) return details;
  const rows = await db.auditText.findMany({ where: { id: { in: [...new Set(ids)] } } });
  const texts = new Map(rows.map((r) => [r.id, r.text]));
  const put = (value: unknown): unknown => {
    if (isTextRef(value)) return texts.get(value.textId) ?? null;
    if (Array.isArray(value)) return value.map(put);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, put(v)]));
    return value;
  };
  return details.map(put);
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
  /** The case number staff read (#123); null when the case is gone (deleted). */
  caseNumber: number | null;
  detail: unknown;
  /** The action in words (src/staff/labels-people.ts). */
  actionLabel: string;
  /** Who did what, as one sentence naming staff (src/cases/event-words.ts). */
  /** What happened, in words naming staff. */
  actionText: string;
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
  const details = await withTexts(db, events.map((e) => e.detail ?? null));
  const caseIds = [...new Set(events.flatMap((e) => (e.caseId ? [e.caseId] : [])))];
  const numbers = new Map((caseIds.length ? await db.case.findMany({ where: { id: { in: caseIds } }, select: { id: true, number: true } }) : []).map((c) => [c.id, c.number]));
  return events.map((e, i) => ({
    id: e.id.toString(),
    at: e.at.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actorName: e.actorId ? (names.get(e.actorId) ?? null) : null,
    action: e.action,
    caseId: e.caseId,
    caseNumber: e.caseId ? (numbers.get(e.caseId) ?? null) : null,
    detail: details[i] ?? null,
    actionLabel: actionLabel(e.action),
    actionText: describeEvent(e.action, details[i] ?? null, name),
    text: `${describeActor(e.actorType, name(e.actorId))}：${describeEvent(e.action, details[i] ?? null, name)}`,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** id → display name for the staff ids given (unknown ids are left out). */
export async function staffNames(db: Db, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id && UUID.test(id)))];
  if (wanted.length === 0) return new Map();
  const rows = await db.staffUser.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.id, r.name]));
}
