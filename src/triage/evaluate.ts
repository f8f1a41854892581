// Measures a triage against a labelled set: the numbers the desk checks (emergency recall, how
// often an emergency is at least asked about, false alarms on ordinary messages, how well "high"
// keeps its level) with the confusion matrix per label, over the whole set and per language.
// Pure apart from reading the file; used by `yorisoi triage eval`, the regression test and the
// holdout notes.

import { readFileSync } from 'node:fs';
import { z } from 'zod';

import type { TriageResult, Urgency } from '../conversation/types.js';
import { detectLanguage } from './language.js';

export const LEVELS: readonly Urgency[] = ['emergency', 'high', 'normal'];

export const labelledRowSchema = z.object({
  id: z.string().min(1),
  text: z.string().min(1),
  context: z.array(z.string()).nullable().optional(),
  label: z.enum(['emergency', 'high', 'normal']),
  kind: z.string().nullable().optional(),
  lang: z.string().nullable().optional(),
  note: z.string().nullable().optional(),
});
export type LabelledRow = z.infer<typeof labelledRowSchema>;

export function parseLabelledJsonl(text: string, name = 'input'): LabelledRow[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.replace(/^\uFEFF/, '').trim(), index }))
    .filter(({ line }) => line !== '')
    .map(({ line, index }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${name} line ${index + 1}: not valid JSON`);
      }
      const parsed = labelledRowSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${name} line ${index + 1}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

export function readLabelledJsonl(path: string | URL): LabelledRow[] {
  return parseLabelledJsonl(readFileSync(path, 'utf8'), String(path));
}

export type TriageWithContext = (text: string, context?: readonly string[]) => TriageResult;

export type Confusion = Record<Urgency, Record<Urgency, number>>;

export interface Scores {
  n: number;
  matrix: Confusion;
  /** Same matrix, counting only rows where the bot will also ask the safety question. */
  asked: Record<Urgency, number>;
  emergencyRecall: number;
  emergencyOrAsked: number;
  normalToEmergency: number;
  normalAsked: number;
  highKeptHigh: number;
  highToNormalUnasked: number;
  /** Recall per label: rows of that label rated exactly that label. */
  recall: Record<Urgency, number>;
}

export interface Evaluation {
  all: Scores;
  byLanguage: Record<string, Scores>;
  misses: Array<{ row: LabelledRow; result: TriageResult }>;
}

const ratio = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);

export function scoreResults(pairs: ReadonlyArray<{ row: LabelledRow; result: TriageResult }>): Scores {
  const matrix = Object.fromEntries(LEVELS.map((l) => [l, Object.fromEntries(LEVELS.map((p) => [p, 0]))])) as Confusion;
  const asked = { emergency: 0, high: 0, normal: 0 } as Record<Urgency, number>;
  let emergencyOrAsked = 0;
  let highToNormalUnasked = 0;
  for (const { row, result } of pairs) {
    matrix[row.label][result.urgency] += 1;
    if (result.check) asked[row.label] += 1;
    if (row.label === 'emergency' && (result.urgency === 'emergency' || result.check)) emergencyOrAsked += 1;
    if (row.label === 'high' && result.urgency === 'normal' && !result.check) highToNormalUnasked += 1;
  }
  const total = (l: Urgency) => LEVELS.reduce((s, p) => s + matrix[l][p], 0);
  return {
    n: pairs.length,
    matrix,
    asked,
    emergencyRecall: ratio(matrix.emergency.emergency, total('emergency')),
    emergencyOrAsked: ratio(emergencyOrAsked, total('emergency')),
    normalToEmergency: ratio(matrix.normal.emergency, total('normal')),
    normalAsked: ratio(asked.normal, total('normal')),
    highKeptHigh: ratio(matrix.high.high, total('high')),
    highToNormalUnasked: ratio(highToNormalUnasked, total('high')),
    recall: Object.fromEntries(LEVELS.map((l) => [l, ratio(matrix[l][l], total(l))])) as Record<Urgency, number>,
  };
}

export function evaluate(rows: readonly LabelledRow[], triage: TriageWithContext): Evaluation {
  const pairs = rows.map((row) => ({ row, result: triage(row.text, row.context ?? undefined) }));
  const groups = new Map<string, typeof pairs>();
  for (const pair of pairs) {
    const lang = pair.row.lang ?? detectLanguage(pair.row.text) ?? 'unknown';
    groups.set(lang, [...(groups.get(lang) ?? []), pair]);
  }
  const byLanguage = Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([lang, list]) => [lang, scoreResults(list)]));
  const misses = pairs.filter(({ row, result }) => row.label !== result.urgency || (row.label === 'normal' && result.check));
  return { all: scoreResults(pairs), byLanguage, misses };
}

/** Targets of issue #14, per set. */
export const TARGETS = {
  emergencyRecall: 0.95,
  emergencyOrAsked: 0.99,
  normalToEmergency: 0.03,
  normalAsked: 0.1,
  highKeptHigh: 0.6,
  highToNormalUnasked: 0.1,
} as const;

const fmt = (x: number): string => (Number.isNaN(x) ? '  n/a' : x.toFixed(3));

export function formatScores(name: string, s: Scores): string {
  const pad = (x: string | number, n = 9) => String(x).padStart(n);
  return [
    `== ${name} (${s.n} messages)`,
    `label \\ predicted ${LEVELS.map((l) => pad(l)).join('')}    asked   recall`,
    ...LEVELS.map((l) => `${l.padEnd(17)} ${LEVELS.map((p) => pad(s.matrix[l][p])).join('')}${pad(s.asked[l])}    ${fmt(s.recall[l])}`),
    `emergency recall ${fmt(s.emergencyRecall)} (≥ ${TARGETS.emergencyRecall})   emergency or asked ${fmt(s.emergencyOrAsked)} (≥ ${TARGETS.emergencyOrAsked})`,
    `normal→emergency ${fmt(s.normalToEmergency)} (≤ ${TARGETS.normalToEmergency})   normal asked ${fmt(s.normalAsked)} (≤ ${TARGETS.normalAsked})`,
    `high kept high   ${fmt(s.highKeptHigh)} (≥ ${TARGETS.highKeptHigh})   high→normal unasked ${fmt(s.highToNormalUnasked)} (≤ ${TARGETS.highToNormalUnasked})`,
  ].join('\n');
}

export function formatLanguageTable(byLanguage: Record<string, Scores>): string {
  const head = 'lang      n  em.recall  em|asked  norm→em  norm.asked  high.kept  high→norm';
  const lines = Object.entries(byLanguage).map(
    ([lang, s]) =>
      `${lang.padEnd(7)} ${String(s.n).padStart(3)}  ${fmt(s.emergencyRecall).padStart(9)} ${fmt(s.emergencyOrAsked).padStart(9)} ${fmt(s.normalToEmergency).padStart(8)} ${fmt(s.normalAsked).padStart(11)} ${fmt(s.highKeptHigh).padStart(10)} ${fmt(s.highToNormalUnasked).padStart(10)}`,
  );
  return [head, ...lines].join('\n');
}

export function formatEvaluation(name: string, e: Evaluation, options: { misses?: boolean } = {}): string {
  const parts = [formatScores(name, e.all), formatLanguageTable(e.byLanguage)];
  if (options.misses) {
    parts.push(
      e.misses
        .map(({ row, result }) => `  ${row.id}: ${row.label} → ${result.urgency}${result.check ? '+asked' : ''} [${result.signals.join(',')}] ${row.text.replace(/\s+/g, ' ').slice(0, 70)}`)
        .join('\n'),
    );
  }
  return parts.join('\n');
}
