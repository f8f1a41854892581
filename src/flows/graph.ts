// Steps as a graph: resolving references and listing where a step can lead. Shared by the
// runtime, the linter and the Mermaid export so they agree on what a reference means.
import type { Flow, FlowCatalog, FlowStep } from './schema.js';

export interface StepRef {
  flow: string;
  step: string;
}

const stepMaps = new WeakMap<Flow, Map<string, FlowStep>>();

export function stepsById(flow: Flow): Map<string, FlowStep> {
  let map = stepMaps.get(flow);
  if (!map) {
    map = new Map();
    for (const s of flow.steps) if (!map.has(s.id)) map.set(s.id, s);
    stepMaps.set(flow, map);
  }
  return map;
}

export function getStep(catalog: FlowCatalog, ref: StepRef): FlowStep | undefined {
  const flow = catalog.flows[ref.flow];
  return flow ? stepsById(flow).get(ref.step) : undefined;
}

/** `step`, `@flow` or `@flow/step`, read from inside `fromFlow`. Does not check existence. */
export function parseRef(fromFlow: string, ref: string): { flow: string; step: string | null } {
  if (!ref.startsWith('@')) return { flow: fromFlow, step: ref };
  const [flow = '', step] = ref.slice(1).split('/');
  return { flow, step: step ?? null };
}

/** The step a reference points to, or null when it does not resolve. */
export function resolveRef(catalog: FlowCatalog, fromFlow: string, ref: string): StepRef | null {
  const parsed = parseRef(fromFlow, ref);
  const flow = catalog.flows[parsed.flow];
  if (!flow) return null;
  const step = parsed.step ?? flow.start;
  return stepsById(flow).has(step) ? { flow: flow.id, step } : null;
}

export function refKey(ref: StepRef): string {
  return `${ref.flow}/${ref.step}`;
}

export interface StepEdge {
  /** The reference as written. */
  ref: string;
  /** A choice value, or null for `next` (skip, free text, a step without choices, a passed-over step). */
  choice: string | null;
}

/** Every reference a step makes. A step with `when`/`unless` that does not hold leads to `next`. */
export function stepEdges(step: FlowStep): StepEdge[] {
  const edges: StepEdge[] = [];
  if (step.type === 'question') {
    for (const c of step.choices) if (c.next) edges.push({ ref: c.next, choice: c.value });
  }
  if (step.type !== 'handoff' && step.next) edges.push({ ref: step.next, choice: null });
  return edges;
}
