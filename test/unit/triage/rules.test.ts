import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import {
  DEFAULT_TRIAGE_DATA_DIR,
  TriageRuleError,
  loadTriageRules,
  parseTriageRules,
} from '../../../src/triage/rules.js';
import { createTriage, defaultRuleSet, matchRule } from '../../../src/triage/triage.js';

const ruleSet = defaultRuleSet();
const normaliseYaml = readFileSync(fileURLToPath(new URL('normalise.yaml', DEFAULT_TRIAGE_DATA_DIR)), 'utf8');

/** A rules.yaml with the given rules (as YAML text, indented under `rules:`). */
function rulesFile(rules: string, header = 'version: 1\n'): string {
  return `${header}rules:\n${rules}`;
}
const parse = (rulesYaml: string) => parseTriageRules({ rulesYaml, normaliseYaml });

function oneRule(patterns: string[], unless: string[] = []): ReturnType<typeof parse> {
  const list = (items: string[]) => items.map((p) => `      - '${p.replaceAll("'", "''")}'`).join('\n');
  return parse(
    rulesFile(
      `  - id: test_rule\n    level: high\n    description: テスト\n    patterns:\n${list(patterns)}\n` +
        (unless.length > 0 ? `    unless:\n${list(unless)}\n` : '') +
        `    examples: [x]\n`,
    ),
  );
}
function matches(set: ReturnType<typeof parse>, text: string): boolean {
  const rule = set.rules[0];
  if (rule === undefined) throw new Error('no rule');
  return matchRule(rule, set.normalise(text)) !== null;
}

describe('data/triage/rules.yaml', () => {
  it('loads from the default directory (resolved from the module URL)', () => {
    expect(loadTriageRules().rules.length).toBeGreaterThan(10);
  });

  it('has unique snake_case ids and both levels', () => {
    const ids = ruleSet.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['suicidal_ideation', 'self_harm', 'overdose', 'domestic_violence']));
    expect(new Set(ruleSet.rules.map((r) => r.level))).toEqual(new Set(['emergency', 'high']));
  });

  describe.each(ruleSet.rules.map((rule) => [rule.id, rule] as const))('rule %s', (_id, rule) => {
    it.each(rule.examples)('fires on example %s', (example) => {
      const match = matchRule(rule, ruleSet.normalise(example));
      expect(match, `normalised: ${JSON.stringify(ruleSet.normalise(example))}`).not.toBeNull();
    });
    if (rule.counterExamples.length > 0) {
      it.each(rule.counterExamples)('does not fire on counter-example %s', (counter) => {
        const match = matchRule(rule, ruleSet.normalise(counter));
        expect(match?.matched ?? null, `pattern: ${match?.pattern}`).toBeNull();
      });
    }
  });
});

describe('triage result', () => {
  const triage = createTriage(ruleSet);

  it('is normal with no signals for ordinary messages', () => {
    expect(triage('息子が部屋から出てこない')).toMatchObject({ urgency: 'normal', signals: [] });
  });

  it('takes the highest level and lists emergency signals first', () => {
    const result = triage('介護でもう限界です。父が倒れて動かない');
    expect(result.urgency).toBe('emergency');
    expect(result.signals[0]).toBe('collapsed');
    expect(result.signals).toContain('household_8050');
  });

  it('explains which pattern fired', () => {
    const [match] = triage.explain('ﾘｽｶしちゃった');
    expect(match).toMatchObject({ ruleId: 'self_harm', level: 'emergency', matched: 'りすか' });
  });

  it('finds a signal buried in a long message', () => {
    const filler = '息子は部屋で過ごしています。'.repeat(400);
    expect(triage(`${filler}実は昨日ODしました。${filler}`).signals).toEqual(['overdose']);
  });
});

describe('pattern language', () => {
  it('matches alternatives, optional parts and gaps', () => {
    const set = oneRule(['薬(を|)~(全部|大量)~飲']);
    expect(matches(set, '薬を全部飲んだ')).toBe(true);
    expect(matches(set, '睡眠薬を昨日の夜に全部まとめて飲んだ')).toBe(true);
    expect(matches(set, '薬を飲んだ')).toBe(false);
  });

  it('does not let a gap cross a sentence end', () => {
    const set = oneRule(['薬~飲']);
    expect(matches(set, '薬局に行った。水を飲んだ')).toBe(false);
    expect(matches(set, '薬局に行って水を飲んだ')).toBe(true);
  });

  it('reads # as any number and ## as a large one', () => {
    const set = oneRule(['##錠~飲']);
    expect(matches(set, '30錠飲んだ')).toBe(true);
    expect(matches(set, '数十錠飲んだ')).toBe(true);
    expect(matches(set, '1錠飲んだ')).toBe(false);
    expect(matches(oneRule(['#日~食べていない']), '三日食べていない')).toBe(true);
  });

  it('matches English patterns as whole words only', () => {
    const set = oneRule(['od', 'kill myself']);
    expect(matches(set, 'I did OD yesterday')).toBe(true);
    expect(matches(set, '昨日ODした')).toBe(true);
    expect(matches(set, 'the method is good')).toBe(false);
    expect(matches(set, "I'll kill   myself")).toBe(true);
  });

  it('cancels a match only when an exclusion covers it whole', () => {
    const set = oneRule(['死にたい', '消えたい'], ['死にたい(わけ|訳)(じゃ|では)(ない|なく)']);
    expect(matches(set, '死にたいわけじゃない')).toBe(false);
    expect(matches(set, '死にたいわけじゃないけど消えたい')).toBe(true);
    expect(matches(set, '死にたいわけじゃないけど、やっぱり死にたい')).toBe(true);
  });

  it('gives exclusions a wider gap for context', () => {
    const set = oneRule(['自殺'], ['(ドラマ|ニュース)~自殺']);
    expect(matches(set, 'ドラマの最終回で主人公の親友が自殺した')).toBe(false);
    expect(matches(set, 'ドラマを見ていたら自殺')).toBe(false);
  });
});

describe('pattern language: views, co-occurrence and anchors', () => {
  it('tries Japanese patterns on the loose view too (vowel stretches, censor marks)', () => {
    const set = oneRule(['(死|し)にたい', '自殺']);
    expect(matches(set, 'しにたあい')).toBe(true);
    expect(matches(set, 'しにいたあい')).toBe(true);
    expect(matches(set, '死〇たい')).toBe(true);
    expect(matches(set, '自〇しようかな')).toBe(true);
    expect(matches(set, '〇〇さんに会いたい')).toBe(false);
  });

  it('applies exclusions in the loose view as well', () => {
    const set = oneRule(['(死|し)にたい'], ['(死|し)にたい(わけ|訳)(じゃ|では)(ない|なく)']);
    expect(matches(set, 'しにたあいわけじゃない')).toBe(false);
    expect(matches(set, 'しにたあい')).toBe(true);
  });

  it('& needs every part, in any order and across sentences', () => {
    const set = oneRule(['(薬|くすり)~買&全部(飲|のむ)']);
    expect(matches(set, '市販薬をまとめて買ってきた。今夜全部飲むつもり')).toBe(true);
    expect(matches(set, '今夜全部飲む。薬はもう買ってある')).toBe(true);
    expect(matches(set, '薬を買ってきた')).toBe(false);
    expect(matches(set, '全部飲んだ')).toBe(false);
  });

  it('& parts each have to escape the exclusions', () => {
    const set = oneRule(['さようなら&最後'], ['最後の質問']);
    expect(matches(set, 'さようなら。最後に一言')).toBe(true);
    expect(matches(set, '最後の質問です。さようなら')).toBe(false);
  });

  it('!part rules a combination out when that context appears anywhere', () => {
    const set = oneRule(['今まで~ありがとう&!(転職|卒業)&最後']);
    expect(matches(set, '今までありがとう。最後に話したかった')).toBe(true);
    expect(matches(set, '今までありがとう。来月転職します。最後の出勤です')).toBe(false);
    expect(matches(set, '今までありがとう')).toBe(false);
  });

  it('^ and $ anchor to the start and end of a sentence, also inside groups', () => {
    const set = oneRule(['^切りたい$']);
    expect(matches(set, '切りたい')).toBe(true);
    expect(matches(set, 'もう嫌だ。切りたい。')).toBe(true);
    expect(matches(set, '髪を切りたい')).toBe(false);
    expect(matches(set, '切りたいところがある')).toBe(false);
    const grouped = oneRule(['もういない(と思う|$)']);
    expect(matches(grouped, '明日にはもういない')).toBe(true);
    expect(matches(grouped, '明日にはもういないと思う')).toBe(true);
    expect(matches(grouped, '明日はもういないけど大丈夫')).toBe(false);
    const english = oneRule(['^kms$']);
    expect(matches(english, 'kms')).toBe(true);
    expect(matches(english, 'kms fr')).toBe(false);
  });

  it('reports the parts that matched', () => {
    const set = oneRule(['ロープ~買&今夜']);
    const rule = set.rules[0];
    if (rule === undefined) throw new Error('no rule');
    expect(matchRule(rule, set.normalise('ロープを買った。今夜'))?.matched).toBe('ろぷを買 & 今夜');
  });
});

describe('rule file errors name the rule', () => {
  const valid = '  - id: ok_rule\n    level: high\n    description: テスト\n    patterns: [限界]\n    examples: [限界]\n';

  it('rejects invalid YAML', () => {
    expect(() => parse('version: 1\nrules: [')).toThrow(/rules.yaml: not valid YAML/);
  });

  it('rejects a missing field, naming the rule', () => {
    const broken = '  - id: no_patterns\n    level: high\n    description: テスト\n    examples: [x]\n';
    expect(() => parse(rulesFile(valid + broken))).toThrow(/rule #2 \(no_patterns\): patterns/);
  });

  it('rejects a bad level or id', () => {
    expect(() => parse(rulesFile(valid.replace('level: high', 'level: urgent')))).toThrow(/ok_rule.*level/);
    expect(() => parse(rulesFile(valid.replace('ok_rule', 'Bad-Id')))).toThrow(/snake_case/);
  });

  it('rejects duplicate ids', () => {
    expect(() => parse(rulesFile(valid + valid))).toThrow(/rule #2 \(ok_rule\): duplicate rule id/);
  });

  it('rejects unbalanced groups and edge gaps, naming rule and pattern', () => {
    const withPattern = (p: string) => parse(rulesFile(valid.replace('[限界]', `['${p}']`)));
    expect(() => withPattern('(死|し')).toThrow(/rule ok_rule: patterns: unclosed "\(" in "\(死\|し"/);
    expect(() => withPattern('死|し')).toThrow(/outside a group/);
    expect(() => withPattern('~死')).toThrow(/starts or ends with "~"/);
  });

  it('rejects parts that fold to a single kana (they would fire everywhere)', () => {
    const withPattern = (p: string) => parse(rulesFile(valid.replace('[限界]', `['${p}']`)));
    expect(() => withPattern('親に~(殴|け)')).toThrow(/single kana/);
    expect(() => withPattern('親に~(殴|たたた)')).toThrow(/single kana/);
  });

  it('rejects & in unless, empty parts and !parts on their own', () => {
    const withPattern = (p: string) => parse(rulesFile(valid.replace('[限界]', `['${p}']`)));
    const withUnless = (p: string) => parse(rulesFile(valid.replace('    examples:', `    unless: ['${p}']\n    examples:`)));
    expect(() => withUnless('限界&無理')).toThrow(/rule ok_rule: unless: .*"&" is not allowed in unless/);
    expect(() => withPattern('限界&')).toThrow(/empty part/);
    expect(() => withPattern('!限界&!無理')).toThrow(/at least one part without "!"/);
    expect(() => withPattern('限界&無理&つらい&しんどい')).toThrow(/more than 3 parts/);
  });

  it('is a TriageRuleError carrying the rule id', () => {
    try {
      parse(rulesFile(valid.replace('[限界]', "['(']")));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TriageRuleError);
      expect((error as TriageRuleError).ruleId).toBe('ok_rule');
    }
  });
});
