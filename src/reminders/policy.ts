import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Urgency } from '../db/client.js';
import type { DeskHours } from '../desk/desk-hours.js';

// Reminder timings are data (data/reminders.yaml). Emergency timings count real minutes at any
// hour; every other timing counts desk time, so nothing "falls due" on a Sunday or a holiday.

const minutes = z.number().positive();
export const reminderPolicySchema = z.object({
  unclaimed: z.object({ emergencyMinutes: minutes, highDeskMinutes: minutes, normalDeskMinutes: minutes }),
  awaitingStaffReply: z.object({ emergencyMinutes: minutes, deskMinutes: minutes }),
  handoverUnacknowledged: z.object({
    /** An emergency (or an emergency override) must be received within this many real minutes. */
    emergencyMinutes: minutes.default(60),
    highBusinessDays: z.number().int().positive().default(1),
    businessDays: z.number().int().positive(),
  }),
  followUp: z.object({ remindAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/) }),
  escalation: z.object({ emergencyMinutes: minutes, deskMinutes: minutes }),
  userCheckIn: z.object({ defaultDays: z.number().int().positive() }),
  /** 速やかにアウトリーチ: a meeting or home visit the person asked for is arranged within this desk time. */
  outreach: z.object({ deskMinutes: minutes }).default({ deskMinutes: 480 }),
  /** The receiving center's side (src/center/). */
  centerCase: z
    .object({
      /** A 支援調整会議's next review date fires at this time that day (desk hours). */
      reviewRemindAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default('09:30'),
      /** A center case with no activity for this many days prompts its key person. */
      inactiveDays: z.number().int().positive().default(90),
    })
    .default({ reviewRemindAt: '09:30', inactiveDays: 90 }),
});
export type ReminderPolicyData = z.infer<typeof reminderPolicySchema>;

const MINUTE = 60_000;
const TOKYO_OFFSET_MS = 9 * 60 * MINUTE;

export class ReminderPolicy {
  constructor(
    readonly data: ReminderPolicyData,
    private readonly desk: DeskHours,
  ) {}

  private deskMinutesFrom(from: Date, m: number) {
    return this.desk.addBusinessTime(from, m * MINUTE);
  }

  unclaimedDueAt(urgency: Urgency, queuedAt: Date): Date {
    const u = this.data.unclaimed;
    if (urgency === 'EMERGENCY') return new Date(queuedAt.getTime() + u.emergencyMinutes * MINUTE);
    return this.deskMinutesFrom(queuedAt, urgency === 'HIGH' ? u.highDeskMinutes : u.normalDeskMinutes);
  }

  awaitingReplyDueAt(urgency: Urgency, waitingSince: Date): Date {
    const a = this.data.awaitingStaffReply;
    if (urgency === 'EMERGENCY') return new Date(waitingSince.getTime() + a.emergencyMinutes * MINUTE);
    return this.deskMinutesFrom(waitingSince, a.deskMinutes);
  }

  /** When the center must have received (受け止め) a handover: an emergency within the hour, in real time. */
  handoverDueAt(handedOverAt: Date, urgency: Urgency = 'NORMAL'): Date {
    const h = this.data.handoverUnacknowledged;
    if (urgency === 'EMERGENCY') return new Date(handedOverAt.getTime() + h.emergencyMinutes * MINUTE);
    return this.desk.addBusinessDays(handedOverAt, urgency === 'HIGH' ? h.highBusinessDays : h.businessDays);
  }

  /** A review date ("2027-01-12") fires at centerCase.reviewRemindAt that day, or the next desk opening. */
  reviewDueAt(date: string): Date {
    return this.atDeskTime(date, this.data.centerCase.reviewRemindAt);
  }

  /** A center case untouched since `lastActivityAt` prompts its key person this much later (calendar days). */
  inactiveDueAt(lastActivityAt: Date): Date {
    return this.desk.nextOpening(new Date(lastActivityAt.getTime() + this.data.centerCase.inactiveDays * 24 * 60 * MINUTE));
  }

  private atDeskTime(date: string, time: string): Date {
    const [h, m] = time.split(':').map(Number) as [number, number];
    const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
    return this.desk.nextOpening(new Date(Date.UTC(y, mo - 1, d, h, m) - TOKYO_OFFSET_MS));
  }

  /** A follow-up date ("2026-12-08") fires at the configured time that day, or the next desk opening. */
  followUpDueAt(date: string): Date {
    return this.atDeskTime(date, this.data.followUp.remindAt);
  }

  /** The opt-in check-in: `userCheckIn.defaultDays` service days later, an hour into desk time. */
  checkInDueAt(from: Date): Date {
    return this.deskMinutesFrom(this.desk.addBusinessDays(from, this.data.userCheckIn.defaultDays), 60);
  }

  outreachDueAt(requestedAt: Date): Date {
    return this.deskMinutesFrom(requestedAt, this.data.outreach.deskMinutes);
  }

  escalationAt(urgency: Urgency, firedAt: Date): Date {
    const e = this.data.escalation;
    if (urgency === 'EMERGENCY') return new Date(firedAt.getTime() + e.emergencyMinutes * MINUTE);
    return this.deskMinutesFrom(firedAt, e.deskMinutes);
  }
}

const policyFile = new URL('../../data/reminders.yaml', import.meta.url);

export function loadReminderPolicy(desk: DeskHours): ReminderPolicy {
  return new ReminderPolicy(reminderPolicySchema.parse(parse(readFileSync(policyFile, 'utf8'))), desk);
}
