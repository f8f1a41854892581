import { describe, expect, it } from 'vitest';
import { DeskHours, deskHoursSchema } from '../../../src/desk/desk-hours.js';
import { OnCallRota, onCallFileSchema } from '../../../src/oncall/rota.js';
import { ackToken, verifyAckToken } from '../../../src/oncall/paging.js';

const desk = new DeskHours(
  deskHoursSchema.parse({
    timeZone: 'Asia/Tokyo',
    weekly: { mon: ['09:00', '18:00'], tue: ['09:00', '18:00'], wed: ['09:00', '18:00'], thu: ['09:00', '18:00'], fri: ['09:00', '18:00'], sat: ['09:00', '18:00'], sun: null },
    closedOnPublicHolidays: true,
    closedDates: ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03'],
  }),
);
const person = (id: string) => ({ id, name: id, contacts: { email: `${id}@city.example.jp` } });
const rota = new OnCallRota(
  onCallFileSchema.parse({
    escalateAfterMinutes: 10,
    people: [person('weekend'), person('night'), person('night2'), person('boss')],
    supervisors: ['boss'],
    shifts: [
      { days: ['holiday', 'sun'], people: ['weekend'] },
      { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'holiday'], from: '18:00', to: '09:00', people: ['night', 'night2'] },
    ],
  }),
  desk,
);
const chain = (iso: string) => rota.chainAt(new Date(iso)).map((p) => p.id);

describe('the on-call rota', () => {
  it('is empty while the desk is open (staff on duty see the alert)', () => {
    expect(chain('2026-12-02T10:00:00+09:00')).toEqual([]);
  });
  it('covers weekday nights, the early morning belonging to the shift that started the evening before', () => {
    expect(chain('2026-12-02T19:00:00+09:00')).toEqual(['night', 'night2', 'boss']);
    expect(chain('2026-12-03T03:40:00+09:00')).toEqual(['night', 'night2', 'boss']);
    expect(chain('2026-12-03T08:59:00+09:00')).toEqual(['night', 'night2', 'boss']);
  });
  it('uses the holiday shift on Sundays, public holidays and the desk closed dates, and the night shift the morning after', () => {
    expect(chain('2026-12-06T12:00:00+09:00')).toEqual(['weekend', 'boss']); // Sunday
    expect(chain('2026-12-30T12:00:00+09:00')).toEqual(['weekend', 'boss']); // year-end closed date
    expect(chain('2027-01-11T12:00:00+09:00')).toEqual(['weekend', 'boss']); // 成人の日
    expect(chain('2026-12-07T03:00:00+09:00')).toEqual(['night', 'night2', 'boss']); // Monday early morning after a Sunday
  });
  it('rejects a rota naming people it does not list', () => {
    expect(onCallFileSchema.safeParse({ escalateAfterMinutes: 5, people: [], shifts: [{ days: ['mon'], people: ['ghost'] }] }).success).toBe(false);
  });
});

describe('acknowledgement tokens', () => {
  const id = '3f0c1f6e-8f1a-4a53-9d1e-2b7c5d9e0a11';
  it('verify only with the right secret and an untouched signature', () => {
    const token = ackToken('s'.repeat(32), id);
    expect(verifyAckToken('s'.repeat(32), token)).toBe(id);
    expect(verifyAckToken('t'.repeat(32), token)).toBeNull();
    expect(verifyAckToken('s'.repeat(32), `${token}x`)).toBeNull();
    expect(verifyAckToken('s'.repeat(32), token.replace(id, id.replace('3f', '4f')))).toBeNull();
    expect(verifyAckToken('s'.repeat(32), '\u0000.\ud800')).toBeNull();
  });
});
