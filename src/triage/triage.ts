// Runs the rules over one inbound text. Pure apart from reading the rule files once (cached).
// A hit raises the urgency and flags the case for a human; it never closes or downgrades a case
// (domain.md §5) — that is the caller's business, not this module's.

import type { DangerKind, TriageResult, Urgency } from '../conversation/types.js';
import { detectLanguage } from './language.js';
import { loadTriageNet, matchNet, type TriageNet } from './net.js';
import type { NormalisedText } from './normalise.js';
import { loadTriageRules, type CompiledPattern, type CompiledRule, type TriageRuleSet } from './rules.js';

export interface RuleMatch {
  /** The signal: a rule id, or the signal of a net category. */
  ruleId: string;
  level: CompiledRule['level'];
  /** The pattern as written in rules.yaml; for the net, `net/<category>: <stem>` as in net.yaml. */
  pattern: string;
  /** The matched stretch of the normalised view, for supervisors tuning the rules. */
  matched: string;
  /** Which layer fired: a phrase rule (rules.yaml) or the stem net (net.yaml). */
  layer?: 'rules' | 'net';
}

/** A rule set with the stem net that runs after it (null: the rules run alone). */
export type TriageConfig = TriageRuleSet & { net?: TriageNet | null };

export interface Triage {
  (text: string): TriageResult;
  /**
   * Every rule that fired, with the pattern that fired first; when no emergency rule fired,
   * also every category of the stem net that fired (layer 'net'), with the stem.
   */
  explain(text: string): RuleMatch[];
  readonly ruleSet: TriageConfig;
}

const LEVEL_ORDER: Record<Urgency, number> = { normal: 0, high: 1, emergency: 2 };
const BASE_SCORE: Record<Urgency, number> = { normal: 0, high: 40, emergency: 80 };
/** Which crisis answer a signal calls for (the rule ids of data/triage/rules.yaml). */
const KIND_OF_SIGNAL: Record<string, DangerKind> = {
  suicidal_ideation: 'suicide',
  farewell: 'suicide',
  suicide_plan: 'suicide',
  self_harm: 'self_harm',
  overdose: 'medical',
  collapsed: 'medical',
  unresponsive: 'medical',
  abuse_child: 'child_abuse',
  abuse_elder: 'elder_abuse',
  domestic_violence: 'dv',
  violence_to_others: 'harm_to_others',
};

export function createTriage(ruleSet: TriageConfig = defaultRuleSet()): Triage {
  const explain = (text: string): RuleMatch[] => {
    const normalised = ruleSet.normalise(text);
    const matches: RuleMatch[] = [];
    for (const rule of ruleSet.rules) {
      const match = matchRule(rule, normalised);
      if (match !== null) matches.push({ ...match, layer: 'rules' });
    }
    // The net only adds emergencies: it runs when no emergency rule fired.
    if (ruleSet.net && !matches.some((m) => m.level === 'emergency')) {
      for (const hit of matchNet(ruleSet.net, normalised)) {
        matches.push({
          ruleId: hit.signal,
          level: 'emergency',
          pattern: `net/${hit.categoryId}: ${hit.stem}`,
          matched: hit.matched,
          layer: 'net',
        });
      }
    }
    // Stable sort: emergencies first, then the order of rules.yaml (net hits after rule hits).
    return matches.sort((a, b) => LEVEL_ORDER[b.level] - LEVEL_ORDER[a.level]);
  };
  const triage = (text: string): TriageResult => {
    const matches = explain(text);
    const urgency: Urgency = matches[0]?.level ?? 'normal';
    const signals = [...new Set(matches.map((m) => m.ruleId))];
    const kinds = [...new Set(signals.flatMap((signal) => KIND_OF_SIGNAL[signal] ?? []))];
    return { urgency, signals, score: BASE_SCORE[urgency] + Math.min(signals.length, 5) * 2, check: false, kinds, language: detectLanguage(text) };
  };
  return Object.assign(triage, { explain, ruleSet });
}

let cachedRuleSet: TriageConfig | null = null;
let cachedTriage: Triage | null = null;

/** The rule set and the stem net from data/triage/, loaded on first use. */
export function defaultRuleSet(): TriageConfig {
  if (cachedRuleSet === null) {
    const rules = loadTriageRules();
    cachedRuleSet = { ...rules, net: loadTriageNet(rules.normalise) };
  }
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
