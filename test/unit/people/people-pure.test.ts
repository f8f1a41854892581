import { describe, expect, it } from 'vitest';
import { extractPhoneNumbers, phoneQueryDigits } from '../../../src/cases/phone-lookup.js';
import { foldForSearch } from '../../../src/cases/search.js';
import { answerRowLabel, signalWords } from '../../../src/cases/plain-words.js';
import { describeEvent } from '../../../src/cases/event-words.js';
import { kyotoDay } from '../../../src/cases/shift.js';
import { shorten } from '../../../src/cases/case-cards.js';
import { actionLabel } from '../../../src/staff/labels-people.js';

const labels = {
  table: { household_worries: { label: '家族の心配ごと', values: { violence: '暴力' } } },
  label: (key: string) => (key === 'household_worries' ? '家族の心配ごと' : null),
  valueLabel: (key: string, value: string | null) => (key === 'household_worries' && value === 'violence' ? '暴力' : null),
};

describe('phone numbers', () => {
  it('finds Japanese numbers however they are typed, and only those', () => {
    expect(extractPhoneNumbers('折り返しは０７５－１２３－４５６７へ')).toEqual(['0751234567']);
    expect(extractPhoneNumbers('携帯 090 1234 5678 / 自宅(075)123-4567')).toEqual(['09012345678', '0751234567']);
    expect(extractPhoneNumbers('+81 90-1234-5678')).toEqual(['09012345678']);
    expect(extractPhoneNumbers('2026年12月1日 10時')).toEqual([]);
    expect(extractPhoneNumbers('番号は12345です')).toEqual([]);
    expect(extractPhoneNumbers('')).toEqual([]);
  });
  it('reads a search box as a phone number only when it is nothing else', () => {
    expect(phoneQueryDigits('075-123-4567')).toBe('0751234567');
    expect(phoneQueryDigits('#123')).toBeNull();
    expect(phoneQueryDigits('田中 075-123-4567')).toBeNull();
  });
});

describe('plain words', () => {
  it('folds width, case and katakana for search', () => {
    expect(foldForSearch('ＯＤ　シタ')).toBe(foldForSearch('od した'));
  });
  it('never shows an intake key or a signal code', () => {
    expect(answerRowLabel(labels, 'message')).toBe('相談者が書いたこと');
    expect(answerRowLabel(labels, 'some_new_key')).toBe('そのほかの回答');
    const [words] = signalWords(['answer:household_worries=violence'], labels);
    expect(words).toContain('暴力');
    expect(words).not.toMatch(/answer|household_worries|violence/);
    expect(signalWords(['no_such_rule'], labels)[0]).not.toContain('no_such_rule');
    expect(actionLabel('report.viewed')).toBe('集計を開いた');
    expect(actionLabel('something.new')).toBe('記録された操作');
  });
  it('names staff in a history line, never their id', () => {
    const names = (id: string | null | undefined) => (id === '11111111-1111-4111-8111-111111111111' ? '佐藤' : null);
    expect(describeEvent('case.transferred', { from: null, to: '11111111-1111-4111-8111-111111111111' }, names)).toBe('担当を佐藤さんに替えました');
    expect(describeEvent('case.status_changed', { from: 'ACTIVE', to: 'CLOSED' }, names)).toBe('状態を「終了」にしました');
  });
  it('shortens a preview by characters a person counts', () => {
    expect(shorten('😀'.repeat(100), 5)).toBe('😀😀😀😀…');
    expect(shorten('  a\n\nb  ')).toBe('a b');
  });
});

describe('the Kyoto day', () => {
  it('changes at midnight JST, not UTC', () => {
    expect(kyotoDay(new Date('2026-12-01T14:59:00Z')).day).toBe('2026-12-01');
    expect(kyotoDay(new Date('2026-12-01T15:00:00Z')).day).toBe('2026-12-02');
    expect(kyotoDay(new Date('2026-12-01T15:00:00Z')).end.toISOString()).toBe('2026-12-02T15:00:00.000Z');
  });
});
