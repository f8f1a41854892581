import { describe, expect, it } from 'vitest';

import {
  censoredSpellings,
  collapseStretches,
  createNormaliser,
  foldKana,
  foldVowelStretches,
  romajiToKana,
  toWords,
} from '../../../src/triage/normalise.js';
import { defaultRuleSet } from '../../../src/triage/triage.js';

const normalise = defaultRuleSet().normalise;
const compact = (text: string) => normalise(text).compact;
const words = (text: string) => normalise(text).words;
const loose = (text: string) => normalise(text).loose;

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

describe('loose view (a second, looser reading of the Japanese text)', () => {
  it('drops full-size vowels that stretch the kana before them', () => {
    expect(loose('しにたあい')).toBe('しにたい');
    expect(loose('きええたい')).toBe('きえたい');
    expect(loose('シニタアイ')).toBe('しにたい');
    expect(loose('しにいたい')).toBe('しにたい');
    expect(foldVowelStretches('おかあさん')).toBe('おかさん');
    // the compact view keeps them: words start with vowels (の + おばあちゃん)
    expect(compact('しにたあい')).toBe('しにたあい');
  });

  it('keeps a vowel that ends a word (verb endings stay distinct: ふるう vs ふるった)', () => {
    expect(foldVowelStretches('ふるう')).toBe('ふるう');
    expect(loose('暴力をふるった')).toBe('暴力をふるった');
    expect(loose('しにたいい')).toBe('しにたいい');
  });

  it('reads censored words back (one hidden character per mark)', () => {
    expect(loose('自〇したい')).toBe('自殺したい');
    expect(loose('自●')).toBe('自殺');
    expect(loose('死○たい')).toBe('死にたい');
    expect(loose('し●たい')).toBe('しにたい');
    expect(loose('死〇〇い')).toBe('死にたい');
    expect(loose('首〇り')).toBe('首吊り');
    expect(loose('リ＊カ')).toBe('りすか');
    // in the compact view the marks are symbols and simply vanish, as before
    expect(compact('死○たい')).toBe('死たい');
  });

  it('does not read placeholders or numbers as censored words', () => {
    expect(loose('〇〇さんに相談しました')).toBe('〇〇さんに相談しました');
    expect(loose('自〇〇さん')).toBe('自〇〇さん');
    expect(loose('二〇二四年')).toBe('二〇二四年');
    expect(loose('〇〇殺人事件')).toBe('〇〇殺人事件');
  });

  it('applies the slang table again after the kana fold and romaji', () => {
    expect(loose('シニタミ')).toBe('死にたい');
    expect(loose('jisatsu shitai')).toBe('自殺したい');
    expect(compact('jisatsu shitai')).toBe('じさつしたい');
  });
});

describe('dialect table (loose view)', () => {
  it('reads Kansai forms as standard Japanese', () => {
    expect(loose('死んでまいたい')).toBe('死んでしまいたい');
    expect(loose('わしなんかおらんほうがええ')).toBe('わしなんかいないほうがいい');
    expect(loose('生きとってもしゃあない')).toBe('生きていてもしょうがない');
    expect(loose('死んだろかな')).toBe('死んでやろかな');
    expect(loose('死にとうない')).toBe('死にたくない');
    // the compact view still sees what was typed
    expect(compact('死んでまいたい')).toBe('死んでまいたい');
  });

  it('uses the dialect table it is given', () => {
    const n = createNormaliser({ emoji: {}, slang: {}, dialect: { しとる: 'している' } });
    expect(n('何しとる').loose).toBe('何している');
    expect(n('何しとる').compact).toBe('何しとる');
  });
});

describe('censoredSpellings', () => {
  it('keeps the first character and at least two visible, hiding at most half', () => {
    expect(censoredSpellings('自殺')).toEqual(['自〇']);
    const spellings = censoredSpellings('しにたい');
    expect(spellings).toEqual(expect.arrayContaining(['し〇たい', 'しに〇い', 'しにた〇', 'し〇〇い']));
    expect(spellings).not.toContain('〇にたい');
    expect(spellings).not.toContain('し〇〇〇');
    expect(censoredSpellings('しぬ')).toEqual([]);
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
