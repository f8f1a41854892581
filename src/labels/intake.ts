// Intake answers are named with the words people saw: the question labels and choice labels of
// the flow files (flows/*.yaml, Japanese). The server builds this table from the flows
// (src/cases/intake-labels.ts) and hands it to the console (GET /api/staff/labels), so a flow
// edited by the desk is named correctly without a rebuild.

export interface IntakeLabel {
  /** The question's short name, e.g. 暮らしの心配. */
  label: string;
  /** Choice value → the words of the choice, e.g. violence → 暴力や暴言がある. */
  values: Record<string, string>;
}

export type IntakeLabelTable = Record<string, IntakeLabel>;

const ANSWER_SIGNAL = /^answer:([^=]+)=(.*)$/;

/** `answer:household_worries=violence` → 「暮らしの心配: 暴力や暴言がある」; null for other codes. */
export function intakeSignalLabel(code: string, table: IntakeLabelTable): string | null {
  const match = ANSWER_SIGNAL.exec(code);
  if (!match) return null;
  const entry = table[match[1]!];
  const value = entry?.values[match[2]!];
  if (entry && value) return `${entry.label}: ${value}`;
  if (value) return value;
  return entry ? `${entry.label}の回答` : '聞き取りの回答';
}
