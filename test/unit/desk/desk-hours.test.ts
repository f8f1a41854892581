import { describe, expect, it } from 'vitest';
import { loadDeskHours } from '../../../src/desk/load.js';
import { loadReminderPolicy } from '../../../src/reminders/policy.js';

// Instants are written in Japan time (+09:00) to read like the desk's calendar.
const jst = (iso: string) => new Date(`${iso}+09:00`);

describe('desk hours (data/desk.yaml) in Asia/Tokyo', () => {
  const desk = loadDeskHours();

  it('is open on weekdays and Saturdays 9:00–18:00, closed on Sundays', () => {
    expect(desk.isOpen(jst('2026-11-24T09:00:00'))).toBe(true); // Tuesday
    expect(desk.isOpen(jst('2026-11-24T08:59:59'))).toBe(false);
    expect(desk.isOpen(jst('2026-11-24T18:00:00'))).toBe(false);
    expect(desk.isOpen(jst('2026-11-28T12:00:00'))).toBe(true); // Saturday
    expect(desk.isOpen(jst('2026-11-29T12:00:00'))).toBe(false); // Sunday
  });

  it('is closed on Japanese public holidays and the year-end break', () => {
    expect(desk.holidayOn(jst('2026-11-23T12:00:00'))?.name).toBe('勤労感謝の日');
    expect(desk.isOpen(jst('2026-11-23T12:00:00'))).toBe(false); // Monday, a holiday
    expect(desk.isOpen(jst('2026-12-30T12:00:00'))).toBe(false);
    expect(desk.isOpen(jst('2027-01-04T12:00:00'))).toBe(true);
  });

  it('finds the next opening across a weekend and a holiday', () => {
    // Saturday 21 Nov after hours → Sunday closed → Monday 23 Nov holiday → Tuesday 9:00.
    expect(desk.nextOpening(jst('2026-11-21T18:30:00'))).toEqual(jst('2026-11-24T09:00:00'));
    expect(desk.nextOpening(jst('2026-11-24T07:00:00'))).toEqual(jst('2026-11-24T09:00:00'));
    const open = jst('2026-11-24T10:00:00');
    expect(desk.nextOpening(open)).toEqual(open);
    // New year: closed 29 Dec – 3 Jan (and 3 Jan 2027 is a Sunday anyway).
    expect(desk.nextOpening(jst('2026-12-28T18:00:00'))).toEqual(jst('2027-01-04T09:00:00'));
  });

  it('adds desk time, skipping nights, Sundays and holidays', () => {
    expect(desk.addBusinessTime(jst('2026-11-24T10:00:00'), 60 * 60_000)).toEqual(jst('2026-11-24T11:00:00'));
    // 17:30 Saturday + 1 hour → 30 minutes left Saturday, then Tuesday 9:30 (Sunday + holiday Monday).
    expect(desk.addBusinessTime(jst('2026-11-21T17:30:00'), 60 * 60_000)).toEqual(jst('2026-11-24T09:30:00'));
    // Starting at night counts from the next opening.
    expect(desk.addBusinessTime(jst('2026-11-24T22:00:00'), 30 * 60_000)).toEqual(jst('2026-11-25T09:30:00'));
  });

  it('adds service days', () => {
    // Friday 20 Nov + 2 service days → Saturday 21, (Sun, holiday Mon) Tuesday 24 at opening.
    expect(desk.addBusinessDays(jst('2026-11-20T15:00:00'), 2)).toEqual(jst('2026-11-24T09:00:00'));
  });

  it('describes an instant for the person in every language; やさしい日本語 writes the date out in kana', () => {
    expect(desk.describe(jst('2026-11-24T09:00:00'))).toEqual({
      ja: '11月24日(火) 9:00',
      en: 'Tue 11/24 9:00 (Japan time)',
      easy: '11がつ 24にち（かようび） 9じ',
      zh: '11月24日(周二) 9:00',
      ko: '11월 24일(화) 9:00',
      vi: '9:00 Thứ Ba, ngày 24/11 (giờ Nhật Bản)',
      pt: 'terça-feira, 24/11, às 9:00 (horário do Japão)',
    });
    expect(desk.describe(jst('2026-11-24T13:30:00')).easy).toBe('11がつ 24にち（かようび） 13じはん');
  });
});

describe('reminder timings (data/reminders.yaml)', () => {
  const policy = loadReminderPolicy(loadDeskHours());

  it('counts emergencies in real minutes at any hour, others in desk time', () => {
    const sundayNight = jst('2026-11-22T03:00:00');
    expect(policy.unclaimedDueAt('EMERGENCY', sundayNight)).toEqual(jst('2026-11-22T03:05:00'));
    expect(policy.unclaimedDueAt('NORMAL', sundayNight)).toEqual(jst('2026-11-24T10:00:00'));
    expect(policy.unclaimedDueAt('HIGH', jst('2026-11-24T17:50:00'))).toEqual(jst('2026-11-25T09:05:00'));
    expect(policy.awaitingReplyDueAt('EMERGENCY', sundayNight)).toEqual(jst('2026-11-22T03:10:00'));
    expect(policy.escalationAt('NORMAL', jst('2026-11-24T17:30:00'))).toEqual(jst('2026-11-25T09:30:00'));
  });

  it('fires follow-ups on their date, or the next opening', () => {
    expect(policy.followUpDueAt('2026-12-08')).toEqual(jst('2026-12-08T09:30:00'));
    expect(policy.followUpDueAt('2026-11-23')).toEqual(jst('2026-11-24T09:00:00')); // a holiday
    expect(policy.handoverDueAt(jst('2026-11-20T15:00:00'))).toEqual(jst('2026-11-24T09:00:00'));
  });
});
