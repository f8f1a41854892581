import holidayJp from '@holiday-jp/holiday_jp';
import { z } from 'zod';

// Desk hours are data (data/desk.yaml); this module answers "is the desk open?" and "when does
// it next open?" in Asia/Tokyo, skipping Sundays, Japanese public holidays and closed dates.

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const dayHours = z.tuple([time, time]).nullable();

export const deskHoursSchema = z.object({
  timeZone: z.literal('Asia/Tokyo'),
  weekly: z.object({ mon: dayHours, tue: dayHours, wed: dayHours, thu: dayHours, fri: dayHours, sat: dayHours, sun: dayHours }),
  closedOnPublicHolidays: z.boolean(),
  closedDates: z.array(z.string().regex(/^\d{2}-\d{2}$/, 'MM-DD')).default([]),
});

export type DeskHoursData = z.infer<typeof deskHoursSchema>;

const weekdayKeys = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const TOKYO_OFFSET_MS = 9 * 60 * 60 * 1000; // Japan has no daylight saving time.
const MINUTE = 60_000;

/** The wall-clock date and time in Tokyo for an instant. */
function tokyoParts(instant: Date) {
  const shifted = new Date(instant.getTime() + TOKYO_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
    minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function tokyoInstant(year: number, month: number, day: number, minutes: number): Date {
  return new Date(Date.UTC(year, month - 1, day, 0, minutes) - TOKYO_OFFSET_MS);
}

export interface Holiday {
  date: string;
  name: string;
  nameEn: string;
}

export class DeskHours {
  constructor(private readonly data: DeskHoursData) {}

  /** The public holiday on the Tokyo calendar day of `instant`, if any. */
  holidayOn(instant: Date): Holiday | null {
    const { year, month, day } = tokyoParts(instant);
    const holidays = holidayJp.holidays as Record<string, { date: string; name: string; name_en: string } | undefined>;
    const entry = holidays[`${year}-${pad(month)}-${pad(day)}`];
    return entry ? { date: entry.date, name: entry.name, nameEn: entry.name_en } : null;
  }

  /** Whether the Tokyo calendar day of `instant` is a public holiday or one of the desk's closed dates. */
  isHolidayOrClosedDate(instant: Date): boolean {
    const { month, day } = tokyoParts(instant);
    return this.holidayOn(instant) !== null || this.data.closedDates.includes(`${pad(month)}-${pad(day)}`);
  }

  /** Opening hours (minutes since midnight, Tokyo) of the day containing `instant`, or null if closed all day. */
  hoursOn(instant: Date): { open: number; close: number } | null {
    const { month, day, weekday } = tokyoParts(instant);
    if (this.data.closedDates.includes(`${pad(month)}-${pad(day)}`)) return null;
    if (this.data.closedOnPublicHolidays && this.holidayOn(instant)) return null;
    const hours = this.data.weekly[weekdayKeys[weekday]!];
    return hours ? { open: toMinutes(hours[0]), close: toMinutes(hours[1]) } : null;
  }

  isOpen(instant: Date): boolean {
    const hours = this.hoursOn(instant);
    const { minutes } = tokyoParts(instant);
    return hours !== null && minutes >= hours.open && minutes < hours.close;
  }

  /** The next instant at or after `from` when the desk is open (`from` itself if open now). */
  nextOpening(from: Date): Date {
    if (this.isOpen(from)) return from;
    for (let offset = 0; offset < 40; offset++) {
      const { year, month, day, minutes } = tokyoParts(new Date(from.getTime() + offset * 24 * 60 * MINUTE));
      const midnight = tokyoInstant(year, month, day, 0);
      const hours = this.hoursOn(midnight);
      if (!hours) continue;
      if (offset === 0 && minutes >= hours.open) continue; // already past today's opening
      return tokyoInstant(year, month, day, hours.open);
    }
    throw new Error('The desk is closed for more than 40 days in a row: check data/desk.yaml');
  }

  /**
   * The instant when `durationMs` of desk time has passed after `from` — for non-emergency
   * timings ("remind if unclaimed for 2 working hours").
   */
  addBusinessTime(from: Date, durationMs: number): Date {
    let cursor = this.nextOpening(from);
    let remaining = durationMs;
    for (let guard = 0; guard < 400; guard++) {
      const { year, month, day } = tokyoParts(cursor);
      const hours = this.hoursOn(cursor)!;
      const closeAt = tokyoInstant(year, month, day, hours.close);
      const available = closeAt.getTime() - cursor.getTime();
      // Falling due at the very moment the desk closes helps nobody: carry it to the next opening.
      if (remaining < available) return new Date(cursor.getTime() + remaining);
      remaining -= available;
      cursor = this.nextOpening(closeAt);
    }
    throw new Error('addBusinessTime did not converge: check data/desk.yaml');
  }

  /** The start of desk hours `days` service days after the day of `from`. */
  addBusinessDays(from: Date, days: number): Date {
    let cursor = from;
    for (let i = 0; i < days; i++) {
      const { year, month, day } = tokyoParts(cursor);
      cursor = this.nextOpening(tokyoInstant(year, month, day, 24 * 60));
    }
    const hours = this.hoursOn(cursor);
    if (!hours) return this.nextOpening(cursor);
    const { year, month, day } = tokyoParts(cursor);
    return new Date(Math.max(cursor.getTime(), tokyoInstant(year, month, day, hours.open).getTime()));
  }

  /** "11月25日(水) 9:00" and friends, for telling a person when staff will reply. */
  describe(instant: Date): { ja: string; en: string; easy: string } {
    const { month, day, weekday, minutes } = tokyoParts(instant);
    const jaDays = ['日', '月', '火', '水', '木', '金', '土'];
    const enDays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const hm = `${Math.floor(minutes / 60)}:${pad(minutes % 60)}`;
    return {
      ja: `${month}月${day}日(${jaDays[weekday]}) ${hm}`,
      en: `${enDays[weekday]} ${month}/${day} ${hm} (Japan time)`,
      easy: `${month}がつ${day}にち(${jaDays[weekday]}) ${hm}`,
    };
  }
}
