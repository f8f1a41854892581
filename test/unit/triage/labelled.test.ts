// The labelled sets (test/fixtures/triage-*.jsonl) are the yardstick for rule changes: in every
// set, and over all of them together, emergency recall must stay ≥ 0.97 and at most 5% of
// ordinary messages may be flagged emergency. The confusion matrices are printed so that a
// reviewer sees the trade-off, not just pass/fail.
//
// triage-labelled.jsonl is the original tuning set. triage-ordinary.jsonl holds only ordinary
// consultation messages (a false-alarm check, no emergencies: its recall is not scored).
// triage-holdout-*.jsonl were written blind
// (before the rules were looked at or changed) and measured once before being folded in here;
// their blind numbers are recorded in the header of data/triage/rules.yaml. A new holdout should
// be measured the same way before it is added: a set the rules were tuned on says little about
// messages the rules have not seen.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import type { Urgency } from '../../../src/conversation/types.js';
import { createTriage } from '../../../src/triage/triage.js';

const LEVELS: Urgency[] = ['emergency', 'high', 'normal'];
const rowSchema = z
  .object({
    id: z.string().min(1),
    text: z.string().min(1),
    label: z.enum(['emergency', 'high', 'normal']),
    note: z.string().optional(),
  })
  .strict();
type Row = z.infer<typeof rowSchema>;

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const files = readdirSync(FIXTURES)
  .filter((name) => /^triage-.+\.jsonl$/.test(name))
  .sort();

function readSet(name: string): Row[] {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = rowSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${name} line ${i + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

const sets = files.map((name) => ({ name, rows: readSet(name) }));
const triage = createTriage();

function score(rows: Row[]) {
  const results = rows.map((row) => ({ row, predicted: triage(row.text).urgency }));
  const matrix = Object.fromEntries(
    LEVELS.map((label) => [label, Object.fromEntries(LEVELS.map((p) => [p, 0]))]),
  ) as Record<Urgency, Record<Urgency, number>>;
  for (const { row, predicted } of results) matrix[row.label][predicted] += 1;
  const total = (label: Urgency) => LEVELS.reduce((sum, p) => sum + matrix[label][p], 0);
  const recall = matrix.emergency.emergency / total('emergency');
  const falseAlarms = matrix.normal.emergency / total('normal');
  return { results, matrix, total, recall, falseAlarms };
}

function report(name: string, scored: ReturnType<typeof score>): string {
  const { matrix, results, recall, falseAlarms } = scored;
  return [
    `== ${name}`,
    `label \\ predicted  ${LEVELS.map((l) => l.padStart(9)).join('')}`,
    ...LEVELS.map((label) => `${label.padEnd(18)} ${LEVELS.map((p) => String(matrix[label][p]).padStart(9)).join('')}`),
    `emergency recall ${Number.isNaN(recall) ? 'n/a (no emergencies)' : recall.toFixed(3)}; normal flagged emergency ${(falseAlarms * 100).toFixed(1)}%`,
    ...results
      .filter(({ row, predicted }) => row.label !== predicted)
      .map(({ row, predicted }) => `  ${row.id}: ${row.label} → ${predicted}: ${row.text.slice(0, 60)}`),
  ].join('\n');
}

describe('labelled sets', () => {
  it('include the original set and at least two blind holdouts, with unique ids', () => {
    expect(files).toEqual(
      expect.arrayContaining(['triage-labelled.jsonl', 'triage-holdout-2.jsonl', 'triage-holdout-3.jsonl', 'triage-ordinary.jsonl']),
    );
    const ids = sets.flatMap((s) => s.rows.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are big and varied enough to mean something', () => {
    const all = score(sets.flatMap((s) => s.rows));
    expect(all.results.length).toBeGreaterThanOrEqual(1000);
    expect(all.total('emergency')).toBeGreaterThanOrEqual(400);
    expect(all.total('high')).toBeGreaterThanOrEqual(150);
    expect(all.total('normal')).toBeGreaterThanOrEqual(400);
    for (const { name, rows } of sets) {
      const scored = score(rows);
      if (name.includes('holdout') || name === 'triage-labelled.jsonl') {
        expect(scored.total('emergency'), name).toBeGreaterThanOrEqual(40);
      }
      expect(scored.total('normal'), name).toBeGreaterThanOrEqual(30);
    }
  });

  it.each(sets.map((s) => [s.name, s.rows] as const))('%s meets the targets (confusion matrix printed)', (name, rows) => {
    const scored = score(rows);
    console.log(report(name, scored));
    if (scored.total('emergency') > 0) expect(scored.recall).toBeGreaterThanOrEqual(0.97);
    expect(scored.falseAlarms).toBeLessThanOrEqual(0.05);
  });

  it('all sets together meet the targets', () => {
    const scored = score(sets.flatMap((s) => s.rows));
    console.log(report('all sets', { ...scored, results: [] }));
    expect(scored.recall).toBeGreaterThanOrEqual(0.97);
    expect(scored.falseAlarms).toBeLessThanOrEqual(0.05);
  });
});
