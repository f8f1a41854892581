// The label catalogue (src/labels/) covers every code the system emits, in Japanese words.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSULTER_TYPES, CASE_STATUSES, CHANNELS, URGENCIES } from '../../../src/staff/contract.js';
import { STAFF_ROLES } from '../../../src/staff/accounts.js';
import { SUPPORT_STAGES } from '../../../src/cases/assessment.js';
import { loadAnswerLabels } from '../../../src/cases/intake-labels.js';
import { actionLabel, factorLabel, label, LABEL_MODULES, labels, signalLabel, UNKNOWN_LABEL } from '../../../src/labels/index.js';
import { defaultRuleSet } from '../../../src/triage/index.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('label catalogue', () => {
  it('keeps every group name in one module only', () => {
    const groups = Object.values(LABEL_MODULES).flatMap((module) => Object.keys(module));
    expect(groups.length).toBe(new Set(groups).size);
  });

  it('names every audit action the server records', () => {
    const actions = new Set<string>();
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/recordAudit\([^,]+,\s*[^,]+,\s*'([a-z_]+\.[a-z_.]+)'/g)) actions.add(match[1]!);
      for (const match of text.matchAll(/action: '([a-z_]+\.[a-z_.]+)'/g)) actions.add(match[1]!);
    }
    expect(actions.size).toBeGreaterThan(20);
    const missing = [...actions].filter((action) => actionLabel(action) === UNKNOWN_LABEL);
    expect(missing).toEqual([]);
  });

  it('names every triage rule, status, urgency, channel, consulter type, role and stage', () => {
    const missing = [
      ...defaultRuleSet().rules.map((r) => ['signal', r.id] as const),
      ...CASE_STATUSES.map((c) => ['status', c] as const),
      ...URGENCIES.map((c) => ['urgency', c] as const),
      ...CHANNELS.map((c) => ['channel', c] as const),
      ...CONSULTER_TYPES.map((c) => ['consulterType', c] as const),
      ...STAFF_ROLES.map((c) => ['role', c] as const),
      ...SUPPORT_STAGES.map((c) => ['stage', c] as const),
    ].filter(([group, code]) => label(group, code) === UNKNOWN_LABEL);
    expect(missing).toEqual([]);
  });

  it('has words, not codes, for every label', () => {
    for (const [group, names] of Object.entries(labels)) {
      for (const [code, text] of Object.entries(names as Record<string, string>)) {
        expect(text.trim(), `${group}.${code}`).not.toBe('');
        if (text !== 'LINE') expect(text, `${group}.${code}`).not.toMatch(/[a-z]+_[a-z]+|^[A-Z_]+$/);
      }
    }
  });

  it('names an intake answer that alerts with the words of the flows, and never shows a code', async () => {
    const intake = (await loadAnswerLabels()).table;
    expect(intake.household_worries?.values.violence).toBeTruthy();
    expect(signalLabel('answer:household_worries=violence', intake)).toBe(`${intake.household_worries!.label}: ${intake.household_worries!.values.violence}`);
    expect(signalLabel('answer:no_such_question=whatever', intake)).toBe('聞き取りの回答');
    expect(signalLabel('suicidal_ideation')).toBe('希死念慮');
    expect(signalLabel('not_a_rule')).toBe(UNKNOWN_LABEL);
    expect(factorLabel('elderly_parents')).toBe('親の高齢化（8050）');
    expect(factorLabel('household_8050')).toBe('世帯のリスク（8050）');
    expect(label('status', null)).toBe('—');
  });
});
