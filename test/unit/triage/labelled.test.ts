// The labelled set (test/fixtures/triage-labelled.jsonl) is the yardstick for rule changes:
// emergency recall must stay ≥ 0.97 and at most 5% of ordinary messages may be flagged emergency.
// The confusion matrix is printed so that a reviewer sees the trade-off, not just pass/fail.
import { readFileSync } from 'node:fs';
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

const rows = readFileSync(new URL('../../fixtures/triage-labelled.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line, i) => {
    const parsed = rowSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`triage-labelled.jsonl line ${i + 1}: ${parsed.error.message}`);
    return parsed.data;
  });

describe('labelled set', () => {
  const triage = createTriage();
  const results = rows.map((row) => ({ row, predicted: triage(row.text).urgency }));
  const matrix = Object.fromEntries(
    LEVELS.map((label) => [label, Object.fromEntries(LEVELS.map((p) => [p, 0]))]),
  ) as Record<Urgency, Record<Urgency, number>>;
  for (const { row, predicted } of results) matrix[row.label][predicted] += 1;
  const total = (label: Urgency) => LEVELS.reduce((sum, p) => sum + matrix[label][p], 0);

  it('is big and varied enough to mean something', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    expect(total('emergency')).toBeGreaterThanOrEqual(120);
    expect(total('high')).toBeGreaterThanOrEqual(50);
    expect(total('normal')).toBeGreaterThanOrEqual(140);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it('meets the targets (confusion matrix printed)', () => {
    const recall = matrix.emergency.emergency / total('emergency');
    const falseAlarms = matrix.normal.emergency / total('normal');
    const lines = [
      `label \\ predicted  ${LEVELS.map((l) => l.padStart(9)).join('')}`,
      ...LEVELS.map((label) => `${label.padEnd(18)} ${LEVELS.map((p) => String(matrix[label][p]).padStart(9)).join('')}`),
      `emergency recall ${recall.toFixed(3)}; normal flagged emergency ${(falseAlarms * 100).toFixed(1)}%`,
      ...results
        .filter(({ row, predicted }) => row.label !== predicted)
        .map(({ row, predicted }) => `  ${row.id}: ${row.label} → ${predicted}: ${row.text.slice(0, 60)}`),
    ];
    console.log(lines.join('\n'));
    expect(recall).toBeGreaterThanOrEqual(0.97);
    expect(falseAlarms).toBeLessThanOrEqual(0.05);
  });
});
