import { z } from 'zod';
import { analyticsExportRows, analyticsOverview, toCsv, weekOf, weekRange } from '../cases/analytics.js';
import { recordAudit } from '../cases/audit.js';
import type { CaseDeps } from '../cases/deps.js';
import { HttpError } from '../http/errors.js';
import { operation, type Operation } from './operations.js';

const SUPERVISION = ['SUPERVISOR'] as const;
const DEFAULT_WEEKS = 12;
const MAX_WEEKS = 106;

/** A real calendar day (2026-13-45 is refused here, not by an invalid Date further on). */
const day = z.iso.date('a calendar day, YYYY-MM-DD');
export const analyticsQuery = z
  .object({
    /** First day (JST); the range starts on the Monday of its week. Default: 12 weeks before `to`. */
    from: day.optional(),
    /** Last day (JST), included. Default: today. */
    to: day.optional(),
  })
  .strict();

function rangeOf(query: z.infer<typeof analyticsQuery>, now: Date) {
  const to = query.to ?? new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
  const from = query.from ?? weekOf(new Date(new Date(`${to}T12:00:00+09:00`).getTime() - (DEFAULT_WEEKS - 1) * 7 * 86_400_000));
  const range = weekRange(from, to);
  if (!(range.from < range.to) || range.to.getTime() - range.from.getTime() > MAX_WEEKS * 7 * 86_400_000) {
    throw new HttpError(400, 'invalid_range', `期間は ${MAX_WEEKS} 週以内で、開始日を終了日より前にしてください。`);
  }
  return { range, from, to };
}

/** The supervisors' analytics (/api/staff/analytics): counts for the dashboard and an anonymised CSV. */
export function analyticsOperations(deps: CaseDeps): Operation[] {
  const { db } = deps;
  return [
    operation({
      method: 'get',
      path: '/analytics',
      tag: 'supervision',
      roles: SUPERVISION,
      summary: 'Counts for the analytics dashboard, by week (JST): consultations by who writes and channel, age bands, stages, urgency, time to first reply, handovers and acknowledgement, reminders',
      description: 'No person’s words and no ids. Viewing is audited (analytics.viewed).',
      query: analyticsQuery,
      errors: { 400: 'Invalid range (more than 106 weeks, or from after to)' },
      handle: async ({ auth, query }) => {
        const { range, from, to } = rangeOf(query, deps.now());
        await recordAudit(db, auth.actor, 'analytics.viewed', null, { from, to }, deps.now());
        return analyticsOverview(db, range);
      },
    }),
    operation({
      method: 'get',
      path: '/analytics/export.csv',
      tag: 'supervision',
      roles: SUPERVISION,
      summary: 'Anonymised case-level CSV for the city’s analysis (audited as analytics.export)',
      description:
        'One row per consultation: a pseudonym valid for this export only, the week of first contact, channel, who writes, status, urgency, stage, coded intake answers (no health answers), quality markers, reply and acknowledgement times, reminders fired. No free text, no channel ids, no dates finer than a week.',
      query: analyticsQuery,
      streaming: true,
      handle: async ({ auth, query, res }) => {
        const { range, from, to } = rangeOf(query, deps.now());
        const { columns, rows } = await analyticsExportRows(db, range);
        await recordAudit(db, auth.actor, 'analytics.export', null, { from, to, rows: rows.length, columns: [...columns] }, deps.now());
        res
          .status(200)
          .set('Content-Type', 'text/csv; charset=utf-8')
          .set('Content-Disposition', `attachment; filename="yorisoi-analytics-${from}_${to}.csv"`)
          .send(toCsv(columns, rows));
      },
    }),
  ];
}
