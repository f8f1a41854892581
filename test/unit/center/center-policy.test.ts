import { describe, expect, it } from 'vitest';
import { loadDeskHours } from '../../../src/desk/load.js';
import { loadReminderPolicy } from '../../../src/reminders/policy.js';

const jst = (iso: string) => new Date(`${iso}+09:00`);
const policy = loadReminderPolicy(loadDeskHours());

describe('the center deadlines (data/reminders.yaml)', () => {
  it('an emergency handover must be received within the hour, in real minutes, at any hour', () => {
    const sundayNight = jst('2026-11-22T03:00:00');
    expect(policy.handoverDueAt(sundayNight, 'EMERGENCY')).toEqual(jst('2026-11-22T04:00:00'));
    // Others in desk days: a high-risk case within one, any other within two.
    expect(policy.handoverDueAt(jst('2026-11-20T15:00:00'), 'HIGH')).toEqual(jst('2026-11-21T09:00:00')); // the next desk day's opening (Saturday)
    expect(policy.handoverDueAt(jst('2026-11-20T15:00:00'), 'NORMAL')).toEqual(policy.handoverDueAt(jst('2026-11-20T15:00:00')));
  });

  it('a review date reminds at 09:30 that day, or at the next opening; inactivity after the configured days', () => {
    expect(policy.reviewDueAt('2026-12-08')).toEqual(jst('2026-12-08T09:30:00'));
    expect(policy.reviewDueAt('2026-11-23')).toEqual(jst('2026-11-24T09:00:00')); // a holiday
    const at = jst('2026-12-01T10:00:00');
    const due = policy.inactiveDueAt(at);
    const days = (due.getTime() - at.getTime()) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(policy.data.centerCase.inactiveDays);
    expect(days).toBeLessThan(policy.data.centerCase.inactiveDays + 4);
  });
});
