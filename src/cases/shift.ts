// The shift view: what one counsellor must see at the start of a shift or a hand-over — my open
// cases, follow-ups due today (Kyoto's day), people waiting for a human, handovers a center has
// not yet received. Supervisors see the whole desk.
import type { Prisma } from '../db/client.js';
import type { Actor } from './actor.js';
import { staffNames } from './audit.js';
import { toCaseCards } from './case-cards.js';
import { loadCenters } from './centers.js';
import type { CaseDeps } from './deps.js';
import { openCaseWhere, queueEntriesWhere } from './queue.js';

const JST_OFFSET_MS = 9 * 3_600_000;
const SHIFT_LIST_LIMIT = 200;

/** Today's date in Kyoto and the instant the day ends (24:00 JST). */
export function kyotoDay(now: Date): { day: string; end: Date } {
  const day = new Date(now.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
  return { day, end: new Date(new Date(`${day}T00:00:00+09:00`).getTime() + 24 * 3_600_000) };
}

export async function loadShift(deps: CaseDeps, actor: Actor) {
  const { db } = deps;
  const now = deps.now();
  const { day, end } = kyotoDay(now);
  const all = actor.role === 'SUPERVISOR';
  const mineOnly: Prisma.CaseWhereInput = { assigneeId: actor.id };
  const mineOrUnassigned: Prisma.CaseWhereInput = all ? {} : { OR: [{ assigneeId: actor.id }, { assigneeId: null }] };

  const [mine, followUps, waiting, handovers] = await Promise.all([
    queueEntriesWhere(db, { AND: [openCaseWhere(), mineOnly] }, SHIFT_LIST_LIMIT),
    queueEntriesWhere(db, { AND: [all ? {} : mineOnly, { followUpAt: { lt: end } }, { status: { not: 'CLOSED' } }] }, SHIFT_LIST_LIMIT),
    queueEntriesWhere(db, { AND: [openCaseWhere(), mineOrUnassigned, { waitingSince: { not: null } }, { status: { not: 'INTAKE' } }] }, SHIFT_LIST_LIMIT),
    db.handover.findMany({
      where: { acknowledgedAt: null, ...(all ? {} : { OR: [{ createdById: actor.id }, { case: { assigneeId: actor.id } }] }) },
      orderBy: { createdAt: 'asc' },
      take: SHIFT_LIST_LIMIT,
      include: { case: { select: { number: true } } },
    }),
  ]);
  const centers = loadCenters();
  const names = await staffNames(db, handovers.map((h) => h.createdById));
  return {
    day,
    mine: await toCaseCards(db, actor, mine),
    followUpsToday: await toCaseCards(db, actor, followUps),
    waitingForReply: await toCaseCards(db, actor, waiting),
    handoversUnacknowledged: handovers.map((h) => ({
      handoverId: h.id,
      caseId: h.caseId,
      caseNumber: h.case.number,
      centerCode: h.centerCode,
      centerName: centers.find(h.centerCode)?.name ?? '保健福祉センター',
      createdAt: h.createdAt.toISOString(),
      createdByName: names.get(h.createdById) ?? null,
    })),
  };
}
