// The labelled sets (test/fixtures/triage-*.jsonl) are the yardstick for every change to the
// rules, the frames, the corpus or the learned reader, measured with the desk's own measures
// (issue #14, src/triage/evaluate.ts): emergencies rated emergency, emergencies rated emergency or
// asked about, ordinary messages rated emergency or asked about, high kept exactly high, high
// rated normal without a question. The confusion matrices are printed so that a reviewer sees the
// trade-off, not just pass/fail.
//
// triage-labelled.jsonl is the original tuning set; triage-ordinary.jsonl holds only ordinary
// consultation messages (a false-alarm check); triage-holdout-*.jsonl were written blind and
// measured once, untuned, before being added (their first numbers: data/triage/holdouts/README.md
// and the header of data/triage/rules.yaml). Holdouts 7 and 8 are in 11 languages and carry the
// person's earlier messages (`context`). A set the triage was tuned on says little about messages
// it has not seen: a new holdout must be measured the same way before it is added.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { evaluate, formatEvaluation, readLabelledJsonl, TARGETS, type LabelledRow } from '../../../src/triage/evaluate.js';
import { createTriage } from '../../../src/triage/triage.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url);
const files = readdirSync(FIXTURES)
  .filter((name) => /^triage-.+\.jsonl$/.test(name))
  .sort();
const sets = files.map((name) => ({ name, rows: readLabelledJsonl(new URL(name, FIXTURES)) }));
const triage = createTriage();
const run = (rows: LabelledRow[]) => evaluate(rows, (text, context) => triage(text, context));

/**
 * Every set on its own may fall a little short of the desk's targets (a set of 120 messages moves
 * 0.8 points per message); all of them together must meet them.
 */
const PER_SET = { emergencyRecall: 0.88, emergencyOrAsked: 0.98, normalToEmergency: 0.05, normalAsked: 0.1, highKeptHigh: 0.6, highToNormalUnasked: 0.1 };

describe('labelled sets', () => {
  it('include the original set and the blind holdouts, with unique ids', () => {
    expect(files).toEqual(
      expect.arrayContaining(['triage-labelled.jsonl', 'triage-holdout-2.jsonl', 'triage-holdout-7.jsonl', 'triage-holdout-8.jsonl', 'triage-ordinary.jsonl']),
    );
    const ids = sets.flatMap((s) => s.rows.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are big and varied enough to mean something (all 11 languages, with context)', () => {
    const rows = sets.flatMap((s) => s.rows);
    expect(rows.length).toBeGreaterThanOrEqual(2000);
    const count = (label: string) => rows.filter((r) => r.label === label).length;
    expect(count('emergency')).toBeGreaterThanOrEqual(600);
    expect(count('high')).toBeGreaterThanOrEqual(250);
    expect(count('normal')).toBeGreaterThanOrEqual(600);
    const languages = new Set(rows.map((r) => r.lang).filter(Boolean));
    for (const lang of ['ja', 'en', 'zh', 'zh-Hant', 'ko', 'vi', 'pt', 'es', 'tl', 'ne', 'id']) expect(languages, lang).toContain(lang);
    expect(rows.filter((r) => (r.context ?? []).length > 0).length).toBeGreaterThanOrEqual(30);
  });

  it.each(sets.map((s) => [s.name, s.rows] as const))('%s meets the per-set floor (confusion matrix printed)', (name, rows) => {
    const { all, byLanguage, misses } = run(rows);
    console.log(formatEvaluation(name, { all, byLanguage, misses }, { misses: true }));
    const has = (label: string) => rows.some((r) => r.label === label);
    if (has('emergency')) {
      expect(all.emergencyRecall, 'emergency recall').toBeGreaterThanOrEqual(PER_SET.emergencyRecall);
      expect(all.emergencyOrAsked, 'emergency or asked').toBeGreaterThanOrEqual(PER_SET.emergencyOrAsked);
    }
    if (has('normal')) {
      expect(all.normalToEmergency, 'normal rated emergency').toBeLessThanOrEqual(PER_SET.normalToEmergency);
      expect(all.normalAsked, 'normal asked').toBeLessThanOrEqual(PER_SET.normalAsked);
    }
    if (has('high')) {
      expect(all.highKeptHigh, 'high kept high').toBeGreaterThanOrEqual(PER_SET.highKeptHigh);
      expect(all.highToNormalUnasked, 'high rated normal, unasked').toBeLessThanOrEqual(PER_SET.highToNormalUnasked);
    }
  });

  it('all sets together meet the desk targets', () => {
    const { all } = run(sets.flatMap((s) => s.rows));
    console.log(formatEvaluation('all sets', { all, byLanguage: {}, misses: [] }));
    expect(all.emergencyRecall).toBeGreaterThanOrEqual(TARGETS.emergencyRecall);
    expect(all.emergencyOrAsked).toBeGreaterThanOrEqual(TARGETS.emergencyOrAsked);
    expect(all.normalToEmergency).toBeLessThanOrEqual(TARGETS.normalToEmergency);
    expect(all.normalAsked).toBeLessThanOrEqual(TARGETS.normalAsked);
    expect(all.highKeptHigh).toBeGreaterThanOrEqual(TARGETS.highKeptHigh);
    expect(all.highToNormalUnasked).toBeLessThanOrEqual(TARGETS.highToNormalUnasked);
  });
});
