// The supervisors' analytics: counts by week for the dashboard, and an anonymised CSV export
// (pseudonyms, weeks, codes; no free text, no channel ids), both audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekOf } from '../../../src/cases/analytics.js';
import type { Db } from '../../../src/db/client.js';
import { seedAnalytics, type SeededAnalytics } from '../../support/analytics-seed.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createStaff, StaffClient } from '../../support/staff.js';

const jstDay = (date: Date) => new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);

/** The CSV as Excel reads it: UTF-8 with a byte order mark, CRLF lines. */
async function csvOf(response: Response): Promise<{ text: string; table: string[][] }> {
  const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
  return { text, table: parseCsv(text) };
}

function parseCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  return text
    .slice(1)
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
}

describe('analytics for supervisors', () => {
  let app: TestApp;
  let db: Db;
  let supervisor: StaffClient;
  let counselor: StaffClient;
  let seeded: SeededAnalytics;
  const now = new Date();
  const query = () => `from=${jstDay(new Date(now.getTime() - 12 * 7 * 86_400_000))}&to=${jstDay(now)}`;

  beforeAll(async () => {
    app = await startTestApp({ worker: false });
    db = app.runtime.db;
    seeded = await seedAnalytics(db, { now, weeks: 10, count: 40 });
    supervisor = await StaffClient.login(app.url, await createStaff(db, { role: 'SUPERVISOR' }));
    counselor = await StaffClient.login(app.url, await createStaff(db, { role: 'COUNSELOR' }));
  }, 60_000);
  afterAll(async () => {
    await app?.dispose();
  });

  it('is for supervisors only', async () => {
    expect((await counselor.get(`/analytics?${query()}`)).status).toBe(403);
    expect((await counselor.get(`/analytics/export.csv?${query()}`)).status).toBe(403);
    expect((await supervisor.get('/analytics?from=2020-01-01&to=2026-01-01')).status).toBe(400);
  });

  it('counts consultations by week, who writes, channel, age band, stage and urgency; times and reminders', async () => {
    const response = await supervisor.get(`/analytics?${query()}`);
    expect(response.status).toBe(200);
    const data = response.body;
    const cases = await db.case.findMany({ where: { status: { not: 'INTAKE' } }, include: { handovers: true } });
    expect(data.consultations.total).toBe(cases.length);
    expect(data.consultations.intakeOnly).toBe(seeded.intakeOnly);
    // Every week of the range is there (Mondays), and the weekly counts add up.
    expect(data.range.weeks.length).toBe(13);
    for (const week of data.range.weeks) expect(new Date(`${week}T12:00:00+09:00`).getUTCDay()).toBe(1);
    const sum = (rows: { counts: Record<string, number> }[]) => rows.reduce((n, r) => n + Object.values(r.counts).reduce((a, b) => a + b, 0), 0);
    expect(sum(data.consultations.byWeekAndConsulter)).toBe(cases.length);
    expect(sum(data.consultations.byWeekAndChannel)).toBe(cases.length);
    const week = weekOf(seeded.cases[0]!.createdAt);
    const row = data.consultations.byWeekAndChannel.find((r: { week: string }) => r.week === week);
    expect(Object.values(row.counts).reduce((a: number, b) => a + (b as number), 0)).toBe(cases.filter((c) => weekOf(c.createdAt) === week).length);
    expect(data.consultations.byWeekAndConsulter.flatMap((r: { counts: object }) => Object.keys(r.counts))).toContain('UNKNOWN');

    expect(Object.values(data.ageBands as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(cases.length);
    expect(data.ageBands.unknown).toBeGreaterThan(0);
    expect(data.urgency).toEqual({
      EMERGENCY: cases.filter((c) => c.urgency === 'EMERGENCY').length,
      HIGH: cases.filter((c) => c.urgency === 'HIGH').length,
      NORMAL: cases.filter((c) => c.urgency === 'NORMAL').length,
    });
    expect(data.stages.unknown).toBe(cases.filter((c) => c.stage === null).length);

    const replied = cases.filter((c) => c.firstStaffReplyAt);
    expect(data.firstReply.replied).toBe(replied.length);
    expect(data.firstReply.buckets.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(replied.length);
    expect(data.firstReply.medianMinutes).toBeGreaterThan(0);

    const handovers = cases.flatMap((c) => c.handovers);
    expect(data.handovers).toMatchObject({ total: handovers.length, acknowledged: handovers.filter((h) => h.acknowledgedAt).length });
    expect(data.handovers.timeToAcknowledge.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(handovers.length);
    expect(data.reminders.fired).toBe(await db.reminder.count({ where: { firedAt: { not: null } } }));
    expect(data.reminders.fired).toBeGreaterThan(0);

    // Nothing personal in it.
    const text = JSON.stringify(data);
    for (const secret of seeded.secrets) expect(text).not.toContain(secret);
    for (const c of cases) expect(text).not.toContain(c.id);
    expect(await db.auditEvent.count({ where: { action: 'analytics.viewed' } })).toBeGreaterThan(0);
  });

  it('exports anonymised case-level CSV: pseudonyms, weeks and codes only, audited', async () => {
    const response = await fetch(`${app.url}/api/staff/analytics/export.csv?${query()}`, { headers: { cookie: supervisor.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="yorisoi-analytics-/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { text, table } = await csvOf(response);
    const [header, ...rows] = table;
    const consultations = await db.case.count({ where: { status: { not: 'INTAKE' } } });
    expect(rows).toHaveLength(consultations);
    const col = (name: string) => header!.indexOf(name);
    expect(col('case')).toBe(0);
    expect(header).toContain('answer_age_band');
    // No health answers leave the desk, even coded.
    expect(header!.some((h) => h.includes('health'))).toBe(false);

    // No free text, no channel ids, no case ids, no exact dates.
    for (const secret of seeded.secrets) expect(text).not.toContain(secret);
    const ids = await db.case.findMany({ select: { id: true, conversationId: true } });
    for (const { id, conversationId } of ids) {
      expect(text).not.toContain(id);
      expect(text).not.toContain(conversationId);
    }
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    for (const row of rows) {
      expect(row[0]).toMatch(/^c[0-9a-f]{12}$/);
      expect(new Date(`${row[col('first_contact_week')]}T12:00:00+09:00`).getUTCDay()).toBe(1);
      for (const cell of row) expect(cell).toMatch(/^[A-Za-z0-9_-]*$/);
    }
    expect(new Set(rows.map((r) => r[col('answer_household_worries')]))).toEqual(new Set(['money']));

    // A new export, new pseudonyms: two exports cannot be joined.
    const { table: again } = await csvOf(await fetch(`${app.url}/api/staff/analytics/export.csv?${query()}`, { headers: { cookie: supervisor.cookie } }));
    const first = new Set(rows.map((r) => r[0]));
    expect(again.slice(1).some((r) => first.has(r[0]!))).toBe(false);

    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'analytics.export' }, orderBy: { id: 'desc' } });
    expect(audit.detail).toMatchObject({ rows: consultations });
  });
});
