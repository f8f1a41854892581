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
  handoverUnacknowledged: z.object({ businessDays: z.number().int().positive() }),
  followUp: z.object({ remindAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/) }),
  escalation: z.object({ emergencyMinutes: minutes, deskMinutes: minutes }),
  userCheckIn: z.object({ defaultDays: z.number().int().positive() }),
  /** 速やかにアウトリーチ: a meeting or home visit the person asked for is arranged within this desk time. */
  outreach: z.object({ deskMinutes: minutes }).default({ deskMinutes: 480 }),
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

  handoverDueAt(handedOverAt: Date): Date {
    return this.desk.addBusinessDays(handedOverAt, this.data.handoverUnacknowledged.businessDays);
  }

  /** A follow-up date ("2026-12-08") fires at the configured time that day, or the next desk opening. */
  followUpDueAt(date: string): Date {
    const [h, m] = this.data.followUp.remindAt.split(':').map(Number) as [number, number];
    const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
    const at = new Date(Date.UTC(y, mo - 1, d, h, m) - TOKYO_OFFSET_MS);
    return this.desk.nextOpening(at);
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
