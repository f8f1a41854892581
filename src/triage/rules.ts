// Triage rules are data (data/triage/rules.yaml) that a supervisor reads and extends. This file
// owns their schema, the small pattern language and the loader. A broken rule file fails loudly,
// naming the rule and the pattern, instead of silently triaging less.
//
// Pattern language (documented for supervisors at the top of rules.yaml):
//   plain text     matched after normalisation, as a substring (Japanese) or whole words (English)
//   (a|b|c)        alternatives; may nest; an empty alternative makes the group optional: (を|)
//   ~              a short gap inside one sentence: up to `gap.chars` characters of Japanese text,
//                  or up to `gap.words` words of English
//   #              a number: digits or kanji numerals (3, 30, 三, 数十, 何)
//   ##             a large number: two digits or more, or with 十/百/千 (30, 100, 数十, 何十)
//   ^ and $        the start / end of a sentence (Japanese) or of the whole message (English):
//                  ^切りたい$, (と思う|かも|$); anywhere a character may stand, also inside groups
//   A & B          co-occurrence: every part must match somewhere in the message, in any order and
//                  in any sentence (a means in one sentence, the intent in the next). Each part is
//                  a pattern of its own and must escape `unless` on its own. Not in `unless`.
//   A & B & !C     …and C appears nowhere in the message: context that explains a weak
//                  combination away (今までありがとう & 最後 & !(転職|卒業|異動)). Only in `&`
//                  patterns, and at least one part must be positive.
// A pattern written only in ASCII letters/digits/spaces is English and goes to the words view;
// anything else is Japanese and is tried on the compact view and on the loose view (vowel
// stretches and censor marks, see normalise.ts), each time normalised like that view. Both sides
// are normalised the same way, so ｼﾆﾀｲ, シニタイ and しにたい in a pattern are all the same pattern.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import {
  SENTENCE_BREAK,
  baseForm,
  createNormaliser,
  escapeRegExp,
  type NormaliseTables,
  type NormalisedText,
  type Normaliser,
} from './normalise.js';

export type RuleLevel = 'emergency' | 'high';
export type TextView = keyof NormalisedText;
/** The views a Japanese pattern is tried on; English patterns use `words`. */
const JAPANESE_VIEWS = ['compact', 'loose'] as const;

export const DEFAULT_TRIAGE_DATA_DIR = new URL('../../data/triage/', import.meta.url);

const MAX_GAPS_PER_PATTERN = 3;
const MAX_PARTS_PER_PATTERN = 3;
const MAX_EXPANSIONS = 5000;

// ---------------------------------------------------------------------------------------------
// Schemas

const ruleIdSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case, e.g. self_harm');
const phraseList = z.array(z.string().trim().min(1, 'must not be empty'));

export const triageRuleSchema = z
  .object({
    id: ruleIdSchema,
    level: z.enum(['emergency', 'high']),
    description: z.string().trim().min(1),
    patterns: phraseList.min(1, 'a rule needs at least one pattern'),
    unless: phraseList.default([]),
    examples: phraseList.min(1, 'give at least one example that must match'),
    counterExamples: phraseList.default([]),
  })
  .strict();
export type TriageRuleSource = z.infer<typeof triageRuleSchema>;

const rulesFileSchema = z
  .object({
    version: z.literal(1),
    gap: z
      .object({
        chars: z.number().int().min(1).max(40).default(12),
        unlessChars: z.number().int().min(1).max(60).default(20),
        words: z.number().int().min(1).max(10).default(4),
      })
      .strict()
      .default({ chars: 12, unlessChars: 20, words: 4 }),
    rules: z.array(z.unknown()).min(1),
  })
  .strict();

const normaliseFileSchema = z
  .object({
    version: z.literal(1),
    emoji: z.record(z.string().min(1), z.string().min(1)).default({}),
    slang: z.record(z.string().min(1), z.string()).default({}),
    censored: z.array(z.string().trim().min(2, 'a censored word needs at least two characters')).default([]),
    dialect: z.record(z.string().min(2), z.string()).default({}),
  })
  .strict();

export class TriageRuleError extends Error {
  override readonly name = 'TriageRuleError';
  constructor(
    message: string,
    readonly ruleId: string | null,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Compiled form

export interface CompiledPattern {
  source: string;
  view: TextView;
  /** Global regex over the view; `lastIndex` is reset by every user. */
  regex: RegExp;
}

/**
 * One entry of `patterns`: its parts (more than one when written with `&`) must all match. Each
 * part is a list of alternative matchers, one per view it is tried on (compact and loose for
 * Japanese, words for English).
 */
export interface CompiledRulePattern {
  source: string;
  parts: CompiledPattern[][];
  /** Parts written with `!`: the pattern does not fire when any of them matches. */
  absent: CompiledPattern[][];
}

export interface CompiledRule {
  id: string;
  level: RuleLevel;
  description: string;
  patterns: CompiledRulePattern[];
  /** Exclusions, one matcher per view. */
  unless: CompiledPattern[];
  examples: string[];
  counterExamples: string[];
}

export interface TriageRuleSet {
  normalise: Normaliser;
  rules: CompiledRule[];
}

// ---------------------------------------------------------------------------------------------
// Loading

export function loadTriageRules(dir: URL | string = DEFAULT_TRIAGE_DATA_DIR): TriageRuleSet {
  const base = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const read = (name: string) => readFileSync(`${base.replace(/\/?$/, '/')}${name}`, 'utf8');
  return parseTriageRules({ rulesYaml: read('rules.yaml'), normaliseYaml: read('normalise.yaml') });
}

export function parseTriageRules(files: { rulesYaml: string; normaliseYaml: string }): TriageRuleSet {
  const tables = parseNormaliseFile(files.normaliseYaml);
  const normalise = createNormaliser(tables);
  const file = parseWith(rulesFileSchema, parseYamlText(files.rulesYaml, 'rules.yaml'), 'rules.yaml', null);

  const seen = new Set<string>();
  const rules = file.rules.map((raw, index) => {
    const label = ruleLabel(raw, index);
    const source = parseWith(triageRuleSchema, raw, `rules.yaml ${label}`, idOf(raw));
    if (seen.has(source.id)) throw new TriageRuleError(`rules.yaml ${label}: duplicate rule id`, source.id);
    seen.add(source.id);
    return compileRule(source, file.gap, normalise);
  });
  return { normalise, rules };
}

function parseNormaliseFile(text: string): NormaliseTables {
  return parseWith(normaliseFileSchema, parseYamlText(text, 'normalise.yaml'), 'normalise.yaml', null);
}

function parseYamlText(text: string, name: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new TriageRuleError(`${name}: not valid YAML: ${(error as Error).message}`, null);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string, ruleId: string | null): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  throw new TriageRuleError(`${where}: ${problems}`, ruleId);
}

function idOf(raw: unknown): string | null {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string') return raw.id;
  return null;
}

function ruleLabel(raw: unknown, index: number): string {
  const id = idOf(raw);
  return id === null ? `rule #${index + 1}` : `rule #${index + 1} (${id})`;
}

// ---------------------------------------------------------------------------------------------
// Pattern language

export type PatternNode =
  | { kind: 'text'; text: string }
  | { kind: 'alt'; options: PatternNode[][] }
  | { kind: 'gap' }
  | { kind: 'number'; large: boolean }
  | { kind: 'anchor'; end: boolean };

// Quantifiers are bounded so that a pathological run of digits stays linear to scan.
const JAPANESE_NUMBERS = {
  any: '[0-9〇一二三四五六七八九十百千数何]{1,6}',
  large: '(?:[0-9]{2,6}|[数何]?[一二三四五六七八九]?[十百千])',
} as const;
const NUMBER_CLASS = {
  compact: JAPANESE_NUMBERS,
  loose: JAPANESE_NUMBERS,
  words: { any: '[0-9]{1,6}', large: '[0-9]{2,6}' },
} as const;

export function parsePattern(pattern: string): PatternNode[] {
  let pos = 0;
  const parseSeq = (depth: number): PatternNode[] => {
    const seq: PatternNode[] = [];
    let text = '';
    const flush = () => {
      if (text !== '') seq.push({ kind: 'text', text });
      text = '';
    };
    while (pos < pattern.length) {
      const ch = pattern[pos] as string;
      if (ch === '(') {
        flush();
        pos += 1;
        const options: PatternNode[][] = [parseSeq(depth + 1)];
        while (pattern[pos] === '|') {
          pos += 1;
          options.push(parseSeq(depth + 1));
        }
        if (pattern[pos] !== ')') throw new Error(`unclosed "(" in "${pattern}"`);
        pos += 1;
        seq.push({ kind: 'alt', options });
      } else if (ch === '|' || ch === ')') {
        if (depth === 0) throw new Error(`"${ch}" outside a group in "${pattern}"`);
        break;
      } else if (ch === '~') {
        flush();
        seq.push({ kind: 'gap' });
        pos += 1;
      } else if (ch === '^' || ch === '$') {
        flush();
        seq.push({ kind: 'anchor', end: ch === '$' });
        pos += 1;
      } else if (ch === '#') {
        flush();
        const large = pattern[pos + 1] === '#';
        seq.push({ kind: 'number', large });
        pos += large ? 2 : 1;
      } else {
        text += ch;
        pos += 1;
      }
    }
    flush();
    return seq;
  };
  const nodes = parseSeq(0);
  if (pos !== pattern.length) throw new Error(`unexpected "${pattern[pos]}" in "${pattern}"`);
  return nodes;
}

function plainText(nodes: PatternNode[]): string {
  return nodes
    .map((n) => (n.kind === 'text' ? n.text : n.kind === 'alt' ? n.options.map(plainText).join(' ') : ' '))
    .join('');
}

function viewOf(pattern: string, nodes: PatternNode[]): TextView {
  return /^[\x20-\x7e]*$/.test(plainText(nodes)) && /[a-z]/i.test(pattern) ? 'words' : 'compact';
}

/** One spelling of a pattern: text runs separated by gaps and numbers. */
type Token =
  | { kind: 'text'; text: string }
  | { kind: 'gap' }
  | { kind: 'number'; large: boolean }
  | { kind: 'anchor'; end: boolean };

/**
 * Every spelling a pattern stands for. Alternatives are expanded before normalisation so that
 * each spelling is normalised as a whole, exactly like a message (kana that stretch across a
 * group boundary collapse the same way in both).
 */
function expandPattern(nodes: PatternNode[], limit = MAX_EXPANSIONS): Token[][] {
  let results: Token[][] = [[]];
  for (const node of nodes) {
    const parts: Token[][] = node.kind === 'alt' ? node.options.flatMap((o) => expandPattern(o, limit)) : [[node]];
    const next: Token[][] = [];
    for (const head of results) {
      for (const part of parts) next.push([...head, ...part]);
    }
    if (next.length > limit) throw new Error(`has more than ${limit} spellings; split it into several patterns`);
    results = next;
  }
  return results;
}

/** Merge neighbouring text tokens and normalise each text run for the view. */
type SymbolToken = Exclude<Token, { kind: 'text' }>;

function normaliseSpelling(tokens: Token[], view: TextView, normalise: Normaliser): Array<string | SymbolToken> {
  const out: Array<string | SymbolToken> = [];
  let run = '';
  const flush = (beforeGap: boolean) => {
    if (run === '') return;
    let text = view === 'words' ? wordsFragment(run) : normalise(run)[view].replaceAll(SENTENCE_BREAK, '');
    if (view === 'words') {
      // Spaces next to a gap or an anchor belong to it; spaces at the ends of the pattern are dropped.
      const last = out.at(-1);
      if (last === undefined || (typeof last !== 'string' && last.kind !== 'number')) text = text.replace(/^ /, '');
      if (beforeGap) text = text.replace(/ $/, '');
    }
    for (const ch of text) out.push(ch);
    run = '';
  };
  for (const token of tokens) {
    if (token.kind === 'text') {
      run += token.text;
    } else {
      flush(token.kind !== 'number');
      out.push(token);
    }
  }
  flush(true);
  return out;
}

/** A fragment of an English pattern: lower case, no apostrophes, words joined by single spaces. */
function wordsFragment(text: string): string {
  return baseForm(text)
    .replace(/['’‘`´]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/([a-z])\1{2,}/g, '$1');
}

interface GapWidths {
  chars: number;
  unlessChars: number;
  words: number;
}

/** A prefix tree over normalised spellings, turned into one regex with shared prefixes factored. */
interface TrieNode {
  end: boolean;
  children: Map<string, TrieNode>;
}

function trieInsert(root: TrieNode, symbols: string[]): void {
  let node = root;
  for (const symbol of symbols) {
    let child = node.children.get(symbol);
    if (child === undefined) {
      child = { end: false, children: new Map() };
      node.children.set(symbol, child);
    }
    node = child;
  }
  node.end = true;
}

function trieToRegex(node: TrieNode, symbolSource: (symbol: string) => string): string {
  const branches = [...node.children].map(([symbol, child]) => symbolSource(symbol) + trieToRegex(child, symbolSource));
  if (branches.length === 0) return '';
  if (node.end) return `(?:${branches.join('|')}|)`;
  return branches.length === 1 ? (branches[0] as string) : `(?:${branches.join('|')})`;
}

// Special symbols in the trie; real text never contains these control characters.
const GAP_SYMBOL = '\u0001';
const NUMBER_SYMBOL = '\u0002';
const LARGE_NUMBER_SYMBOL = '\u0003';
const START_SYMBOL = '\u0004';
const END_SYMBOL = '\u0005';
// ^ and $: Japanese views keep sentence ends as "\n"; the words view is one line with a space at
// both ends.
const ANCHOR_SOURCE = {
  compact: { start: '(?<![^\\n])', end: '(?![^\\n])' },
  loose: { start: '(?<![^\\n])', end: '(?![^\\n])' },
  words: { start: '(?<=^ ?)', end: '(?= ?$)' },
} as const;

/** The views a pattern is tried on: words for English, compact and loose for Japanese. */
export function viewsOf(source: string): TextView[] {
  return viewOf(source, parsePattern(source)) === 'words' ? ['words'] : [...JAPANESE_VIEWS];
}

/** Split a pattern at the `&` that stand outside any group. */
export function splitParts(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i += 1) {
    const ch = source[i];
    if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === '&' && depth === 0) {
      parts.push(source.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(source.slice(start).trim());
  return parts;
}

/**
 * Compile one pattern (without `&`) for one view. `view` defaults to the view the pattern's own
 * script asks for (words for English, compact for Japanese); `loose` must be asked for.
 */
function tokenSymbol(token: SymbolToken): string {
  switch (token.kind) {
    case 'gap':
      return GAP_SYMBOL;
    case 'number':
      return token.large ? LARGE_NUMBER_SYMBOL : NUMBER_SYMBOL;
    case 'anchor':
      return token.end ? END_SYMBOL : START_SYMBOL;
  }
}

export function compilePattern(
  source: string,
  gap: { chars: number; words: number },
  normalise: Normaliser,
  options: { greedy: boolean; view?: TextView },
): CompiledPattern {
  const nodes = parsePattern(source);
  const ownView = viewOf(source, nodes);
  if (options.view !== undefined && (options.view === 'words') !== (ownView === 'words')) {
    throw new Error(`"${source}" cannot be read in the ${options.view} view`);
  }
  const view = options.view ?? ownView;
  const lazy = options.greedy ? '' : '?';
  const gapSource = view !== 'words' ? `[^\\n]{0,${gap.chars}}${lazy}` : ` (?:[a-z0-9]{1,40} ){0,${gap.words}}${lazy}`;
  const symbolSource = (symbol: string): string => {
    if (symbol === GAP_SYMBOL) return gapSource;
    if (symbol === NUMBER_SYMBOL) return NUMBER_CLASS[view].any;
    if (symbol === LARGE_NUMBER_SYMBOL) return NUMBER_CLASS[view].large;
    if (symbol === START_SYMBOL) return ANCHOR_SOURCE[view].start;
    if (symbol === END_SYMBOL) return ANCHOR_SOURCE[view].end;
    return escapeRegExp(symbol);
  };

  // Top-level gaps split the pattern into segments compiled on their own, so that the number of
  // spellings multiplies only inside a segment (a gap absorbs whatever stands at its edges).
  const segments: PatternNode[][] = [[]];
  for (const node of nodes) {
    if (node.kind === 'gap') segments.push([]);
    else (segments.at(-1) as PatternNode[]).push(node);
  }
  if (segments.length - 1 > MAX_GAPS_PER_PATTERN) throw new Error(`"${source}" has more than ${MAX_GAPS_PER_PATTERN} gaps`);
  const segmentSources = segments.map((segment, index) => {
    const root: TrieNode = { end: false, children: new Map() };
    for (const spelling of expandPattern(segment)) {
      const symbols = normaliseSpelling(spelling, view, normalise).map((s) =>
        typeof s === 'string' ? s : tokenSymbol(s),
      );
      if (symbols.includes(GAP_SYMBOL) && (symbols[0] === GAP_SYMBOL || symbols.at(-1) === GAP_SYMBOL)) {
        throw new Error(`"${source}" has a "~" at the edge of a group`);
      }
      if (view !== 'words' && symbols.length === 1 && /^[\u3041-\u309f]$/.test(symbols[0] as string)) {
        // A lone kana (たた and たたく both fold to た…) would fire on almost any message.
        throw new Error(`"${source}" has a part that is a single kana once normalised ("${symbols[0]}")`);
      }
      trieInsert(root, symbols);
    }
    if (root.children.size === 0) {
      throw new Error(index === 0 || index === segments.length - 1 ? `"${source}" starts or ends with "~" or is empty` : `"${source}" has "~~"`);
    }
    return trieToRegex(root, symbolSource);
  });
  let body = segmentSources.join(gapSource);
  if (view === 'words') body = `(?<![a-z0-9])${body}(?![a-z0-9])`;
  const regex = new RegExp(body, 'g');
  if (new RegExp(`^(?:${body})$`).test('')) throw new Error(`"${source}" can match empty text`);
  return { source, view, regex };
}

function compileRule(source: TriageRuleSource, gap: GapWidths, normalise: Normaliser): CompiledRule {
  const fail = (list: string, error: unknown): never => {
    throw new TriageRuleError(`rules.yaml rule ${source.id}: ${list}: ${(error as Error).message}`, source.id);
  };
  /** One matcher per view. The loose view is a bonus: a spelling it folds away is not an error. */
  const compileViews = (pattern: string, chars: number, greedy: boolean): CompiledPattern[] => {
    const views = viewsOf(pattern);
    const first = compilePattern(pattern, { chars, words: gap.words }, normalise, { greedy, view: views[0] });
    const rest: CompiledPattern[] = [];
    for (const view of views.slice(1)) {
      try {
        rest.push(compilePattern(pattern, { chars, words: gap.words }, normalise, { greedy, view }));
      } catch {
        // e.g. a part that folds to a single kana only once vowel stretches are dropped
      }
    }
    return [first, ...rest];
  };
  const compileMain = (pattern: string): CompiledRulePattern => {
    try {
      const parts = splitParts(pattern);
      if (parts.length > MAX_PARTS_PER_PATTERN) throw new Error(`"${pattern}" has more than ${MAX_PARTS_PER_PATTERN} parts joined by "&"`);
      if (parts.some((p) => p === '' || p === '!')) throw new Error(`"${pattern}" has an empty part around "&"`);
      const positive = parts.filter((p) => !p.startsWith('!'));
      const negative = parts.filter((p) => p.startsWith('!')).map((p) => p.slice(1).trim());
      if (positive.length === 0) throw new Error(`"${pattern}" needs at least one part without "!"`);
      if (negative.length > 0 && parts.length === 1) throw new Error(`"${pattern}": "!" only in a pattern with "&"`);
      return {
        source: pattern,
        parts: positive.map((part) => compileViews(part, gap.chars, false)),
        absent: negative.map((part) => compileViews(part, gap.chars, false)),
      };
    } catch (error) {
      return fail('patterns', error);
    }
  };
  const compileUnless = (pattern: string): CompiledPattern[] => {
    try {
      if (splitParts(pattern).length > 1) throw new Error(`"${pattern}": "&" is not allowed in unless (an exclusion must cover the match)`);
      return compileViews(pattern, gap.unlessChars, true);
    } catch (error) {
      return fail('unless', error);
    }
  };
  return {
    id: source.id,
    level: source.level,
    description: source.description,
    // Main patterns take the nearest end of a gap, exclusions the farthest: an exclusion then
    // covers as much as it can, and a match is dropped only when an exclusion contains it whole.
    patterns: source.patterns.map(compileMain),
    // Exclusions describe context (a news item, a drama), so their gaps reach further.
    unless: source.unless.flatMap(compileUnless),
    examples: source.examples,
    counterExamples: source.counterExamples,
  };
}
