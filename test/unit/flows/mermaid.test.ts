import { beforeAll, describe, expect, it } from 'vitest';
import { runFlowsGraph } from '../../../src/cli/commands/flows.js';
import { flowToMermaid, loadFlowCatalog, type FlowCatalog } from '../../../src/flows/index.js';

let catalog: FlowCatalog;
beforeAll(async () => {
  catalog = await loadFlowCatalog();
});

describe('flowToMermaid', () => {
  it('draws every step of every flow as a node, with labelled choices and links to other flows', () => {
    for (const flow of Object.values(catalog.flows)) {
      const chart = flowToMermaid(catalog, flow.id);
      expect(chart.startsWith('flowchart TD')).toBe(true);
      for (const step of flow.steps) expect(chart, `${flow.id}/${step.id}`).toContain(`s_${step.id}`);
      // Mermaid breaks on a raw quote or pipe inside a label
      for (const line of chart.split('\n').filter((l) => l.includes('"'))) {
        const inner = line.slice(line.indexOf('"') + 1, line.lastIndexOf('"'));
        expect(inner, line).not.toMatch(/["|]/);
      }
    }
    const intake = flowToMermaid(catalog, 'intake');
    expect(intake).toContain('s_who -->|家族のこと| ext_family');
    expect(intake).toContain('ext_family[/"→ family"/]');
    const closing = flowToMermaid(catalog, 'closing');
    expect(closing).toContain('s_done(["done');
    expect(closing).toContain('class s_done,s_finish handoff');
    expect(flowToMermaid(catalog, 'self')).toContain('when consent health_info');
  });

  it('can draw in English', () => {
    expect(flowToMermaid(catalog, 'intake', 'en')).toContain('|A family member|');
  });

  it('names the known flows when asked for an unknown one', async () => {
    expect(() => flowToMermaid(catalog, 'nope')).toThrow(/no flow "nope".*agency, closing, family, intake/);
    await expect(runFlowsGraph('nope')).rejects.toThrow(/no flow "nope"/);
    expect(await runFlowsGraph('family')).toContain('s_exhaustion');
  });
});
