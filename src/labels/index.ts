// The one label catalogue: every code that may reach a screen or a printout (statuses, signals,
// intake answers, audit actions, roles, …) has its Japanese words here, shared by the server and
// the console (console/, bundled by Vite). No code is ever shown: an unknown one gets a neutral
// placeholder, and test/unit/labels.test.ts checks that the catalogue covers what the code emits.
//
// Adding labels for a new area: write `src/labels/<area>.ts` exporting
// `export const <area>Labels = { <group>: { CODE: '日本語' } } as const;`, then add it to
// LABEL_MODULES below (one line). Group names must be unique across modules (a unit test checks).
import { caseLabels } from './cases.js';
import { intakeSignalLabel, type IntakeLabelTable } from './intake.js';
import { peopleLabels } from './people.js';
import { signalLabels } from './signals.js';
import { staffLabels } from './staff.js';

export type { IntakeLabel, IntakeLabelTable } from './intake.js';
export { intakeSignalLabel } from './intake.js';

export const LABEL_MODULES = { caseLabels, signalLabels, staffLabels, peopleLabels } as const;

export const labels = { ...caseLabels, ...signalLabels, ...staffLabels, ...peopleLabels } as const;

export type LabelGroup = keyof typeof labels;
export type LabelCode<G extends LabelGroup> = keyof (typeof labels)[G] & string;

/** Shown for a code the catalogue does not know (never the code itself). */
export const UNKNOWN_LABEL = '（未登録の項目）';

/** The Japanese name of a code; `empty` when there is no value. */
export function label<G extends LabelGroup>(group: G, code: string | null | undefined, empty = '—'): string {
  if (code === null || code === undefined || code === '') return empty;
  const names = labels[group] as Record<string, string>;
  return Object.hasOwn(names, code) ? names[code]! : UNKNOWN_LABEL;
}

/** An audited action in words, from any area's module. */
export function actionLabel(code: string): string {
  const people = labels.peopleAuditAction as Record<string, string>;
  return Object.hasOwn(people, code) ? people[code]! : label('auditAction', code);
}

/** Every [code, name] of a group in catalogue order: for selects and checkboxes. */
export function entriesOf<G extends LabelGroup>(group: G): [LabelCode<G>, string][] {
  return Object.entries(labels[group]) as [LabelCode<G>, string][];
}

/** A danger signal: a triage rule id, or an intake answer that alerts (`answer:key=value`). */
export function signalLabel(code: string, intake: IntakeLabelTable = {}): string {
  return intakeSignalLabel(code, intake) ?? label('signal', code);
}

/** A household risk factor from the assessment, or a signal the intake derived it from. */
export function factorLabel(code: string, intake: IntakeLabelTable = {}): string {
  const names = labels.householdFactor as Record<string, string>;
  return Object.hasOwn(names, code) ? names[code]! : signalLabel(code, intake);
}
