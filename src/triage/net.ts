// The stem net: a broad second layer of triage (data/triage/net.yaml explains the why).
//
// The rules in rules.yaml are phrases and miss new wording. The net looks for short stems that
// almost every danger message carries (死, 殺, 殴, 血, 倒れ, kill, die …) and reports a hit
// unless the message explains the stem away:
//   - an `unless` phrase (of the category, or global) covers the first character of the hit —
//     the stem's anchor (死ぬほど笑った covers 死; 洗濯ロープ covers the ロ of ロープを買った).
//     rules.yaml asks an exclusion to cover a match whole, because its matches are long phrases
//     in which a later part can carry the danger; a stem hit is about its anchor;
//   - a `contexts` phrase stands within `contextWindow` characters of the hit on the same view
//     (a drama, a game, the news, a lecture, history, the past).
// Patterns are written in the rules.yaml pattern language and compiled by the same compiler, on
// the same normalised views; matching is a handful of regex scans plus binary searches over the
// exclusion spans, linear in the length of the text.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import type { NormalisedText, Normaliser } from './normalise.js';
import { DEFAULT_TRIAGE_DATA_DIR, TriageRuleError, compilePattern, splitParts, viewsOf, type CompiledPattern } from './rules.js';

export const NET_FILE = 'net.yaml';

const phraseList = z.array(z.string().trim().min(1, 'must not be empty'));
const idSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case');

const netFileSchema = z
  .object({
    version: z.literal(1),
    gap: z
      .object({
        chars: z.number().int().min(1).max(40).default(12),
        unlessChars: z.number().int().min(1).max(60).default(16),
        words: z.number().int().min(1).max(10).default(4),
      })
      .strict()
      .default({ chars: 12, unlessChars: 16, words: 4 }),
    contextWindow: z.number().int().min(0).max(200).default(30),
    contexts: z
      .array(z.object({ id: idSchema, why: z.string().trim().min(1), patterns: phraseList.min(1) }).strict())
      .default([]),
    unless: phraseList.default([]),
    categories: z
      .array(
        z
          .object({
            id: idSchema,
            signal: idSchema,
            description: z.string().trim().min(1),
            stems: phraseList.min(1),
            unless: phraseList.default([]),
            examples: phraseList.min(1, 'give at least one example that must fire the net'),
            counterExamples: phraseList.default([]),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** One stem: a matcher per view it is tried on (compact and loose for Japanese, words for English). */
export interface NetStem {
  source: string;
  matchers: CompiledPattern[];
}

export interface NetCategory {
  id: string;
  /** Reported as a triage signal. */
  signal: string;
  description: string;
  stems: NetStem[];
  /** The category's own exclusions followed by the global ones, one matcher per view. */
  unless: CompiledPattern[];
  examples: string[];
  counterExamples: string[];
}

export interface NetContext {
  id: string;
  why: string;
  patterns: CompiledPattern[];
}

export interface TriageNet {
  contextWindow: number;
  contexts: NetContext[];
  categories: NetCategory[];
  /** Every signal the net can report, with the description of the first category that reports it. */
  signals: ReadonlyMap<string, string>;
}

export interface NetMatch {
  categoryId: string;
  signal: string;
  /** The stem as written in net.yaml. */
  stem: string;
  /** The matched stretch of the normalised view. */
  matched: string;
}

// ---------------------------------------------------------------------------------------------
// Loading

/** The net from data/triage/net.yaml, or null when the file is absent (the rules run alone). */
export function loadTriageNet(normalise: Normaliser, dir: URL | string = DEFAULT_TRIAGE_DATA_DIR): TriageNet | null {
  const base = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const path = `${base.replace(/\/?$/, '/')}${NET_FILE}`;
  if (!existsSync(path)) return null;
  return parseTriageNet(readFileSync(path, 'utf8'), normalise);
}

export function parseTriageNet(yamlText: string, normalise: Normaliser): TriageNet {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    throw new TriageRuleError(`${NET_FILE}: not valid YAML: ${(error as Error).message}`, null);
  }
  const parsed = netFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
    throw new TriageRuleError(`${NET_FILE}: ${problems}`, null);
  }
  const file = parsed.data;

  const compile = (where: string, pattern: string, chars: number, greedy: boolean): CompiledPattern[] => {
    try {
      if (splitParts(pattern).length > 1) throw new Error(`"${pattern}": "&" is not allowed in the net (a stem is one thing)`);
      const views = viewsOf(pattern);
      const first = compilePattern(pattern, { chars, words: file.gap.words }, normalise, { greedy, view: views[0] });
      const rest: CompiledPattern[] = [];
      for (const view of views.slice(1)) {
        try {
          rest.push(compilePattern(pattern, { chars, words: file.gap.words }, normalise, { greedy, view }));
        } catch {
          // The loose view is a bonus (a part may fold to a single kana there only).
        }
      }
      return [first, ...rest];
    } catch (error) {
      const message = (error as Error).message;
      throw new TriageRuleError(`${NET_FILE} ${where}: ${message.includes(pattern) ? message : `"${pattern}" ${message}`}`, null);
    }
  };
  // Stems take the nearest end of a gap; exclusions and contexts the farthest (as in rules.yaml).
  const globalUnless = file.unless.flatMap((p) => compile('unless', p, file.gap.unlessChars, true));
  const contexts = file.contexts.map((c) => ({
    id: c.id,
    why: c.why,
    patterns: c.patterns.flatMap((p) => compile(`context ${c.id}`, p, file.gap.unlessChars, true)),
  }));
  const seen = new Set<string>();
  const signals = new Map<string, string>();
  const categories = file.categories.map((c): NetCategory => {
    if (seen.has(c.id)) throw new TriageRuleError(`${NET_FILE} category ${c.id}: duplicate id`, c.id);
    seen.add(c.id);
    if (!signals.has(c.signal)) signals.set(c.signal, c.description);
    return {
      id: c.id,
      signal: c.signal,
      description: c.description,
      stems: c.stems.map((s) => ({ source: s, matchers: compile(`category ${c.id} stems`, s, file.gap.chars, false) })),
      unless: [...c.unless.flatMap((p) => compile(`category ${c.id} unless`, p, file.gap.unlessChars, true)), ...globalUnless],
      examples: c.examples,
      counterExamples: c.counterExamples,
    };
  });
  return { contextWindow: file.contextWindow, contexts, categories, signals };
}

// ---------------------------------------------------------------------------------------------
// Matching

type View = keyof NormalisedText;

/** Sorted spans of every match of `patterns` on one view, with range queries. */
class Spans {
  private readonly starts: number[] = [];
  private readonly maxEnd: number[] = [];

  constructor(patterns: readonly CompiledPattern[], view: View, text: string) {
    const spans: Array<[number, number]> = [];
    for (const pattern of patterns) {
      if (pattern.view !== view) continue;
      const regex = pattern.regex;
      regex.lastIndex = 0;
      for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
        spans.push([m.index, m.index + m[0].length]);
        regex.lastIndex = m.index + 1;
      }
    }
    spans.sort((a, b) => a[0] - b[0]);
    for (const [start, end] of spans) {
      this.starts.push(start);
      this.maxEnd.push(Math.max(end, this.maxEnd.at(-1) ?? 0));
    }
  }

  /** Whether some span contains the character at `position`. */
  contains(position: number): boolean {
    const last = this.lastStartingBy(position);
    return last >= 0 && (this.maxEnd[last] as number) > position;
  }

  /** Whether some span lies within `window` characters of [start, end) (or overlaps it). */
  near(start: number, end: number, window: number): boolean {
    const last = this.lastStartingBy(end + window);
    return last >= 0 && (this.maxEnd[last] as number) >= start - window;
  }

  private lastStartingBy(position: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] as number) <= position) {
        last = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return last;
  }
}

/** Every category of the net that fires on the text, with its first unexplained stem hit. */
export function matchNet(net: TriageNet, text: NormalisedText): NetMatch[] {
  const contextPatterns = net.contexts.flatMap((c) => c.patterns);
  const contextSpans: Partial<Record<View, Spans>> = {};
  const contextOf = (view: View) => (contextSpans[view] ??= new Spans(contextPatterns, view, text[view]));

  // English stems are matched on the words view, Japanese contexts on the others (and the other
  // way round), where positions cannot be compared: across views a context explains a hit only
  // when the message is short enough for the whole of it to lie inside the window.
  const short = text.compact.length <= 2 * net.contextWindow;
  const crossContext: Partial<Record<View, boolean>> = {};
  const otherViewHasContext = (view: View): boolean => {
    if (!short) return false;
    return (crossContext[view] ??=
      view === 'words'
        ? contextOf('compact').near(0, text.compact.length, net.contextWindow)
        : contextOf('words').near(0, text.words.length, net.contextWindow));
  };

  const matches: NetMatch[] = [];
  for (const category of net.categories) {
    const unlessSpans: Partial<Record<View, Spans>> = {};
    const unlessOf = (view: View) => (unlessSpans[view] ??= new Spans(category.unless, view, text[view]));
    const firstHit = (matcher: CompiledPattern): string | null => {
      const view = text[matcher.view];
      const regex = matcher.regex;
      regex.lastIndex = 0;
      for (let m = regex.exec(view); m !== null; m = regex.exec(view)) {
        const start = m.index;
        const end = start + m[0].length;
        const explained =
          unlessOf(matcher.view).contains(start) ||
          contextOf(matcher.view).near(start, end, net.contextWindow) ||
          otherViewHasContext(matcher.view);
        if (!explained) return m[0];
        regex.lastIndex = start + 1;
      }
      return null;
    };
    stems: for (const stem of category.stems) {
      for (const matcher of stem.matchers) {
        const hit = firstHit(matcher);
        if (hit !== null) {
          matches.push({ categoryId: category.id, signal: category.signal, stem: stem.source, matched: hit });
          break stems;
        }
      }
    }
  }
  return matches;
}
