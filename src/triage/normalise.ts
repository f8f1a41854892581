// Text normalisation for triage. Pure: the emoji and slang tables come in as data
// (data/triage/normalise.yaml) so a supervisor can extend them without touching code.
//
// One message becomes two views, because Japanese and English need opposite treatment:
// - `compact`: Japanese-oriented. Every space and symbol is removed (people type し に た い or
//   し・に・た・い to dodge filters), katakana is folded to hiragana, romaji runs become kana,
//   stretched kana collapse (しにたいいい, 死にたーーい, しにたぁい → しにたい).
//   Sentence ends (。！？ and line breaks) survive as "\n" so a gap in a pattern cannot jump from
//   one sentence into the next.
// - `loose`: the compact view read more loosely, for spellings that the compact view keeps apart
//   on purpose. Japanese patterns are tried on both views (a pattern is normalised the same way
//   for each), so the loose view can only add hits, never lose one:
//     * a full-size vowel that repeats the vowel before it goes when more kana follow (しにたあい,
//       きええたい → しにたい, きえたい): the compact view must keep them (おかあさん, のおばあちゃん);
//     * censor marks (○ ● ◯ ＊ × □ …) stand for one hidden character: they become 〇 and
//       the words listed under `censored` in normalise.yaml are read back (自〇, 死〇たい, し●たい);
//     * the slang table is applied once more after the kana fold and romaji (シニタミ, jisatsu);
//     * dialect forms are read as standard Japanese (Kansai 死んでまいたい, おらんほうがええ,
//       生きとっても → 死んでしまいたい, いないほうがいい, 生きていても).
// - `words`: Latin words only, lower-case, separated by single spaces with a space at both ends,
//   so English patterns match whole words ("od" must not fire inside "method" or "good").
//
// Every step is linear in the length of the text.

import { toHiragana } from 'wanakana';

export interface NormaliseTables {
  /** Emoji (without variation selectors) → Japanese words, e.g. 💊 → 薬. */
  emoji: Readonly<Record<string, string>>;
  /** Slang or evasive spelling → plain spelling, matched before the kana fold (タヒ is katakana-only slang). */
  slang: Readonly<Record<string, string>>;
  /** Words that people write with a character hidden by a censor mark (自〇, 死〇たい); loose view only. */
  censored?: readonly string[];
  /** Dialect forms → standard forms (死んでまいたい → 死んでしまいたい); loose view only. */
  dialect?: Readonly<Record<string, string>>;
}

export interface NormalisedText {
  compact: string;
  /** The compact view with vowel stretches dropped and censored words read back (see above). */
  loose: string;
  words: string;
}

export type Normaliser = (text: string) => NormalisedText;

export const SENTENCE_BREAK = '\n';

const VARIATION_AND_JOINERS = /[\uFE0E\uFE0F\u200D\u20E3]/g;
const SENTENCE_ENDS = /[。！？!?\r\n\u2028\u2029]+/g;
// Keep letters (kanji, kana, latin, 々), digits and sentence breaks; ー/〜 stretch vowels and go too.
const NOT_KEPT = /[^\p{L}\p{N}\n]|[ー]/gu;
// Marks people put in place of a character they do not want to write (伏せ字). In the compact
// view they are symbols and vanish; in the loose view each one becomes CENSOR_MARK.
const CENSOR_MARKS = /[○◯●◎〇◌⚪⚫＊*×✕✖☓✗□■◇◆△▲▽▼☆★♡♥❤・･]/g;
export const CENSOR_MARK = '〇';
const APOSTROPHES = /['’‘`´]/g;
const LATIN_OR_DIGIT_TOKEN = /[a-z]+|[0-9]+/g;
const LATIN_RUN = /[a-z]+/g;
const MAX_ROMAJI_RUN = 64;
const LATIN_STRETCH = /([a-z])\1{2,}/g;

const KATAKANA_START = 0x30a1;
const KATAKANA_END = 0x30f6;
const KANA_OFFSET = 0x60;
const MIN_STRETCH_RUN = 3;
// The small counter ヶ/ヵ (何ヶ月) is read か.
const SMALL_KA: Readonly<Record<string, string>> = { ゕ: 'か', ゖ: 'か' };
// Small vowels mostly stretch a word (しにたぁい); elsewhere (ふぁ, てぃ) they are read full size.
const SMALL_VOWELS: Readonly<Record<string, readonly [full: string, vowel: string]>> = {
  ぁ: ['あ', 'a'],
  ぃ: ['い', 'i'],
  ぅ: ['う', 'u'],
  ぇ: ['え', 'e'],
  ぉ: ['お', 'o'],
};

const VOWEL_ROWS: ReadonlyArray<readonly [vowel: string, kana: string]> = [
  ['a', 'あかがさざただなはばぱまやゃらわ'],
  ['i', 'いきぎしじちぢにひびぴみり'],
  ['u', 'うくぐすずつづぬふぶぷむゆゅるゔ'],
  ['e', 'えけげせぜてでねへべぺめれ'],
  ['o', 'おこごそぞとどのほぼぽもよょろを'],
];
const VOWEL_OF = new Map<string, string>();
for (const [vowel, kana] of VOWEL_ROWS) for (const k of kana) VOWEL_OF.set(k, vowel);

function isHiragana(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code >= 0x3041 && code <= 0x309f;
}

/** Katakana → hiragana (ヶ → か). NFKC must already have run (half-width kana). */
export function foldKana(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const hira = code >= KATAKANA_START && code <= KATAKANA_END ? String.fromCodePoint(code - KANA_OFFSET) : ch;
    out += SMALL_KA[hira] ?? hira;
  }
  return out;
}

/**
 * Collapse stretched kana (しにたいいい → しにたい: three or more of the same hiragana become one;
 * two are kept because words double kana: たたく, ここ, ささえる) and repeated sentence breaks,
 * and drop small vowels that only stretch the kana before them (しにたぁい → しにたい). Full-size
 * vowels are kept even when they repeat the sound (おかあさん, のおばあちゃん): dropping them would
 * break words that start with a vowel. Kanji and digits are left alone: 110 and 119 stay intact.
 */
export function collapseStretches(text: string): string {
  const chars: string[] = [];
  let prev = '';
  for (const raw of text) {
    const small = SMALL_VOWELS[raw];
    if (small !== undefined && VOWEL_OF.get(prev) === small[1]) continue;
    const ch = small?.[0] ?? raw;
    chars.push(ch);
    prev = ch;
  }
  let out = '';
  for (let i = 0; i < chars.length; ) {
    const ch = chars[i] as string;
    let run = 1;
    while (chars[i + run] === ch) run += 1;
    const collapses = ch === SENTENCE_BREAK || (isHiragana(ch) && run >= MIN_STRETCH_RUN);
    out += collapses ? ch : ch.repeat(run);
    i += run;
  }
  return out;
}

const FULL_VOWELS: Readonly<Record<string, string>> = { あ: 'a', い: 'i', う: 'u', え: 'e', お: 'o' };

/**
 * The loose reading of compact text: a full-size vowel that repeats the vowel of the kana before
 * it, and is followed by another kana, is dropped (しにたあい → しにたい, きええたい → きえたい).
 * A vowel at the end of a word stays (ふるう, 欲しい): patterns list verb endings as alternatives
 * (ふる(う|って)), and dropping a final う would leave a bare stem that matches too much. Only for
 * the loose view: it also shortens real words (おかあさん → おかさん), which is harmless there
 * because patterns are folded the same way and the compact view is always tried as well.
 */
export function foldVowelStretches(text: string): string {
  const chars = [...text];
  let out = '';
  let prev = '';
  for (const [i, ch] of chars.entries()) {
    const vowel = FULL_VOWELS[ch];
    const next = chars[i + 1];
    const stretch = vowel !== undefined && (ch === prev || VOWEL_OF.get(prev) === vowel);
    if (stretch && next !== undefined && isHiragana(next)) continue;
    out += ch;
    prev = ch;
  }
  return out;
}

/**
 * Spellings of `word` with characters hidden by CENSOR_MARK (自殺 → 自〇; 死にたい → 死〇たい,
 * 死に〇い, 死〇〇い …). The first character always stays visible (〇〇 is also a placeholder:
 * 〇〇さん, 〇〇殺人事件), at least two characters stay visible unless the word is two kanji, and
 * at most half of the word is hidden.
 */
export function censoredSpellings(word: string): string[] {
  const chars = [...word];
  const out: string[] = [];
  const maxHidden = Math.max(1, Math.floor(chars.length / 2));
  const visibleNeeded = chars.length === 2 && /\p{Script=Han}/u.test(chars[0] as string) ? 1 : 2;
  // Every subset of positions 1..n-1 (words are short; the list in normalise.yaml is small).
  const positions = chars.length - 1;
  if (positions > 12) return out;
  for (let mask = 1; mask < 1 << positions; mask += 1) {
    let hidden = 0;
    for (let b = mask; b > 0; b >>= 1) hidden += b & 1;
    if (hidden > maxHidden || chars.length - hidden < visibleNeeded) continue;
    out.push(chars.map((ch, i) => (i > 0 && (mask >> (i - 1)) & 1 ? CENSOR_MARK : ch)).join(''));
  }
  return out;
}

/** Replace runs of Latin letters that read fully as romaji (shinitai, kietai) with hiragana. */
export function romajiToKana(text: string): string {
  return text.replace(LATIN_RUN, (run) => {
    // wanakana recurses once per letter; romaji phrases are short, long runs are not romaji.
    if (run.length > MAX_ROMAJI_RUN) return run;
    const kana = toHiragana(run);
    return /[a-z]/.test(kana) ? run : kana;
  });
}

/**
 * A replacer that swaps every key for its value, longest key first, in one left-to-right pass.
 * `notBefore`: a key does not match when this text follows it (a censored word followed by one
 * more censor mark has more hidden than the word has: 自〇〇さん is a placeholder, not 自殺).
 */
export function createReplacer(
  table: Readonly<Record<string, string>>,
  options: { notBefore?: string } = {},
): (text: string) => string {
  const keys = Object.keys(table)
    .filter((k) => k.length > 0)
    .sort((a, b) => b.length - a.length);
  if (keys.length === 0) return (text) => text;
  const guard = options.notBefore === undefined ? '' : `(?!${escapeRegExp(options.notBefore)})`;
  const pattern = new RegExp(`(?:${keys.map(escapeRegExp).join('|')})${guard}`, 'g');
  return (text) => text.replace(pattern, (found) => table[found] ?? found);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The steps shared by every view and by table keys: NFKC, lower case, no variation selectors. */
export function baseForm(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(VARIATION_AND_JOINERS, '');
}

function stripToLetters(text: string): string {
  return text.replace(SENTENCE_ENDS, SENTENCE_BREAK).replace(NOT_KEPT, '');
}

function stripKeepingCensorMarks(text: string): string {
  return stripToLetters(text.replace(CENSOR_MARKS, CENSOR_MARK));
}

/** Latin words view: " i want to die ". Apostrophes vanish (don't → dont), stretches shrink (dieee → die). */
export function toWords(text: string): string {
  const tokens = text.replace(APOSTROPHES, '').match(LATIN_OR_DIGIT_TOKEN) ?? [];
  if (tokens.length === 0) return ' ';
  return ` ${tokens.map((t) => t.replace(LATIN_STRETCH, '$1')).join(' ')} `;
}

export function createNormaliser(tables: NormaliseTables): Normaliser {
  // Table keys go through the same steps the text has been through when the table is applied,
  // so a supervisor can write ﾀﾋ or ❤️ and still have it match.
  const emoji = createReplacer(rekey(tables.emoji, baseForm));
  const slang = createReplacer(rekey(tables.slang, (k) => stripToLetters(baseForm(k))));
  const japanese = (stripped: string) => collapseStretches(romajiToKana(foldKana(slang(stripped))));
  // The loose view reads the slang table a second time after the kana fold and romaji, so that
  // hiragana keys also catch katakana and romaji spellings (シニタミ, jisatsu shitai).
  // Dialect keys are written in kana or kanji like any text and folded the same way.
  const dialect = createReplacer(rekey(tables.dialect ?? {}, (k) => japanese(stripToLetters(baseForm(k)))));
  const looseOf = (stripped: string) => foldVowelStretches(dialect(slang(japanese(stripped))));
  // Censored spellings are built from each word as the loose view reads it; longer keys win, and
  // an earlier word wins over a later one with the same censored spelling.
  const censorTable: Record<string, string> = {};
  for (const word of tables.censored ?? []) {
    const plain = looseOf(stripToLetters(baseForm(word))).replaceAll(SENTENCE_BREAK, '');
    for (const key of censoredSpellings(plain)) censorTable[key] ??= plain;
  }
  const uncensor = createReplacer(censorTable, { notBefore: CENSOR_MARK });
  return (text) => {
    const base = emoji(baseForm(text));
    const compact = japanese(stripToLetters(base));
    const loose = uncensor(looseOf(stripKeepingCensorMarks(base)));
    return { compact, loose, words: toWords(base) };
  };
}

function rekey(table: Readonly<Record<string, string>>, keyForm: (key: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(table)) {
    out[keyForm(key)] = value;
  }
  return out;
}
