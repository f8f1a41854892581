// Runs the rules over one inbound text. Pure apart from reading the rule files once (cached).
// A hit raises the urgency and flags the case for a human; it never closes or downgrades a case
// (domain.md §5) — that is the caller's business, not this module's.

import type { TriageResult, Urgency } from '../conversation/types.js';
import type { NormalisedText } from './normalise.js';
import { loadTriageRules, type CompiledPattern, type CompiledRule, type TriageRuleSet } from './rules.js';

export interface RuleMatch {
  ruleId: string;
  level: CompiledRule['level'];
  /** The pattern as written in rules.yaml. */
  pattern: string;
  /** The matched stretch of the normalised view, for supervisors tuning the rules. */
  matched: string;
}

export interface Triage {
  (text: string): TriageResult;
  /** Every rule that fired, with the pattern that fired first. */
  explain(text: string): RuleMatch[];
  readonly ruleSet: TriageRuleSet;
}

const LEVEL_ORDER: Record<Urgency, number> = { normal: 0, high: 1, emergency: 2 };

export function createTriage(ruleSet: TriageRuleSet = defaultRuleSet()): Triage {
  const explain = (text: string): RuleMatch[] => {
    const normalised = ruleSet.normalise(text);
    const matches: RuleMatch[] = [];
    for (const rule of ruleSet.rules) {
      const match = matchRule(rule, normalised);
      if (match !== null) matches.push(match);
    }
    // Stable sort: emergencies first, then the order of rules.yaml.
    return matches.sort((a, b) => LEVEL_ORDER[b.level] - LEVEL_ORDER[a.level]);
  };
  const triage = (text: string): TriageResult => {
    const matches = explain(text);
    const urgency: Urgency = matches[0]?.level ?? 'normal';
    return { urgency, signals: matches.map((m) => m.ruleId) };
  };
  return Object.assign(triage, { explain, ruleSet });
}

let cachedRuleSet: TriageRuleSet | null = null;
let cachedTriage: Triage | null = null;

/** The rule set from data/triage/, loaded on first use. */
export function defaultRuleSet(): TriageRuleSet {
  cachedRuleSet ??= loadTriageRules();
  return cachedRuleSet;
}

/** Triage one inbound user text with the default rules. */
export function triageText(text: string): TriageResult {
  cachedTriage ??= createTriage();
  return cachedTriage(text);
}

/** The first match of `rule` in the text that no `unless` exclusion covers, or null. */
export function matchRule(rule: CompiledRule, text: NormalisedText): RuleMatch | null {
  const exclusions: Partial<Record<keyof NormalisedText, Exclusions>> = {};
  const uncovered = (pattern: CompiledPattern): string | null => {
    const view = text[pattern.view];
    const regex = pattern.regex;
    regex.lastIndex = 0;
    for (let m = regex.exec(view); m !== null; m = regex.exec(view)) {
      const start = m.index;
      const end = start + m[0].length;
      exclusions[pattern.view] ??= findExclusions(rule.unless, pattern.view, view);
      if (!exclusions[pattern.view]?.covers(start, end)) return m[0];
      // Covered: look again from the next character, where another spelling may start.
      regex.lastIndex = start + 1;
    }
    return null;
  };
  for (const pattern of rule.patterns) {
    const found: string[] = [];
    for (const part of pattern.parts) {
      let hit: string | null = null;
      for (const matcher of part) {
        hit = uncovered(matcher);
        if (hit !== null) break;
      }
      if (hit === null) break;
      found.push(hit);
    }
    const ruledOut = () => pattern.absent.some((part) => part.some((matcher) => uncovered(matcher) !== null));
    if (found.length === pattern.parts.length && !ruledOut()) {
      return { ruleId: rule.id, level: rule.level, pattern: pattern.source, matched: found.join(' & ') };
    }
  }
  return null;
}

interface Exclusions {
  covers(start: number, end: number): boolean;
}

function findExclusions(unless: CompiledPattern[], viewName: keyof NormalisedText, view: string): Exclusions {
  const spans: Array<[number, number]> = [];
  for (const pattern of unless) {
    if (pattern.view !== viewName) continue;
    const regex = pattern.regex;
    regex.lastIndex = 0;
    for (let m = regex.exec(view); m !== null; m = regex.exec(view)) {
      spans.push([m.index, m.index + m[0].length]);
      regex.lastIndex = m.index + 1;
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  // maxEnd[i]: the farthest end among spans[0..i]; a match is covered when some span starting at
  // or before it reaches past its end.
  const maxEnd: number[] = [];
  for (const [i, span] of spans.entries()) maxEnd.push(Math.max(span[1], maxEnd[i - 1] ?? 0));
  return {
    covers(start, end) {
      let lo = 0;
      let hi = spans.length - 1;
      let last = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((spans[mid] as [number, number])[0] <= start) {
          last = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return last >= 0 && (maxEnd[last] as number) >= end;
    },
  };
}
