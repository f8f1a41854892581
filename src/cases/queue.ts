import type { CaseStatus, Channel, ConsulterType, Db, Prisma, Urgency } from '../db/client.js';
import type { Actor } from './actor.js';
import { loadAnswerLabels } from './intake-labels.js';
import { signalWords } from './plain-words.js';

/**
 * "Open" is everything a person may still be waiting on the desk for: queued, active, waiting
 * for the person, information given — and handed over while the center has not yet
 * acknowledged (受け止め), or while the person has written again since. INTAKE (the bot is
 * still asking) and CLOSED are not open.
 */
export const OPEN_STATUSES: CaseStatus[] = ['QUEUED', 'ACTIVE', 'WAITING_USER', 'INFO_GIVEN'];

export function openCaseWhere(): Prisma.CaseWhereInput {
  return {
    OR: [
      { status: { in: OPEN_STATUSES } },
      { status: 'HANDED_OVER', OR: [{ waitingSince: { not: null } }, { handovers: { some: { acknowledgedAt: null } } }] },
    ],
  };
}

export interface CaseFilter {
  /** `open` (default), `closed`, `all`, or a list of statuses. */
  status: 'open' | 'closed' | 'all' | CaseStatus[];
  urgency?: Urgency[];
  channel?: Channel[];
  consulterType?: ConsulterType[];
  /** Only cases assigned to the actor. */
  mine?: boolean;
  /** Only cases nobody has claimed. */
  unassigned?: boolean;
  /** Only cases with messages the actor has not seen (src/cases/case-cards.ts). */
  unread?: boolean;
  stage?: string;
  assigneeId?: string;
  number?: number;
  limit: number;
}

export interface QueueEntry {
  id: string;
  number: number;
  urgency: Urgency;
  status: CaseStatus;
  waitingSince: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  channel: Channel;
  consulterType: ConsulterType | null;
  language: string;
  stage: string | null;
  queuedAt: string | null;
  claimedAt: string | null;
  lastUserMessageAt: string | null;
  lastStaffMessageAt: string | null;
  followUpAt: string | null;
  createdAt: string;
  /** The highest triage score (0–100) of the case's alerts: the order within a level. */
  triageScore: number;
  /**
   * A preview made only of coded, non-personal data (what help is wanted, triage signal ids,
   * handover state). The person's words are read in the case view, which is audited.
   */
  preview: { helpWanted: string | null; helpWantedLabel: string | null; signals: string[]; signalLabels: string[]; kinds: string[]; handoverPending: boolean; dataDeleted: boolean };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function statusWhere(status: CaseFilter['status']): Prisma.CaseWhereInput {
  if (status === 'open') return openCaseWhere();
  if (status === 'closed') return { status: 'CLOSED' };
  if (status === 'all') return {};
  return { status: { in: status } };
}

/** Counsellors see the queue (unassigned, past the intake) and their own cases. */
function visibilityWhere(actor: Actor): Prisma.CaseWhereInput {
  if (actor.role === 'SUPERVISOR') return {};
  return { OR: [{ assigneeId: actor.id }, { assigneeId: null, status: { notIn: ['INTAKE', 'CLOSED'] } }] };
}

/**
 * The staff queue: most urgent first (EMERGENCY, HIGH, NORMAL), then the highest triage score (an
 * overdose in progress above yesterday's passive wish), then the longest waiting.
 */
export async function listCases(db: Db, actor: Actor, filter: CaseFilter): Promise<QueueEntry[]> {
  return queueEntriesWhere(
    db,
    {
      AND: [
        visibilityWhere(actor),
        statusWhere(filter.status),
        filter.urgency?.length ? { urgency: { in: filter.urgency } } : {},
        filter.channel?.length ? { channel: { in: filter.channel } } : {},
        filter.consulterType?.length ? { consulterType: { in: filter.consulterType } } : {},
        filter.mine ? { assigneeId: actor.id } : {},
        filter.unassigned ? { assigneeId: null } : {},
        filter.stage ? { stage: filter.stage } : {},
        filter.assigneeId ? { assigneeId: filter.assigneeId } : {},
        filter.number ? { number: filter.number } : {},
      ],
    },
    filter.limit,
  );
}

export { visibilityWhere as queueVisibilityWhere };

/** Queue entries for any condition, in queue order (the shift view and search use it too). */
export async function queueEntriesWhere(db: Db, where: Prisma.CaseWhereInput, limit: number): Promise<QueueEntry[]> {
  const cases = await db.case.findMany({
    where,
    // PostgreSQL sorts an enum in declaration order: EMERGENCY, HIGH, NORMAL.
    orderBy: [
      { urgency: 'asc' },
      { triageScore: 'desc' },
      { waitingSince: { sort: 'asc', nulls: 'last' } },
      { queuedAt: { sort: 'asc', nulls: 'last' } },
      { createdAt: 'asc' },
      { id: 'asc' },
    ],
    take: limit,
    include: {
      assignee: { select: { name: true } },
      handovers: { where: { acknowledgedAt: null }, select: { id: true }, take: 1 },
    },
  });
  const labels = await loadAnswerLabels();
  return cases.map((c) => {
    const summary = (c.summary ?? {}) as { answers?: Record<string, unknown>; dataDeletedAt?: string };
    const markers = (c.markers ?? {}) as { signals?: unknown; kinds?: unknown };
    const helpWanted = summary.answers?.help_wanted;
    const signals = Array.isArray(markers.signals) ? markers.signals.filter((s): s is string => typeof s === 'string') : [];
    return {
      id: c.id,
      number: c.number,
      urgency: c.urgency,
      status: c.status,
      waitingSince: iso(c.waitingSince),
      assigneeId: c.assigneeId,
      assigneeName: c.assignee?.name ?? null,
      channel: c.channel,
      consulterType: c.consulterType,
      language: c.language,
      stage: c.stage,
      queuedAt: iso(c.queuedAt),
      claimedAt: iso(c.claimedAt),
      lastUserMessageAt: iso(c.lastUserMessageAt),
      lastStaffMessageAt: iso(c.lastStaffMessageAt),
      followUpAt: iso(c.followUpAt),
      createdAt: c.createdAt.toISOString(),
      triageScore: c.triageScore,
      preview: {
        helpWanted: typeof helpWanted === 'string' ? helpWanted : null,
        helpWantedLabel: typeof helpWanted === 'string' ? labels.valueLabel('help_wanted', helpWanted) : null,
        signals,
        // Words for the card: never `answer:household_worries=violence` on a screen.
        signalLabels: signalWords(signals, labels),
        kinds: Array.isArray(markers.kinds) ? markers.kinds.filter((s): s is string => typeof s === 'string') : [],
        handoverPending: c.handovers.length > 0,
        dataDeleted: typeof summary.dataDeletedAt === 'string',
      },
    };
  });
}
