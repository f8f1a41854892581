import type { Db } from '../db/client.js';
import { PLAN_TRACKS, GOAL_PROGRESS, CLOSURE_REASONS } from './vocabulary.js';

// The center's side in the city's analysis: coded referrals, plans, goals, outcomes and end
// reasons, and how long each step took from the first contact. Counts only — never a word, an
// id or a date finer than the dashboard's weeks (the export adds durations in whole days).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Counts = Record<string, number>;
interface Range {
  from: Date;
  to: Date;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  const value = (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
  return Math.round(value * 10) / 10;
}

const count = (values: string[], keys: readonly string[] = []): Counts => {
  const out: Counts = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

/** A meeting's day (YYYY-MM-DD, Tokyo) as noon that day: durations to it are whole-day accurate. */
const dayAt = (day: string) => new Date(`${day}T12:00:00+09:00`);

/** Per case first contacted in the range: the center's facts the dashboard and the export share. */
async function centerFacts(db: Db, range: Range) {
  const cases = await db.case.findMany({
    where: { createdAt: { gte: range.from, lt: range.to }, status: { not: 'INTAKE' } },
    select: {
      id: true,
      createdAt: true,
      handovers: { select: { createdAt: true, acknowledgedAt: true }, orderBy: { createdAt: 'asc' }, take: 1 },
      centerCase: { select: { closedAt: true, closeReason: true, noContactMonths: true } },
      meetings: { select: { heldOn: true, kind: true }, orderBy: { createdAt: 'asc' } },
      // Only coded columns of goals and referrals (their texts are never read here).
      goals: { select: { track: true, ownerKind: true, progress: true } },
      referrals: { select: { resourceId: true, resourceKind: true, via: true } },
    },
    take: 100_000,
  });
  return cases.map((c) => {
    const handover = c.handovers[0];
    const firstMeeting = c.meetings[0];
    return {
      id: c.id,
      hoursToHandover: handover ? (handover.createdAt.getTime() - c.createdAt.getTime()) / HOUR : null,
      hoursToAcknowledge: handover?.acknowledgedAt ? (handover.acknowledgedAt.getTime() - c.createdAt.getTime()) / HOUR : null,
      daysToFirstMeeting: firstMeeting ? Math.max(0, (dayAt(firstMeeting.heldOn).getTime() - c.createdAt.getTime()) / DAY) : null,
      daysToClosure: c.centerCase?.closedAt ? (c.centerCase.closedAt.getTime() - c.createdAt.getTime()) / DAY : null,
      closeReason: c.centerCase?.closedAt ? c.centerCase.closeReason : null,
      noContactMonths: c.centerCase?.noContactMonths ?? null,
      meetings: c.meetings.length,
      goals: c.goals,
      referrals: c.referrals,
    };
  });
}

/** The dashboard's center figures for consultations first contacted in `range`. */
export async function centerAnalytics(db: Db, range: Range) {
  const facts = await centerFacts(db, range);
  const goals = facts.flatMap((f) => f.goals);
  const referrals = facts.flatMap((f) => f.referrals);
  const defined = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
  return {
    referrals: {
      total: referrals.length,
      cases: facts.filter((f) => f.referrals.length > 0).length,
      byKind: count(referrals.map((r) => r.resourceKind)),
      byVia: count(referrals.map((r) => r.via), ['bot', 'desk', 'center']),
      byResource: count(referrals.map((r) => r.resourceId)),
    },
    plans: {
      casesWithMeeting: facts.filter((f) => f.meetings > 0).length,
      meetings: facts.reduce((n, f) => n + f.meetings, 0),
      goals: goals.length,
      goalsByTrack: count(goals.map((g) => g.track), PLAN_TRACKS),
      goalsByOwnerKind: count(goals.map((g) => g.ownerKind), ['section', 'agency']),
      /** Where each goal stands now (its latest review), per track. */
      progressByTrack: Object.fromEntries(PLAN_TRACKS.map((track) => [track, count(goals.filter((g) => g.track === track).map((g) => g.progress), GOAL_PROGRESS)])),
    },
    closures: {
      total: facts.filter((f) => f.closeReason).length,
      byReason: count(facts.flatMap((f) => (f.closeReason ? [f.closeReason] : [])), CLOSURE_REASONS),
    },
    /** Medians from the first contact, over the cases that reached each step. */
    timings: {
      toHandoverHours: median(defined(facts.map((f) => f.hoursToHandover))),
      toAcknowledgeHours: median(defined(facts.map((f) => f.hoursToAcknowledge))),
      toFirstMeetingDays: median(defined(facts.map((f) => f.daysToFirstMeeting))),
      toClosureDays: median(defined(facts.map((f) => f.daysToClosure))),
      reached: {
        handover: defined(facts.map((f) => f.hoursToHandover)).length,
        acknowledged: defined(facts.map((f) => f.hoursToAcknowledge)).length,
        firstMeeting: defined(facts.map((f) => f.daysToFirstMeeting)).length,
        closure: defined(facts.map((f) => f.daysToClosure)).length,
      },
    },
  };
}

export const CENTER_EXPORT_COLUMNS = [
  'referrals',
  'referral_kinds',
  'meetings',
  'goals_person',
  'goals_family',
  'goals_community',
  'goals_achieved',
  'close_reason',
  'no_contact_months',
  'days_to_handover',
  'days_to_acknowledge',
  'days_to_first_meeting',
  'days_to_closure',
] as const;

/** The export's center columns per case id (coded, whole days). */
export async function centerExportCells(db: Db, range: Range): Promise<Map<string, Record<(typeof CENTER_EXPORT_COLUMNS)[number], string>>> {
  const facts = await centerFacts(db, range);
  const days = (value: number | null, unit: number) => (value === null ? '' : String(Math.floor(value / unit)));
  return new Map(
    facts.map((f) => [
      f.id,
      {
        referrals: String(f.referrals.length),
        referral_kinds: [...new Set(f.referrals.map((r) => r.resourceKind))].sort().join(';'),
        meetings: String(f.meetings),
        goals_person: String(f.goals.filter((g) => g.track === 'person').length),
        goals_family: String(f.goals.filter((g) => g.track === 'family').length),
        goals_community: String(f.goals.filter((g) => g.track === 'community').length),
        goals_achieved: String(f.goals.filter((g) => g.progress === 'achieved').length),
        close_reason: f.closeReason ?? '',
        no_contact_months: f.noContactMonths === null ? '' : String(f.noContactMonths),
        days_to_handover: days(f.hoursToHandover, 24),
        days_to_acknowledge: days(f.hoursToAcknowledge, 24),
        days_to_first_meeting: days(f.daysToFirstMeeting, 1),
        days_to_closure: days(f.daysToClosure, 1),
      },
    ]),
  );
}
