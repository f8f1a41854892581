import type { Prisma } from '../db/client.js';
import type { Actor } from '../cases/actor.js';
import { CaseError } from '../cases/errors.js';

type Tx = Pick<Prisma.TransactionClient, 'case' | 'centerCase' | 'handover'>;

export const centerCaseNotFound = () => new CaseError('not_found', 'このケースは見つからないか、表示する権限がありません。');

/**
 * Who may see a case's center side. Center staff: only cases handed over to their own center
 * and received (受け止め) there — never before the handover, never another center's. The desk:
 * the counsellor who holds the case or handed it over, and supervisors, read it. Nobody else:
 * agencies named in a plan are data, not accounts, and get no access through it.
 */
export async function readCenterCase(tx: Tx, actor: Actor, caseId: string) {
  const kase = await tx.case.findUnique({ where: { id: caseId } });
  if (!kase) throw centerCaseNotFound();
  const centerCase = await tx.centerCase.findUnique({ where: { caseId } });
  const handover = await tx.handover.findFirst({ where: { caseId }, orderBy: { createdAt: 'desc' } });
  if (!handover) throw centerCaseNotFound();
  const side = sideOf(actor, kase, centerCase, handover);
  if (!side) throw centerCaseNotFound();
  return { kase, centerCase, handover, side };
}

/** The center's own records (meetings, plan, closure): its staff write, after 受け止め. */
export async function writeCenterCase(tx: Tx, actor: Actor, caseId: string) {
  const found = await readCenterCase(tx, actor, caseId);
  if (found.side !== 'center' || !found.centerCase) throw new CaseError('forbidden', 'センターの記録は、受け止めたセンターの職員が書きます。');
  if (found.centerCase.closedAt) throw new CaseError('case_closed', 'このケースの支援は終結しています。');
  return { ...found, centerCase: found.centerCase };
}

function sideOf(
  actor: Actor,
  kase: { assigneeId: string | null },
  centerCase: { centerCode: string } | null,
  handover: { centerCode: string; createdById: string; acknowledgedAt: Date | null },
): 'center' | 'desk' | null {
  if (actor.role === 'CENTER') return actor.centerCode !== null && centerCase?.centerCode === actor.centerCode ? 'center' : null;
  if (actor.role === 'SUPERVISOR') return 'desk';
  if (actor.role === 'COUNSELOR' && (kase.assigneeId === actor.id || handover.createdById === actor.id)) return 'desk';
  return null;
}
