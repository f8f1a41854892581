import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_NAMES,
  DEFAULT_FLOWS_DIR,
  FlowLoadError,
  MESSAGE_KEYS,
  REPO_ROOT,
  buildFlowCatalog,
  loadFlowCatalog,
  readFlowSources,
} from '../../../src/flows/index.js';

describe('loadFlowCatalog', () => {
  it('finds the repository root from its own location (src/flows and dist/flows are both two levels down)', () => {
    expect(existsSync(join(REPO_ROOT, 'package.json'))).toBe(true);
    expect(DEFAULT_FLOWS_DIR).toBe(join(REPO_ROOT, 'flows'));
    const build = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
  });

  it('loads every flow, the messages, the commands and the hotlines', async () => {
    const catalog = await loadFlowCatalog();
    expect(Object.keys(catalog.flows).sort()).toEqual(['agency', 'closing', 'family', 'intake', 'neighbour', 'self', 'unsure']);
    expect(catalog.entryFlow).toBe('intake');
    expect(Object.keys(catalog.messages).sort()).toEqual([...MESSAGE_KEYS].sort());
    expect(Object.keys(catalog.commands.commands).sort()).toEqual([...COMMAND_NAMES].sort());
    expect(catalog.hotlines.map((h) => h.number)).toEqual(expect.arrayContaining(['110', '119', '189', '0120-279-338', '075-864-4343', '0120-279-889']));
    expect(catalog.hotlines.every((h) => h.verify)).toBe(true);
    expect(catalog.files).toEqual({ messages: 'flows/messages.yaml', commands: 'flows/commands.yaml', hotlines: 'data/hotlines.yaml', crisis: 'flows/crisis.yaml' });
  });

  it('defaults a flow start to its first step', async () => {
    const sources = await readFlowSources();
    const catalog = buildFlowCatalog({
      ...sources,
      flows: [{ file: 'x/intake.yaml', text: 'steps:\n  - id: first\n    type: handoff\n    text: { ja: a, en: a, easy: a }\n' }],
    });
    expect(catalog.flows.intake!.start).toBe('first');
  });

  it('reports YAML syntax errors, bad ids, wrong types and file-name mismatches together', async () => {
    const sources = await readFlowSources();
    const run = () =>
      buildFlowCatalog({
        ...sources,
        flows: [
          { file: 'x/intake.yaml', text: 'steps: [\n  - id: a' },
          { file: 'x/Bad-Name.yaml', text: 'steps: []' },
          { file: 'x/two.yaml', text: 'id: three\nsteps:\n  - id: Q1\n    type: question\n    text: { ja: a }\n' },
          { file: 'x/four.yaml', text: 'steps:\n  - id: a\n    type: menu\n    text: { ja: a }\n' },
        ],
      });
    expect(run).toThrow(FlowLoadError);
    try {
      run();
    } catch (e) {
      const lines = (e as FlowLoadError).problems.map((p) => `${p.file}${p.location ? ` › ${p.location}` : ''}: ${p.message}`);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^x\/intake\.yaml: YAML: /),
          expect.stringMatching(/^x\/Bad-Name\.yaml: the file name "Bad-Name" must be lower-case/),
          expect.stringMatching(/^x\/two\.yaml › step "Q1" › id: use lower-case letters/),
          expect.stringMatching(/^x\/two\.yaml › step "Q1" › key: /),
          expect.stringMatching(/^x\/four\.yaml › step "a" › type: Invalid discriminator value/),
        ]),
      );
    }
  });

  it('requires every system message key and rejects unknown ones', async () => {
    const sources = await readFlowSources();
    const messages = { file: 'm.yaml', text: 'messages:\n  help: { ja: a, en: a, easy: a }\n  hepl: { ja: a }\n' };
    try {
      buildFlowCatalog({ ...sources, messages });
      expect.unreachable();
    } catch (e) {
      const problems = (e as FlowLoadError).problems;
      expect(problems.some((p) => p.file === 'm.yaml' && p.location === 'message "stale_button"')).toBe(true);
      expect(problems.some((p) => p.file === 'm.yaml' && /hepl/.test(p.message + (p.location ?? '')))).toBe(true);
    }
  });
});
