// `yorisoi flows check [--dir D]` and `yorisoi flows graph FLOW [--dir D]`.
import { FlowLoadError, checkFlows, flowToMermaid, formatIssue, formatLoadProblem, loadFlowCatalog } from '../../flows/index.js';

export async function runFlowsCheck(dir?: string): Promise<{ ok: boolean; report: string }> {
  let catalog;
  try {
    catalog = await loadFlowCatalog(dir);
  } catch (error) {
    if (!(error instanceof FlowLoadError)) throw error;
    const lines = error.problems.map((p) => `error   ${formatLoadProblem(p)}`);
    return { ok: false, report: [`✖ the flow files could not be read (${lines.length} problem(s)):`, ...lines].join('\n') };
  }
  const issues = checkFlows(catalog);
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const flows = Object.values(catalog.flows);
  const steps = flows.reduce((n, f) => n + f.steps.length, 0);
  const files = [...flows.map((f) => f.file), catalog.files.messages, catalog.files.commands, catalog.files.hotlines];
  const head =
    errors.length === 0
      ? `✔ ${flows.length} flows, ${steps} steps: all checks passed${warnings.length ? ` (${warnings.length} warning(s))` : ''}`
      : `✖ ${errors.length} error(s)${warnings.length ? `, ${warnings.length} warning(s)` : ''} in ${flows.length} flows, ${steps} steps`;
  const report = [head, ...[...errors, ...warnings].map(formatIssue), `checked: ${files.join(', ')}`].join('\n');
  return { ok: errors.length === 0, report };
}

export async function runFlowsGraph(flowId: string, dir?: string): Promise<string> {
  return flowToMermaid(await loadFlowCatalog(dir), flowId);
}
