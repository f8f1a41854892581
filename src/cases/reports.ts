import type { Db } from '../db/client.js';
import { consultationSql, consultationWhere, intakeOnlyWhere } from './consultations.js';
import { REPORT_PLACEHOLDERS } from '../staff/labels-people.js';

type Counts = Record<string, number>;

const toCounts = <K extends string>(rows: ({ _count: { _all: number } } & Record<K, unknown>)[], key: K): Counts =>
  Object.fromEntries(rows.map((r) => [String(r[key] ?? REPORT_PLACEHOLDERS.unknown), r._count._all]));

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Central accumulation and analysis (集約・分析) in counts only: no person's words, no ids.
 * Cases are counted as the dashboard counts them (consultations.ts): one definition for both.
 */
export async function caseReport(db: Db, range: { from: Date; to: Date }) {
  const where = consultationWhere(range);
  const handoverWhere = { createdAt: { gte: range.from, lt: range.to } };
  const [status, urgency, channel, consulterType, stage, quality, replied, handovers, pendingHandovers, intakeOnly, deskContacts] = await Promise.all([
    db.case.groupBy({ by: ['status'], where, _count: { _all: true } }),
    db.case.groupBy({ by: ['urgency'], where, _count: { _all: true } }),
    db.case.groupBy({ by: ['channel'], where, _count: { _all: true } }),
    db.case.groupBy({ by: ['consulterType'], where, _count: { _all: true } }),
    db.case.groupBy({ by: ['stage'], where, _count: { _all: true } }),
    db.$queryRaw<{ marker: string; value: string | null; count: bigint }[]>`
      SELECT m.marker, c."markers" -> 'quality' -> m.marker ->> 'value' AS value, count(*) AS count
      FROM "Case" c CROSS JOIN (VALUES ('ownWish'), ('householdRisk'), ('supportConnections')) AS m(marker)
      WHERE c."id" IN (SELECT "id" FROM "Case" WHERE ${consultationSql(range)}) AND jsonb_typeof(c."markers" -> 'quality') = 'object'
      GROUP BY 1, 2`,
    db.case.findMany({
      where: { ...where, firstStaffReplyAt: { not: null }, queuedAt: { not: null } },
      select: { queuedAt: true, firstStaffReplyAt: true },
      take: 20_000,
    }),
    db.handover.findMany({ where: handoverWhere, select: { createdAt: true, acknowledgedAt: true, centerCode: true, basis: true }, take: 20_000 }),
    db.handover.count({ where: { acknowledgedAt: null } }),
    db.case.count({ where: intakeOnlyWhere(range) }),
    // Every phone call, walk-in and visit recorded in the period, also those on chat cases.
    db.deskContact.groupBy({ by: ['mode'], where: { occurredAt: { gte: range.from, lt: range.to } }, _count: { _all: true } }),
  ]);
  const qualityCounts: Record<string, Counts> = {};
  for (const row of quality) (qualityCounts[row.marker] ??= {})[row.value === null ? REPORT_PLACEHOLDERS.unanswered : row.value === 'unknown' ? REPORT_PLACEHOLDERS.unknown : row.value] = Number(row.count);
  const acknowledged = handovers.filter((h) => h.acknowledgedAt);
  const byCenter: Counts = {};
  for (const h of handovers) byCenter[h.centerCode] = (byCenter[h.centerCode] ?? 0) + 1;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    cases: {
      total: status.reduce((n, r) => n + r._count._all, 0),
      byStatus: toCounts(status, 'status'),
      byUrgency: toCounts(urgency, 'urgency'),
      byChannel: toCounts(channel, 'channel'),
      byConsulterType: toCounts(consulterType, 'consulterType'),
      byStage: toCounts(stage, 'stage'),
      quality: qualityCounts,
      intakeOnly,
      deskContactsByMode: toCounts(deskContacts, 'mode'),
      medianMinutesToFirstReply: median(replied.map((c) => (c.firstStaffReplyAt!.getTime() - c.queuedAt!.getTime()) / 60_000)),
    },
    handovers: {
      total: handovers.length,
      acknowledged: acknowledged.length,
      byBasis: Object.fromEntries(['consent', 'emergency_override'].map((b) => [b, handovers.filter((h) => h.basis === b).length])),
      byCenter,
      medianHoursToAcknowledge: median(acknowledged.map((h) => (h.acknowledgedAt!.getTime() - h.createdAt.getTime()) / 3_600_000)),
      pendingNow: pendingHandovers,
    },
  };
}
