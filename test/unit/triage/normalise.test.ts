import { describe, expect, it } from 'vitest';

import {
  collapseStretches,
  createNormaliser,
  foldKana,
  romajiToKana,
  toWords,
} from '../../../src/triage/normalise.js';
import { defaultRuleSet } from '../../../src/triage/triage.js';

const normalise = defaultRuleSet().normalise;
const compact = (text: string) => normalise(text).compact;
const words = (text: string) => normalise(text).words;

describe('compact view (Japanese)', () => {
  it('applies NFKC: half-width katakana and full-width Latin', () => {
    expect(compact('ｼﾆﾀｲ')).toBe('しにたい');
    expect(compact('ﾘｽｶ')).toBe('りすか');
    expect(words('ＯＤした')).toBe(' od ');
  });

  it('folds katakana and hiragana to one script', () => {
    expect(compact('シニタイ')).toBe(compact('しにたい'));
    expect(foldKana('リスカ')).toBe('りすか');
    expect(foldKana('何ヶ月')).toBe('何か月');
  });

  it('removes spaces and symbols inside words', () => {
    for (const evasive of ['し に た い', 'し　に　た　い', 'し・に・た・い', 'シ-ニ-タ-イ']) {
      expect(compact(evasive)).toBe('しにたい');
    }
    for (const evasive of ['死 に た い', '死.に.た.い', '死/に/た/い', '死に✨たい', '「死」「に」「た」「い」']) {
      expect(compact(evasive)).toBe('死にたい');
    }
  });

  it('collapses repeated kana and stretch marks', () => {
    expect(compact('しにたいいいい')).toBe('しにたい');
    expect(compact('死にたーーい')).toBe('死にたい');
    expect(compact('死にた〜い')).toBe('死にたい');
    expect(compact('死にた～い')).toBe('死にたい');
    expect(compact('死にたぁぁい')).toBe('死にたい');
    expect(collapseStretches('たすけてええええ')).toBe('たすけてえ');
  });

  it('keeps doubled kana, which are part of words (たたく, ここ)', () => {
    expect(compact('たたかれる')).toBe('たたかれる');
    expect(compact('ここにいる')).toBe('ここにいる');
    expect(compact('しにたいい')).toContain('しにたい');
  });

  it('keeps full-size vowels that start a word (の + オーバードーズ)', () => {
    expect(compact('市販薬のオーバードーズ')).toContain(compact('オーバードーズ'));
  });

  it('keeps digits intact (110 and 119 must survive)', () => {
    expect(compact('１１９番')).toBe('119番');
    expect(compact('100錠')).toBe('100錠');
  });

  it('keeps sentence ends as breaks so that gaps stay inside one sentence', () => {
    expect(compact('ニュースを見た。自殺したい！')).toBe('にゅすを見た\n自殺したい\n');
  });

  it('reads romaji as kana', () => {
    expect(compact('shinitai')).toBe('しにたい');
    expect(compact('sinitai')).toBe('しにたい');
    expect(compact('kie tai')).toBe('きえたい');
    expect(romajiToKana('hello')).toBe('hello');
  });

  it('maps risk emoji to words', () => {
    expect(compact('💊💊全部飲んだ')).toBe('薬薬全部飲んだ');
    expect(compact('🪢')).toBe('首吊り');
    expect(compact('手首🔪')).toBe('手首刃物');
    expect(compact('⚰️')).toBe('棺桶');
  });

  it('rewrites slang and evasive spellings', () => {
    expect(compact('タヒにたい')).toBe('死にたい');
    expect(compact('ﾀﾋにたい')).toBe('死にたい');
    expect(compact('4ね')).toBe('死ね');
    expect(compact('氏にたい')).toBe('死にたい');
    expect(compact('マジタヒ')).toBe('まじ死にたい');
  });

  it('does not read katakana-only slang into hiragana text', () => {
    expect(compact('また、ひとりで')).toBe('またひとりで');
    expect(compact('タヒチ')).toBe('たひち');
  });
});

describe('words view (English)', () => {
  it('keeps whole words separated by single spaces', () => {
    expect(words('I want to   die!')).toBe(' i want to die ');
    expect(words('My dad hits me.')).toBe(' my dad hits me ');
  });

  it('drops apostrophes and shrinks stretched letters', () => {
    expect(words("I don't want to live")).toBe(' i dont want to live ');
    expect(words('I wanna dieeee')).toBe(' i wanna die ');
    expect(toWords('odd')).toBe(' odd ');
  });

  it('splits Latin words out of Japanese text', () => {
    expect(words('昨日ODしちゃった')).toBe(' od ');
    expect(words('日本語だけ')).toBe(' ');
  });
});

describe('createNormaliser', () => {
  it('uses the tables it is given, keys normalised like the text', () => {
    const n = createNormaliser({ emoji: { '🐱': '猫' }, slang: { ﾈｺﾁｬﾝ: 'ねこ' } });
    expect(n('🐱とネコチャン').compact).toBe('猫とねこ');
  });
});
