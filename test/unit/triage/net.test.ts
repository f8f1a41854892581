// The stem net (data/triage/net.yaml, src/triage/net.ts): a broad second layer that adds
// emergencies the phrase rules miss, unless an exclusion or a nearby context explains the stem.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { NET_FILE, loadTriageNet, matchNet, parseTriageNet } from '../../../src/triage/net.js';
import { DEFAULT_TRIAGE_DATA_DIR, TriageRuleError, parseTriageRules } from '../../../src/triage/rules.js';
import { createTriage, defaultRuleSet } from '../../../src/triage/triage.js';

const ruleSet = defaultRuleSet();
const net = ruleSet.net;
if (!net) throw new Error('data/triage/net.yaml did not load');
const normalise = ruleSet.normalise;
const triage = createTriage();
const netFires = (text: string) => matchNet(net, normalise(text));

const normaliseYaml = readFileSync(fileURLToPath(new URL('normalise.yaml', DEFAULT_TRIAGE_DATA_DIR)), 'utf8');
/** A rule set with one harmless high rule, so that every emergency below comes from the net. */
const quietRules = parseTriageRules({
  normaliseYaml,
  rulesYaml: 'version: 1\nrules:\n  - id: quiet\n    level: high\n    description: テスト\n    patterns: [ぜったいにないことば]\n    examples: [ぜったいにないことば]\n',
});
function netFile(categories: string, extra = ''): string {
  return `version: 1\ncontextWindow: 10\n${extra}categories:\n${categories}`;
}
const oneCategory = (stems: string[], unless: string[] = []) =>
  netFile(
    `  - id: test\n    signal: danger_keyword\n    description: テスト\n    stems: [${stems.map((s) => `'${s}'`).join(', ')}]\n` +
      (unless.length > 0 ? `    unless: [${unless.map((s) => `'${s}'`).join(', ')}]\n` : '') +
      `    examples: [x]\n`,
  );

describe('data/triage/net.yaml', () => {
  it('has unique categories whose signals are rule ids or danger_keyword', () => {
    const ruleIds = new Set(ruleSet.rules.filter((r) => r.level === 'emergency').map((r) => r.id));
    const ids = net.categories.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const signal of net.signals.keys()) expect(ruleIds.has(signal) || signal === 'danger_keyword', signal).toBe(true);
  });

  describe.each(net.categories.map((c) => [c.id, c] as const))('category %s', (_id, category) => {
    it.each(category.examples)('fires on example %s', (example) => {
      expect(netFires(example).map((m) => m.categoryId)).toContain(category.id);
    });
    if (category.counterExamples.length > 0) {
      it.each(category.counterExamples)('does not fire on counter-example %s', (counter) => {
        const hit = netFires(counter).find((m) => m.categoryId === category.id);
        expect(hit, hit && `stem ${hit.stem} matched ${hit.matched}`).toBeUndefined();
      });
    }
  });
});

describe('the net in triage', () => {
  it('adds an emergency the rules alone do not see, and explains it as the net', () => {
    const withNet = createTriage({ ...quietRules, net });
    const withoutNet = createTriage(quietRules);
    const text = 'しぬしかないって最近ずっと思う';
    expect(withoutNet(text)).toMatchObject({ urgency: 'normal', signals: [] });
    expect(withNet(text)).toMatchObject({ urgency: 'emergency', signals: ['suicidal_ideation'] });
    expect(withNet.explain(text)[0]).toMatchObject({ layer: 'net', level: 'emergency', pattern: expect.stringMatching(/^net\/death_words: /) });
  });

  it('raises a high rule result to emergency and keeps the rule signal', () => {
    const result = createTriage({ ...quietRules, net })('ぜったいにないことば。母の腕にあざができている');
    expect(result.urgency).toBe('emergency');
    expect(result.signals).toEqual(['domestic_violence', 'quiet']);
  });

  it('runs beside the rules but never repeats a rule signal or a stem inside a rule match', () => {
    const matches = triage.explain('ODしました。腕に血がついてる').filter((m) => m.layer !== 'model');
    expect(matches[0]?.layer).toBe('rules');
    const ids = matches.map((m) => m.ruleId);
    expect(new Set(ids).size).toBe(ids.length);
    const inside = triage.explain('I want to kill myself').filter((m) => m.layer === 'net');
    expect(inside).toEqual([]);
  });

  it('lists a signal once even when two categories report it', () => {
    const result = createTriage({ ...quietRules, net })('もう消えようと思う。しぬしかない');
    expect(result.signals).toEqual(['suicidal_ideation']);
  });

  it('is silent on the ordinary uses the city named', () => {
    for (const text of ['死ぬほど笑った', '殺人的な暑さ', 'ゲームでキャラが死んだ', 'ドラマで主人公が殺された', 'ニュースで虐待の事件を見た', '自殺予防の講演会に申し込みたい']) {
      expect(createTriage({ ...quietRules, net })(text).urgency, text).toBe('normal');
      expect(netFires(text), text).toEqual([]);
    }
  });
});

describe('exclusions and contexts', () => {
  it('an exclusion cancels only the hits whose first character it covers', () => {
    expect(netFires('昨日は死ぬほど笑った')).toEqual([]);
    expect(netFires('昨日は死ぬほど笑った。でも今日は死ぬしかないと思う').map((m) => m.categoryId)).toContain('death_words');
  });

  it('a context explains hits near it, not hits far away in a long message', () => {
    expect(netFires('ドラマで主人公が殴られていた')).toEqual([]);
    const far = `ドラマをよく見ます。${'息子は部屋で過ごしています。'.repeat(5)}昨日、息子に殴られました`;
    expect(netFires(far).map((m) => m.categoryId)).toContain('blows');
  });

  it('a Japanese context explains an English stem only in a short message', () => {
    expect(netFires('英語の授業でkillという単語を習った')).toEqual([]);
    const long = `英語の授業を受けています。${'毎日いろいろなことがあります。'.repeat(5)} he said he will kill us`;
    expect(netFires(long).map((m) => m.categoryId)).toContain('kill_words');
  });

  it('reads the text through the same normalisation as the rules (width, kana, romaji)', () => {
    expect(netFires('ｼﾇｼｶﾅｲ').map((m) => m.categoryId)).toContain('death_words');
    expect(netFires('korosareru').map((m) => m.categoryId)).toContain('kill_words');
  });
});

describe('loading', () => {
  it('compiles stems with the rules.yaml pattern language', () => {
    const small = parseTriageNet(oneCategory(['血(が|)~(出|止まら)'], ['鼻血']), normalise);
    expect(matchNet(small, normalise('顔から血がたくさん出てる'))).toHaveLength(1);
    expect(matchNet(small, normalise('鼻血が出た'))).toEqual([]);
  });

  it('rejects broken files loudly', () => {
    expect(() => parseTriageNet('version: 1\ncategories: [', normalise)).toThrow(TriageRuleError);
    expect(() => parseTriageNet(oneCategory(['死&殺']), normalise)).toThrow(/"&" is not allowed/);
    expect(() => parseTriageNet(oneCategory(['(死']), normalise)).toThrow(/unclosed/);
    expect(() => parseTriageNet(netFile('  - id: t\n    signal: x\n    description: d\n    stems: [死]\n'), normalise)).toThrow(/examples/);
  });

  it('is optional: no net.yaml, no net', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yorisoi-net-'));
    expect(loadTriageNet(normalise, dir)).toBeNull();
    writeFileSync(join(dir, NET_FILE), oneCategory(['死']));
    expect(loadTriageNet(normalise, dir)?.categories).toHaveLength(1);
  });
});
