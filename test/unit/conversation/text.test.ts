import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeChoiceData, encodeChoiceData } from '../../../src/conversation/choice-data.js';
import { LINE_LIMITS, clampUtf16, fitToLine, normalizeForMatch, type OutboundMessage } from '../../../src/conversation/index.js';
import { fillTemplate, localize, matchCandidates } from '../../../src/conversation/text.js';
import { expectWithinLineLimits } from './helpers.js';

describe('normalizeForMatch', () => {
  it.each([
    ['ﾘｽｶ', 'りすか'],
    ['スキップ', 'すきっぷ'],
    ['  Talk  to a Person!! ', 'talktoaperson'],
    ['「やめる」。', 'やめる'],
    ['ＯＤ', 'od'],
    ['ヘルプ', 'へるぷ'],
    ['', ''],
    ['！？', ''],
  ])('%j → %j', (input, out) => {
    expect(normalizeForMatch(input)).toBe(out);
  });

  it('keeps the long-vowel mark inside words', () => {
    expect(normalizeForMatch('メニュー')).toBe('めにゅー');
  });

  it('offers the word without one polite ending', () => {
    expect(matchCandidates('人と話したいです。', ['です'])).toEqual(['人と話したいです', '人と話したい']);
  });
});

describe('clampUtf16', () => {
  it('leaves short text alone and cuts long text to the limit in UTF-16 units', () => {
    expect(clampUtf16('abc', 5)).toBe('abc');
    expect(clampUtf16('abcdef', 5)).toBe('abcd…');
  });

  it('never splits a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.integer({ min: 1, max: 30 }), (s, max) => {
        const out = clampUtf16(s, max);
        expect(out.length).toBeLessThanOrEqual(Math.max(max, 1));
        expect(() => encodeURIComponent(out)).not.toThrow();
      }),
    );
  });
});

describe('templates and languages', () => {
  it('fills known placeholders and leaves unknown ones visible', () => {
    expect(fillTemplate('{a} and {b}', { a: 'x' })).toBe('x and {b}');
  });

  it('falls back to another language rather than showing nothing', () => {
    expect(localize({ ja: 'こんにちは' }, 'en')).toBe('こんにちは');
    expect(localize({ ja: 'こんにちは', easy: 'やあ' }, 'easy')).toBe('やあ');
    expect(localize({ en: 'hi', easy: ' ' }, 'easy')).toBe('hi');
    expect(localize(undefined, 'ja')).toBe('');
  });
});

describe('choice data', () => {
  it('round-trips every kind', () => {
    for (const d of [
      { kind: 'answer', flow: 'family', step: 'age_band', value: '40s' },
      { kind: 'skip', flow: 'intake', step: 'who' },
      { kind: 'command', command: 'talk' },
      { kind: 'system', prompt: 'fix', value: '_write' },
    ] as const) {
      expect(decodeChoiceData(encodeChoiceData(d))).toEqual(d);
    }
  });

  it('reads anything else as unknown, never throwing', () => {
    for (const data of ['', 'a:b', 'cmd:nope', 'sys:other:x', 'a:x:y:z:w', 'A:B:C:D', 'a:x:y:ß', 'skip:x']) {
      expect(decodeChoiceData(data)).toEqual({ kind: 'unknown' });
    }
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void decodeChoiceData(s)));
  });
});

describe('fitToLine', () => {
  const text = (t: string): OutboundMessage => ({ type: 'text', text: t });
  const buttons = (n: number): OutboundMessage => ({
    type: 'choices',
    text: 'q',
    choices: Array.from({ length: n }, (_, i) => ({ label: `choice ${i} with a very long label`, data: `d${i}` })),
  });

  it('joins texts so a reply has at most five messages, keeping the question last', () => {
    const out = fitToLine([text('1'), text('2'), text('3'), text('4'), text('5'), buttons(2)]);
    expect(out).toHaveLength(5);
    expect(out.at(-1)!.type).toBe('choices');
    expect(out.map((m) => m.text).join('|')).toContain('1\n\n2');
  });

  it('drops buttons that are not on the last message (LINE shows only the last) and cuts to the limits', () => {
    const out = fitToLine([buttons(20), text('x'.repeat(6000)), { type: 'choices', text: '', choices: [{ label: 'ok', data: 'y'.repeat(301) }] }]);
    expectWithinLineLimits(out);
    expect(out[0]!.type).toBe('text');
    expect(out[1]!.text.length).toBe(LINE_LIMITS.textLength);
    expect(out[2]).toEqual({ type: 'text', text: '…' });
  });

  it('keeps at most 13 buttons with labels of at most 20 units', () => {
    const [m] = fitToLine([buttons(20)]);
    expectWithinLineLimits([m!]);
    expect(m!.type === 'choices' && m!.choices.length).toBe(13);
  });
});
