// Links between cases: one household (a parent's case and the son's own, linked by staff) and a
// person's return (the bot links a new case to the earlier one). A household link is stored once
// per pair (the smaller id first) and shows on both cases; adding and removing it is audited.
import type { Db } from '../db/client.js';
import { canViewCase, canWorkCase, type Actor } from './actor.js';
import { recordAudit, staffNames } from './audit.js';
import { publishAll, type CaseDeps } from './deps.js';
import { CaseError, caseNotFound } from './errors.js';
import { LINK_KIND_LABELS } from '../staff/labels-people.js';

export type CaseLinkKind = 'household' | 'continuation';

export interface CaseLinkView {
  id: string;
  kind: CaseLinkKind;
  kindLabel: string;
  caseId: string;
  caseNumber: number;
  status: string;
  consulterType: string | null;
  createdAt: string;
  createdByName: string | null;
}

const caseSummary = { id: true, number: true, status: true, consulterType: true } as const;

/** Every link of a case, seen from that case (the other side named). */
export async function listCaseLinks(db: Db, caseId: string): Promise<CaseLinkView[]> {
  const rows = await db.caseLink.findMany({
    where: { OR: [{ caseId }, { otherCaseId: caseId }] },
    include: { case: { select: caseSummary }, otherCase: { select: caseSummary } },
    orderBy: { createdAt: 'asc' },
  });
  const names = await staffNames(db, rows.map((r) => r.createdById));
  return rows.map((r) => {
    const other = r.caseId === caseId ? r.otherCase : r.case;
    const kind = r.kind as CaseLinkKind;
    return {
      id: r.id,
      kind,
      kindLabel: LINK_KIND_LABELS[kind] ?? LINK_KIND_LABELS.household,
      caseId: other.id,
      caseNumber: other.number,
      status: other.status,
      consulterType: other.consulterType,
      createdAt: r.createdAt.toISOString(),
      createdByName: r.createdById ? (names.get(r.createdById) ?? null) : null,
    };
  });
}

/** Resolves a case reference given by staff: its id or its number. */
export async function resolveCaseRef(db: Db, ref: string | number) {
  const kase = await db.case.findUnique({ where: typeof ref === 'number' ? { number: ref } : { id: ref }, select: { id: true, assigneeId: true, status: true } });
  if (!kase) throw new CaseError('invalid', 'つなげる相談が見つかりません。相談番号を確かめてください。');
  return kase;
}

/** Staff link two cases of one household. Whoever may work the first case may link it. */
export async function linkHousehold(deps: CaseDeps, actor: Actor, caseId: string, otherRef: string | number): Promise<CaseLinkView> {
  const { db } = deps;
  const kase = await db.case.findUnique({ where: { id: caseId }, select: { id: true, assigneeId: true, status: true } });
  if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
  const other = await resolveCaseRef(db, otherRef);
  if (other.id === caseId) throw new CaseError('invalid', '同じ相談どうしはつなげられません。');
  const [a, b] = caseId < other.id ? [caseId, other.id] : [other.id, caseId];
  const now = deps.now();
  const link = await db.$transaction(async (tx) => {
    const existing = await tx.caseLink.findUnique({ where: { caseId_otherCaseId_kind: { caseId: a, otherCaseId: b, kind: 'household' } } });
    if (existing) throw new CaseError('conflict', 'この二つの相談は、すでに同じ世帯としてつながっています。');
    const created = await tx.caseLink.create({ data: { caseId: a, otherCaseId: b, kind: 'household', createdById: actor.id, createdAt: now } });
    // On both cases' history: each side sees who linked it, and to which case.
    await recordAudit(tx, actor, 'case.link_added', caseId, { linkId: created.id, kind: 'household', otherCaseId: other.id }, now);
    await recordAudit(tx, actor, 'case.link_added', other.id, { linkId: created.id, kind: 'household', otherCaseId: caseId }, now);
    return created;
  }).catch((error: unknown) => {
    if ((error as { code?: string }).code === 'P2002') throw new CaseError('conflict', 'この二つの相談は、すでに同じ世帯としてつながっています。');
    throw error;
  });
  await publishAll(deps, [
    [{ kind: 'staff' }, { type: 'case', caseId, change: 'linked' }],
    [{ kind: 'staff' }, { type: 'case', caseId: other.id, change: 'linked' }],
  ]);
  const views = await listCaseLinks(db, caseId);
  return views.find((v) => v.id === link.id)!;
}

/** Removes a household link (continuation links record a fact and stay). */
export async function unlinkHousehold(deps: CaseDeps, actor: Actor, caseId: string, linkId: string): Promise<void> {
  const { db } = deps;
  const kase = await db.case.findUnique({ where: { id: caseId }, select: { id: true, assigneeId: true, status: true } });
  if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
  const link = await db.caseLink.findUnique({ where: { id: linkId } });
  if (!link || (link.caseId !== caseId && link.otherCaseId !== caseId) || link.kind !== 'household') {
    throw new CaseError('not_found', 'このつながりは見つかりません。');
  }
  const other = link.caseId === caseId ? link.otherCaseId : link.caseId;
  const now = deps.now();
  await db.$transaction(async (tx) => {
    await tx.caseLink.delete({ where: { id: linkId } });
    await recordAudit(tx, actor, 'case.link_removed', caseId, { linkId, kind: 'household', otherCaseId: other }, now);
    await recordAudit(tx, actor, 'case.link_removed', other, { linkId, kind: 'household', otherCaseId: caseId }, now);
  });
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId, change: 'linked' }]]);
}

/** The links of a case the actor may see. */
export async function listLinksFor(db: Db, actor: Actor, caseId: string): Promise<CaseLinkView[]> {
  const kase = await db.case.findUnique({ where: { id: caseId }, select: { assigneeId: true, status: true } });
  if (!kase || !canViewCase(actor, kase)) throw caseNotFound();
  return listCaseLinks(db, caseId);
}
