import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createTriage, defaultRuleSet, READER_SIGNALS } from '../../../src/triage/triage.js';

const triage = createTriage();
// Signals are rule ids, the signals of the stem net (net.yaml), which mostly reuse rule ids, or
// the learned reader's and the conversation's signals.
const ruleIds = new Set([...defaultRuleSet().rules.map((r) => r.id), ...(defaultRuleSet().net?.signals.keys() ?? []), ...READER_SIGNALS]);

describe('triage never throws and always answers in the contract', () => {
  it('for any Unicode text up to 10,000 code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 10_000 }), (text) => {
        const result = triage(text);
        expect(['emergency', 'high', 'normal']).toContain(result.urgency);
        expect(result.signals.every((id) => ruleIds.has(id))).toBe(true);
        expect(result.urgency === 'normal').toBe(result.signals.length === 0);
        expect(result.score).toBeGreaterThanOrEqual(0);
        expect(result.score).toBeLessThanOrEqual(100);
        // The safety question is asked only on an unsure, non-emergency reading.
        if (result.check) expect(result.urgency).toBe('high');
      }),
      { numRuns: 200 },
    );
  });

  it('for any ASCII text up to 10,000 characters (long Latin runs)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 10_000 }), (text) => {
        expect(['emergency', 'high', 'normal']).toContain(triage(text).urgency);
      }),
      { numRuns: 100 },
    );
  });

  it('for text built from risk words, kana, symbols and emoji', () => {
    const pieces = fc.constantFrom(
      '死', 'に', 'た', 'い', 'し', 'タヒ', 'ﾀﾋ', 'ー', '〜', ' ', '　', '。', '\n', '!', '💊', '🔪', '🪢', '⚰️',
      'od', 'kill', 'myself', 'ab', '#', '(', '|', '~', '1', '９', '錠', '飲', '殴', 'られ', 'ぁ', 'ゝ', '々',
      '〇', '○', '●', '＊', 'あ', 'え', '自', 'さようなら', '最後', '&', '!', '^', '$', 'まい', 'おらん',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 3000 }), (parts) => {
        const result = triage(parts.join(''));
        expect(['emergency', 'high', 'normal']).toContain(result.urgency);
      }),
      { numRuns: 200 },
    );
  });

  it('stays fast on long, adversarial input (linear time)', () => {
    const adversarial = [
      '1'.repeat(10_000),
      '死'.repeat(10_000),
      'あ'.repeat(10_000),
      '薬を'.repeat(5_000),
      'kill '.repeat(2_000),
      'shinitai'.repeat(1_250),
      'a'.repeat(10_000),
      '死にたいわけじゃない'.repeat(1_000),
      '息子に'.repeat(3_300),
      // the loose view, co-occurrence (&, !) and anchors
      '〇'.repeat(10_000),
      '自〇〇'.repeat(3_300),
      'たあ'.repeat(5_000),
      '最後の質問'.repeat(2_000),
      'さようならまた'.repeat(1_400),
      '電気が消えます'.repeat(1_400),
      '今まで'.repeat(3_300),
      '死ぬかと思った。'.repeat(1_200),
      '\n'.repeat(10_000),
      // the stem net: stems, exclusions and contexts repeated
      '必死'.repeat(5_000),
      'ドラマで死'.repeat(2_000),
      '倒れそう'.repeat(2_500),
      '全部薬'.repeat(3_300),
      '手首を切'.repeat(2_500),
      'ニュース殴'.repeat(2_000),
      'die '.repeat(2_500),
    ];
    for (const text of adversarial) {
      const started = performance.now();
      triage(text);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });
});
