// A Mermaid flowchart of one flow, for counsellors reviewing the intake on paper or in GitHub.
import { localize } from '../conversation/text.js';
import type { Language } from '../conversation/types.js';
import { parseRef } from './graph.js';
import type { Condition, FlowCatalog, FlowStep } from './schema.js';

const SNIPPET = 40;

export function flowToMermaid(catalog: FlowCatalog, flowId: string, lang: Language = 'ja'): string {
  const flow = catalog.flows[flowId];
  if (!flow) {
    throw new Error(`There is no flow "${flowId}". Flows: ${Object.keys(catalog.flows).sort().join(', ')}`);
  }
  const lines = ['flowchart TD', `  %% ${flow.file}`];
  const external = new Map<string, string>();
  const target = (ref: string): string => {
    const parsed = parseRef(flow.id, ref);
    if (parsed.flow === flow.id && parsed.step) return nodeId(parsed.step);
    const label = parsed.step ? `${parsed.flow}/${parsed.step}` : parsed.flow;
    const id = `ext_${label.replace(/\//g, '__')}`;
    external.set(id, `→ ${label}`);
    return id;
  };

  lines.push(`  start((start)) --> ${nodeId(flow.start)}`);
  for (const step of flow.steps) {
    lines.push(`  ${nodeId(step.id)}${shape(step, label(step, lang))}`);
    const guard = conditionText(step);
    if (step.type === 'question') {
      for (const c of step.choices) {
        const to = c.next ?? step.next;
        if (to) lines.push(`  ${nodeId(step.id)} -->|${escape(localize(c.label, lang))}| ${target(to)}`);
      }
      if (step.next) {
        const via = step.choices.length > 0 ? 'skip / free text' : 'answer / skip';
        lines.push(`  ${nodeId(step.id)} -.->|${guard ? `${via}; ${guard}` : via}| ${target(step.next)}`);
      }
    } else if (step.type !== 'handoff' && step.next) {
      lines.push(`  ${nodeId(step.id)} -->${guard ? `|${escape(guard)}|` : ''} ${target(step.next)}`);
    }
  }
  for (const [id, text] of external) lines.push(`  ${id}[/"${escape(text)}"/]`);
  lines.push('  classDef handoff fill:#e6f4ea,stroke:#34a853');
  const handoffs = flow.steps.filter((s) => s.type === 'handoff').map((s) => nodeId(s.id));
  if (handoffs.length > 0) lines.push(`  class ${handoffs.join(',')} handoff`);
  return lines.join('\n');
}

function nodeId(stepId: string): string {
  return `s_${stepId}`;
}

function label(step: FlowStep, lang: Language): string {
  const text = localize(step.text, lang).replace(/\s+/g, ' ').trim();
  const short = text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
  const key = step.type === 'question' ? ` [${step.key}]` : '';
  const guard = conditionText(step);
  return `${step.id}${key}${guard ? ` (${guard})` : ''}<br/>${short}`;
}

function shape(step: FlowStep, text: string): string {
  const t = `"${escape(text)}"`;
  switch (step.type) {
    case 'question':
      return `{{${t}}}`;
    case 'summary':
      return `[[${t}]]`;
    case 'handoff':
      return `([${t}])`;
    case 'message':
      return `[${t}]`;
  }
}

function conditionText(step: FlowStep): string {
  const parts: string[] = [];
  if (step.when) parts.push(`when ${describe(step.when)}`);
  if (step.unless) parts.push(`unless ${describe(step.unless)}`);
  return parts.join(', ');
}

function describe(c: Condition): string {
  const parts: string[] = [];
  if (c.consulter) parts.push(`consulter=${c.consulter.join('|')}`);
  if (c.consent) parts.push(`consent ${c.consent}`);
  for (const [k, v] of Object.entries(c.answer ?? {})) parts.push(`${k}=${v.join('|')}`);
  return parts.join(' & ');
}

/** Mermaid labels: quotes and pipes break the syntax; HTML entities are understood. */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/\|/g, '#124;').replace(/[{}]/g, (c) => (c === '{' ? '#123;' : '#125;'));
}
