// The on-call rota (data/oncall.yaml): who is paged, in which order, for an emergency outside desk
// hours. Pure: the desk hours and holidays come from DeskHours, the time from the caller.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { DeskHours } from '../desk/desk-hours.js';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const personId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'holiday'] as const;

export const onCallPersonSchema = z
  .object({
    id: personId,
    name: z.string().min(1),
    /** Where a page goes. Each kind of contact is one transport (src/oncall/transports.ts). */
    contacts: z
      .object({
        email: z.email().optional(),
        webhook: z.url({ protocol: /^https?$/ }).optional(),
      })
      .strict()
      .refine((c) => c.email !== undefined || c.webhook !== undefined, 'give an email or a webhook'),
  })
  .strict();
export type OnCallPerson = z.infer<typeof onCallPersonSchema>;

export const onCallFileSchema = z
  .object({
    /** Unacknowledged this long, a page goes to the next person (decimals allowed, e.g. 0.5). */
    escalateAfterMinutes: z.number().positive().max(240),
    people: z.array(onCallPersonSchema).default([]),
    supervisors: z.array(personId).default([]),
    shifts: z
      .array(
        z
          .object({
            days: z.array(z.enum(DAYS)).min(1),
            from: time.optional(),
            to: time.optional(),
            people: z.array(personId).min(1),
          })
          .strict()
          .refine((s) => (s.from === undefined) === (s.to === undefined), 'give both from and to, or neither'),
      )
      .default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const ids = new Set(file.people.map((p) => p.id));
    const named = [...file.supervisors, ...file.shifts.flatMap((s) => s.people)];
    for (const id of named) if (!ids.has(id)) ctx.addIssue({ code: 'custom', message: `"${id}" is not in people` });
  });
export type OnCallFile = z.infer<typeof onCallFileSchema>;

const TOKYO_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function tokyo(instant: Date) {
  const shifted = new Date(instant.getTime() + TOKYO_OFFSET_MS);
  return { weekday: shifted.getUTCDay(), minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes() };
}

export class OnCallRota {
  private readonly people: Map<string, OnCallPerson>;

  constructor(
    readonly file: OnCallFile,
    private readonly desk: DeskHours,
  ) {
    this.people = new Map(file.people.map((p) => [p.id, p]));
  }

  get escalateAfterMs(): number {
    return Math.round(this.file.escalateAfterMinutes * 60_000);
  }

  person(id: string): OnCallPerson | undefined {
    return this.people.get(id);
  }

  /** Whether the shift's day rule holds for the Tokyo day of `instant`. */
  private dayMatches(days: readonly (typeof DAYS)[number][], instant: Date): boolean {
    if (this.desk.isHolidayOrClosedDate(instant)) return days.includes('holiday');
    return days.includes(DAYS[tokyo(instant).weekday]!);
  }

  /**
   * Who is paged for an emergency at `instant`, first to last: the people of the first shift that
   * covers it, then the supervisors. Empty while the desk is open (staff on duty see the alert) or
   * when no shift covers the time.
   */
  chainAt(instant: Date): OnCallPerson[] {
    if (this.desk.isOpen(instant)) return [];
    const { minutes } = tokyo(instant);
    for (const shift of this.file.shifts) {
      let covers = false;
      if (shift.from === undefined || shift.to === undefined) {
        covers = this.dayMatches(shift.days, instant);
      } else {
        const from = toMinutes(shift.from);
        const to = toMinutes(shift.to);
        if (from < to) covers = this.dayMatches(shift.days, instant) && minutes >= from && minutes < to;
        // Past midnight: the evening part belongs to today, the early morning to yesterday's shift.
        else covers = minutes >= from ? this.dayMatches(shift.days, instant) : minutes < to && this.dayMatches(shift.days, new Date(instant.getTime() - DAY_MS));
      }
      if (!covers) continue;
      const ids = [...shift.people, ...this.file.supervisors.filter((id) => !shift.people.includes(id))];
      return ids.map((id) => this.people.get(id)).filter((p): p is OnCallPerson => p !== undefined);
    }
    return [];
  }
}

const defaultFile = new URL('../../data/oncall.yaml', import.meta.url);

/** Reads and validates data/oncall.yaml (or `path`, e.g. ONCALL_FILE). */
export function loadOnCallRota(desk: DeskHours, path?: string): OnCallRota {
  const raw: unknown = parse(readFileSync(path ?? defaultFile, 'utf8'));
  const parsed = onCallFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${path ?? 'data/oncall.yaml'}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  }
  return new OnCallRota(parsed.data, desk);
}
