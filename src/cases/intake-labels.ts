import { loadFlowCatalog, type FlowCatalog } from '../flows/index.js';
import type { IntakeLabelTable } from '../labels/index.js';

/** Japanese names of intake answers and their coded values, read from the flow files. */
export interface AnswerLabels {
  label(key: string): string | null;
  valueLabel(key: string, value: string | null): string | null;
  /** The same names as a plain table, for the label catalogue (src/labels/intake.ts). */
  table: IntakeLabelTable;
}

const empty: AnswerLabels = { label: () => null, valueLabel: () => null, table: {} };
let loading: Promise<AnswerLabels> | undefined;

function fromCatalog(catalog: FlowCatalog): AnswerLabels {
  const labels = new Map<string, string>();
  const values = new Map<string, Map<string, string>>();
  for (const flow of Object.values(catalog.flows)) {
    for (const step of flow.steps) {
      if (step.type !== 'question') continue;
      if (!labels.has(step.key) && step.label.ja) labels.set(step.key, step.label.ja);
      const byValue = values.get(step.key) ?? new Map<string, string>();
      for (const choice of step.choices) if (!byValue.has(choice.value) && choice.label.ja) byValue.set(choice.value, choice.label.ja);
      values.set(step.key, byValue);
    }
  }
  const table: IntakeLabelTable = {};
  for (const [key, name] of labels) table[key] = { label: name, values: Object.fromEntries(values.get(key) ?? []) };
  return {
    table,
    label: (key) => labels.get(key) ?? null,
    valueLabel: (key, value) => (value === null ? null : (values.get(key)?.get(value) ?? null)),
  };
}

/** Loaded once; when the flow files cannot be read, the staff see the raw keys instead. */
export function loadAnswerLabels(): Promise<AnswerLabels> {
  loading ??= loadFlowCatalog()
    .then(fromCatalog)
    .catch(() => {
      loading = undefined;
      return empty;
    });
  return loading;
}

/** The 24-hour crisis lines (data/hotlines.yaml, safety: true) as Japanese lines of text. */
export async function safetyHotlinesText(): Promise<string> {
  try {
    const catalog = await loadFlowCatalog();
    return catalog.hotlines
      .filter((h) => h.safety && h.number)
      .map((h) => `・${h.name.ja ?? h.id} ${h.number}（${h.hours.ja ?? ''}）`)
      .join('\n');
  } catch {
    return '・警察 110 ／ 救急 119';
  }
}
