import type { AnalyticsRange } from './analytics-range.js';
import { createHmac, randomBytes } from 'node:crypto';
import { Prisma, type Db } from '../db/client.js';
import { loadFlowCatalog } from '../flows/index.js';
import { funnelByCase } from './funnel.js';
import { CENTER_EXPORT_COLUMNS, centerAnalytics, centerExportCells } from '../center/analytics.js';
import { consultationSql, intakeOnlyWhere } from './consultations.js';

// The city's analysis (集約・分析) for supervisors: counts by week, never a person's words or ids.
// A "consultation" is a case that reached the desk (past the bot's intake); weeks start on
// Monday, Kyoto time. The CSV export is case-level but anonymised: a pseudonym that changes with
// every export, the week instead of the date, coded answers only.

const TZ = 'Asia/Tokyo';
const JST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

export type { AnalyticsRange };

/** The Monday (JST) starting the week of `date`, as YYYY-MM-DD. */
export function weekOf(date: Date): string {
  const local = new Date(date.getTime() + JST_OFFSET_MS);
  const sinceMonday = (local.getUTCDay() + 6) % 7;
  return new Date(local.getTime() - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

/** From the Monday of `from`'s week (00:00 JST) to the end of `to`'s day (24:00 JST). */
export function weekRange(from: string, to: string): AnalyticsRange {
  const start = new Date(`${weekOf(new Date(`${from}T12:00:00+09:00`))}T00:00:00+09:00`);
  const end = new Date(new Date(`${to}T00:00:00+09:00`).getTime() + DAY_MS);
  return { from: start, to: end };
}

function weeksBetween(range: AnalyticsRange): string[] {
  const weeks: string[] = [];
  for (let t = new Date(`${weekOf(range.from)}T00:00:00+09:00`).getTime(); t < range.to.getTime(); t += 7 * DAY_MS) weeks.push(weekOf(new Date(t)));
  return weeks;
}

const weekSql = (column: string) => Prisma.raw(`to_char(date_trunc('week', ("${column}" AT TIME ZONE 'UTC') AT TIME ZONE '${TZ}'), 'YYYY-MM-DD')`);

type Counts = Record<string, number>;

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const index = (sorted.length - 1) * q;
  const low = Math.floor(index);
  const high = Math.ceil(index);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (index - low);
}

function buckets(values: number[], edges: { label: string; upTo: number }[]): { label: string; count: number }[] {
  return edges.map((edge, i) => ({
    label: edge.label,
    count: values.filter((v) => v >= (i === 0 ? -Infinity : edges[i - 1]!.upTo) && v < edge.upTo).length,
  }));
}

const round = (value: number | null, digits = 1) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

/** Everything the dashboard draws, for the weeks in `range`. */
export async function analyticsOverview(db: Db, range: AnalyticsRange) {
  const inRange = Prisma.sql`"createdAt" >= ${range.from} AND "createdAt" < ${range.to}`;
  const [byWeek, intakeOnly, ageBands, stages, urgency, replies, waiting, handovers, reminders, notifications] = await Promise.all([
    db.$queryRaw<{ week: string; consulterType: string | null; channel: string; count: bigint }[]>`
      SELECT ${weekSql('createdAt')} AS "week", "consulterType", "channel", count(*) AS "count"
      FROM "Case" WHERE ${consultationSql(range)} GROUP BY 1, 2, 3`,
    db.case.count({ where: intakeOnlyWhere(range) }),
    db.$queryRaw<{ value: string | null; count: bigint }[]>`
      SELECT a."value", count(*) AS "count"
      FROM "Case" c
      LEFT JOIN LATERAL (
        SELECT "value" FROM "IntakeAnswer" WHERE "caseId" = c."id" AND "key" = 'age_band' AND "value" IS NOT NULL ORDER BY "createdAt" DESC LIMIT 1
      ) a ON true
      WHERE c."createdAt" >= ${range.from} AND c."createdAt" < ${range.to} AND c."status" <> 'INTAKE'
      GROUP BY 1`,
    db.case.groupBy({ by: ['stage'], where: { createdAt: { gte: range.from, lt: range.to }, status: { not: 'INTAKE' } }, _count: { _all: true } }),
    db.case.groupBy({ by: ['urgency'], where: { createdAt: { gte: range.from, lt: range.to }, status: { not: 'INTAKE' } }, _count: { _all: true } }),
    db.case.findMany({
      where: { createdAt: { gte: range.from, lt: range.to }, queuedAt: { not: null }, firstStaffReplyAt: { not: null } },
      select: { queuedAt: true, firstStaffReplyAt: true },
      take: 50_000,
    }),
    db.case.count({ where: { createdAt: { gte: range.from, lt: range.to }, queuedAt: { not: null }, firstStaffReplyAt: null, status: { not: 'CLOSED' } } }),
    db.handover.findMany({ where: { createdAt: { gte: range.from, lt: range.to } }, select: { createdAt: true, acknowledgedAt: true, basis: true }, take: 50_000 }),
    db.$queryRaw<{ week: string; kind: string; escalated: boolean; count: bigint }[]>`
      SELECT ${weekSql('firedAt')} AS "week", "kind"::text AS "kind", "escalatedAt" IS NOT NULL AS "escalated", count(*) AS "count"
      FROM "Reminder" WHERE "firedAt" >= ${range.from} AND "firedAt" < ${range.to} GROUP BY 1, 2, 3`,
    db.notification.groupBy({ by: ['kind'], where: { createdAt: { gte: range.from, lt: range.to } }, _count: { _all: true } }),
  ]);
  const center = await centerAnalytics(db, range);

  const weeks = weeksBetween(range);
  const perWeek = (rows: { week: string; key: string; count: number }[]) => {
    const keys = [...new Set(rows.map((r) => r.key))].sort();
    return weeks.map((week) => ({
      week,
      counts: Object.fromEntries(keys.map((key) => [key, rows.filter((r) => r.week === week && r.key === key).reduce((n, r) => n + r.count, 0)])) as Counts,
    }));
  };
  const caseRows = byWeek.map((r) => ({ ...r, count: Number(r.count) }));
  const replyMinutes = replies.map((c) => (c.firstStaffReplyAt!.getTime() - c.queuedAt!.getTime()) / 60_000).sort((a, b) => a - b);
  const acknowledged = handovers.filter((h) => h.acknowledgedAt);
  const ackHours = acknowledged.map((h) => (h.acknowledgedAt!.getTime() - h.createdAt.getTime()) / 3_600_000).sort((a, b) => a - b);
  const reminderRows = reminders.map((r) => ({ ...r, count: Number(r.count) }));

  return {
    range: { from: range.from.toISOString(), to: range.to.toISOString(), weeks },
    consultations: {
      total: caseRows.reduce((n, r) => n + r.count, 0),
      /** Sessions that never got past the bot's first questions (not counted as consultations). */
      intakeOnly,
      byWeekAndConsulter: perWeek(caseRows.map((r) => ({ week: r.week, key: r.consulterType ?? 'UNKNOWN', count: r.count }))),
      byWeekAndChannel: perWeek(caseRows.map((r) => ({ week: r.week, key: r.channel, count: r.count }))),
    },
    ageBands: Object.fromEntries(ageBands.map((r) => [r.value ?? 'unknown', Number(r.count)])) as Counts,
    stages: Object.fromEntries(stages.map((r) => [r.stage ?? 'unknown', r._count._all])) as Counts,
    urgency: Object.fromEntries(urgency.map((r) => [r.urgency, r._count._all])) as Counts,
    firstReply: {
      replied: replyMinutes.length,
      waitingNow: waiting,
      medianMinutes: round(quantile(replyMinutes, 0.5)),
      p90Minutes: round(quantile(replyMinutes, 0.9)),
      buckets: buckets(replyMinutes, [
        { label: '1時間未満', upTo: 60 },
        { label: '1〜4時間', upTo: 240 },
        { label: '4〜24時間', upTo: 1_440 },
        { label: '1〜3日', upTo: 4_320 },
        { label: '3日以上', upTo: Infinity },
      ]),
    },
    handovers: {
      total: handovers.length,
      acknowledged: acknowledged.length,
      pending: handovers.length - acknowledged.length,
      byBasis: Object.fromEntries(['consent', 'emergency_override'].map((b) => [b, handovers.filter((h) => h.basis === b).length])) as Counts,
      medianHoursToAcknowledge: round(quantile(ackHours, 0.5)),
      byWeek: weeks.map((week) => ({
        week,
        handedOver: handovers.filter((h) => weekOf(h.createdAt) === week).length,
        acknowledged: handovers.filter((h) => h.acknowledgedAt && weekOf(h.createdAt) === week).length,
      })),
      timeToAcknowledge: [
        ...buckets(ackHours, [
          { label: '1日未満', upTo: 24 },
          { label: '1〜3日', upTo: 72 },
          { label: '3〜7日', upTo: 168 },
          { label: '7日以上', upTo: Infinity },
        ]),
        { label: '未受け止め', count: handovers.length - acknowledged.length },
      ],
    },
    reminders: {
      fired: reminderRows.reduce((n, r) => n + r.count, 0),
      escalated: reminderRows.filter((r) => r.escalated).reduce((n, r) => n + r.count, 0),
      byWeekAndKind: perWeek(reminderRows.map((r) => ({ week: r.week, key: r.kind, count: r.count }))),
      notificationsByKind: Object.fromEntries(notifications.map((n) => [n.kind, n._count._all])) as Counts,
    },
    /** The center's side: referrals, plans and goals, end reasons, time from first contact to each step. */
    center,
  };
}

export type AnalyticsOverview = Awaited<ReturnType<typeof analyticsOverview>>;

/**
 * Coded intake answers that may leave the desk in an export. Health answers are not among them:
 * the person agreed to them "only for this consultation" (flows, consent health-v1).
 */
export const EXPORTED_ANSWER_KEYS = [
  'consulter',
  'relation',
  'age_band',
  'duration',
  'going_out',
  'household',
  'household_oldest_age',
  'household_worries',
  'family_exhaustion',
  'connections',
  'person_aware',
  'person_wish',
  'help_wanted',
  'agency_type',
  'assessed',
] as const;

let choiceValues: Promise<Map<string, Set<string>>> | undefined;

/** Every choice value of every question key, from the flow files: only these count as codes. */
function loadChoiceValues(): Promise<Map<string, Set<string>>> {
  choiceValues ??= loadFlowCatalog().then((catalog) => {
    const values = new Map<string, Set<string>>();
    for (const flow of Object.values(catalog.flows)) {
      for (const step of flow.steps) {
        if (step.type !== 'question') continue;
        const set = values.get(step.key) ?? new Set<string>();
        for (const choice of step.choices) set.add(choice.value);
        values.set(step.key, set);
      }
    }
    return values;
  });
  return choiceValues;
}

export const EXPORT_COLUMNS = [
  'case',
  'first_contact_week',
  'channel',
  'consulter_type',
  'language',
  'status',
  'urgency',
  'stage',
  ...EXPORTED_ANSWER_KEYS.map((k) => `answer_${k}`),
  'own_wish',
  'household_risk',
  'support_connections',
  'minutes_to_first_reply',
  'handed_over',
  'handover_basis',
  'hours_to_acknowledge',
  'reminders_fired',
  'intake_last_question',
  'intake_answered',
  'intake_skipped',
  'intake_wrote_instead',
  'closed_week',
  'data_deleted',
  'anonymised',
  ...CENTER_EXPORT_COLUMNS,
] as const;

/**
 * One row per consultation in `range`, anonymised: `case` is a pseudonym keyed by a random key
 * made for this export alone (two exports cannot be joined), dates are weeks, answers are codes
 * from the flow files, and nothing a person or a counsellor wrote is included.
 */
export async function analyticsExportRows(db: Db, range: AnalyticsRange): Promise<{ columns: readonly string[]; rows: string[][] }> {
  const codes = await loadChoiceValues();
  const cases = await db.case.findMany({
    where: { createdAt: { gte: range.from, lt: range.to }, status: { not: 'INTAKE' } },
    // Only plain, coded columns are read (no summary, assessment or conversation).
    select: {
      id: true,
      createdAt: true,
      channel: true,
      consulterType: true,
      language: true,
      status: true,
      urgency: true,
      stage: true,
      markers: true,
      queuedAt: true,
      firstStaffReplyAt: true,
      closedAt: true,
      anonymisedAt: true,
      answers: { where: { key: { in: [...EXPORTED_ANSWER_KEYS] }, value: { not: null } }, select: { key: true, value: true, createdAt: true }, orderBy: { createdAt: 'asc' } },
      handovers: { select: { basis: true, createdAt: true, acknowledgedAt: true }, orderBy: { createdAt: 'asc' }, take: 1 },
      _count: { select: { reminders: { where: { firedAt: { not: null } } } } },
    },
    orderBy: { createdAt: 'asc' },
    take: 100_000,
  });
  const deleted = new Set(
    (await db.auditEvent.findMany({ where: { action: 'user.data_deleted', caseId: { in: cases.map((c) => c.id) } }, select: { caseId: true } })).map((e) => e.caseId),
  );
  const funnel = await funnelByCase(db, cases.map((c) => c.id));
  const centerCells = await centerExportCells(db, range);
  const exportKey = randomBytes(32);
  const pseudonym = (id: string) => `c${createHmac('sha256', exportKey).update(id).digest('hex').slice(0, 12)}`;
  const rows = cases.map((c) => {
    const answers = new Map<string, string>();
    for (const a of c.answers) if (a.value && codes.get(a.key)?.has(a.value)) answers.set(a.key, a.value);
    const quality = ((c.markers ?? {}) as { quality?: Record<string, { value?: unknown }> }).quality ?? {};
    const code = (value: unknown) => (typeof value === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(value) ? value : '');
    const handover = c.handovers[0];
    const row: Record<(typeof EXPORT_COLUMNS)[number], string> = {
      case: pseudonym(c.id),
      first_contact_week: weekOf(c.createdAt),
      channel: c.channel,
      consulter_type: c.consulterType ?? '',
      language: code(c.language),
      status: c.status,
      urgency: c.urgency,
      stage: code(c.stage),
      ...(Object.fromEntries(EXPORTED_ANSWER_KEYS.map((k) => [`answer_${k}`, answers.get(k) ?? ''])) as Record<`answer_${(typeof EXPORTED_ANSWER_KEYS)[number]}`, string>),
      own_wish: code(quality.ownWish?.value),
      household_risk: code(quality.householdRisk?.value),
      support_connections: code(quality.supportConnections?.value),
      minutes_to_first_reply: c.queuedAt && c.firstStaffReplyAt ? String(Math.round((c.firstStaffReplyAt.getTime() - c.queuedAt.getTime()) / 60_000)) : '',
      handed_over: handover ? '1' : '0',
      handover_basis: handover?.basis ?? '',
      hours_to_acknowledge: handover?.acknowledgedAt ? String(Math.round((handover.acknowledgedAt.getTime() - handover.createdAt.getTime()) / 3_600_000)) : '',
      reminders_fired: String(c._count.reminders),
      intake_last_question: funnel.get(c.id)?.lastStep ?? '',
      intake_answered: String(funnel.get(c.id)?.answered ?? 0),
      intake_skipped: String(funnel.get(c.id)?.skipped ?? 0),
      intake_wrote_instead: String(funnel.get(c.id)?.wrote ?? 0),
      closed_week: c.closedAt ? weekOf(c.closedAt) : '',
      data_deleted: deleted.has(c.id) ? '1' : '0',
      anonymised: c.anonymisedAt ? '1' : '0',
      ...(centerCells.get(c.id) ?? (Object.fromEntries(CENTER_EXPORT_COLUMNS.map((k) => [k, ''])) as Record<(typeof CENTER_EXPORT_COLUMNS)[number], string>)),
    };
    return EXPORT_COLUMNS.map((column) => row[column] ?? '');
  });
  // Sorted by week, then pseudonym: the order says nothing about when in the week a case came.
  rows.sort((a, b) => a[1]!.localeCompare(b[1]!) || a[0]!.localeCompare(b[0]!));
  return { columns: EXPORT_COLUMNS, rows };
}

/** RFC 4180 CSV with a BOM (Excel opens UTF-8 Japanese correctly); cells cannot start a formula. */
export function toCsv(columns: readonly string[], rows: string[][]): string {
  const cell = (value: string) => {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return `\uFEFF${[columns, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
