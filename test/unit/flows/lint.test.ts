import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFlowsCheck } from '../../../src/cli/commands/flows.js';
import { checkFlows, formatIssue, loadFlowCatalog, type FlowCatalog, type FlowIssue } from '../../../src/flows/index.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/flows-broken/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);
const errors = (issues: FlowIssue[]) => issues.filter((i) => i.severity === 'error');

describe('the shipped flows', () => {
  let catalog: FlowCatalog;
  beforeAll(async () => {
    catalog = await loadFlowCatalog();
  });

  it('pass every check', () => {
    expect(errors(checkFlows(catalog)).map(formatIssue)).toEqual([]);
  });

  it('only warn about the crisis lines: numbers the desk must verify (every crisis text is in every language)', () => {
    const warnings = checkFlows(catalog).filter((i) => i.severity === 'warning');
    expect([...new Set(warnings.map((w) => w.file))].sort()).toEqual(['data/hotlines.yaml']);
    for (const w of warnings) expect(w.message).toMatch(/still marked verify|\(English is shown\)/);
  });

  it('requires every step, message and command in every language', () => {
    const c = structuredClone(catalog);
    const who = c.flows.intake!.steps.find((s) => s.id === 'who')!;
    delete who.text.vi;
    delete c.messages.help.ko;
    expect(errors(checkFlows(c)).map(formatIssue)).toEqual([
      'error   flows/intake.yaml › step "who": text is missing in vi (Tiếng Việt)',
      'error   flows/messages.yaml › message "help": text is missing in ko (한국어)',
    ]);
  });

  it('keeps the first screen short', () => {
    const c = structuredClone(catalog);
    const welcome = c.flows.intake!.steps[0]!;
    welcome.text.ja = 'あ'.repeat(260);
    expect(errors(checkFlows(c)).map(formatIssue).join('\n')).toMatch(/the first screen \(ja \(日本語\)\) is 2\d\d characters before the first question; keep it under 250/);
  });

  it('runFlowsCheck reports success', async () => {
    const { ok, report } = await runFlowsCheck();
    expect(ok).toBe(true);
    expect(report).toMatch(/^✔ 7 flows, \d+ steps: all checks passed/);
  });
});

describe('broken flows are reported with the file and the step', () => {
  const cases: Array<[fixture: string, step: string, message: RegExp]> = [
    ['unresolved-reference', 'topic', /next "closing_typo" does not resolve: there is no step "closing_typo"/],
    ['unresolved-reference', 'topic', /choice "a" next "@nowhere" does not resolve: there is no flow "nowhere"/],
    ['unresolved-reference', 'topic', /choice "b" next "@intake\/missing" does not resolve/],
    ['unreachable-step', 'orphan', /is unreachable: no step leads here/],
    ['no-handoff', 'goodbye', /has no `next` and is not a hand-off/],
    ['handoff-loop', 'round', /no path from here ends in a hand-off to staff/],
    ['too-many-choices', 'age', /has 15 buttons \(13 choices \+ skip \+ send as it is\); LINE shows at most 13/],
    ['label-too-long', 'topic', /choice "a" label \(en \(English\)\) is 22 characters; LINE allows 20/],
    ['missing-translation', 'topic', /text is missing in easy/],
    ['missing-translation', 'topic', /choice "a" label is missing in en/],
  ];

  it.each(cases)('%s: step "%s" %s', async (name, step, message) => {
    const { ok, report } = await runFlowsCheck(fixture(name));
    expect(ok).toBe(false);
    const line = report.split('\n').find((l) => l.includes(`intake.yaml › step "${step}"`) && message.test(l));
    expect(line, report).toBeDefined();
    expect(line).toContain(`test/fixtures/flows-broken/${name}/intake.yaml`);
  });

  it('a typo in a field name is a load error naming the file, the step and the field', async () => {
    const { ok, report } = await runFlowsCheck(fixture('schema-typo'));
    expect(ok).toBe(false);
    expect(report).toContain('test/fixtures/flows-broken/schema-typo/intake.yaml › step "hello": Unrecognized key: "nxet"');
  });

  it('a missing folder is reported, not thrown', async () => {
    const { ok, report } = await runFlowsCheck(fixture('does-not-exist'));
    expect(ok).toBe(false);
    expect(report).toContain('directory not found');
  });

  it('the minimal valid fixture passes, using the shipped messages, commands and hotlines', async () => {
    const { ok, report } = await runFlowsCheck(fixture('valid'));
    expect(ok, report).toBe(true);
    expect(report).toContain('flows/messages.yaml');
  });
});

describe('checks on a modified catalog', () => {
  let base: FlowCatalog;
  beforeAll(async () => {
    base = await loadFlowCatalog();
  });
  const clone = () => structuredClone(base);

  it('counts labels as LINE does, in UTF-16 units (an emoji counts 2)', () => {
    const c = clone();
    const who = c.flows.intake!.steps.find((s) => s.id === 'who')!;
    if (who.type !== 'question') throw new Error('who is a question');
    who.choices[0]!.label.ja = '😀'.repeat(10); // 20 units: fine
    who.choices[1]!.label.ja = `${'😀'.repeat(10)}あ`; // 21 units
    const found = errors(checkFlows(c)).map(formatIssue);
    expect(found).toEqual([expect.stringContaining('choice "family" label (ja (日本語)) is 21 characters')]);
  });

  it('finds texts over 5,000 characters once {hotlines} is filled in', () => {
    const c = clone();
    c.flows.intake!.steps[0]!.text.en = `${'x'.repeat(4950)}\n{hotlines}`;
    expect(errors(checkFlows(c)).map(formatIssue).join('\n')).toMatch(/step "welcome": text \(en \(English\)\) is \d+ characters; LINE allows 5000/);
  });

  it('finds unknown placeholders, missing system messages translations and unused consents', () => {
    const c = clone();
    c.flows.intake!.steps[0]!.text.ja = 'こんにちは {name}';
    c.messages.help = { ja: 'ヘルプ', en: 'Help' };
    const step = c.flows.self!.steps.find((s) => s.id === 'health_care')!;
    step.when = { consent: 'never_asked' };
    const found = errors(checkFlows(c)).map(formatIssue).join('\n');
    expect(found).toContain('intake.yaml › step "welcome": text (ja (日本語)) uses {name}');
    expect(found).toContain('flows/messages.yaml › message "help": text is missing in easy');
    expect(found).toContain('self.yaml › step "health_care": condition refers to the consent "never_asked"');
  });

  it('a flow nothing refers to is reported once for the file', () => {
    const c = clone();
    c.flows.extra = { id: 'extra', file: 'flows/extra.yaml', start: 'x', steps: [{ id: 'x', type: 'handoff', text: { ja: 'a', en: 'a', easy: 'a', zh: 'a', ko: 'a', vi: 'a', pt: 'a' } }] };
    expect(errors(checkFlows(c)).map(formatIssue)).toEqual(['error   flows/extra.yaml: no step leads into this flow (nothing refers to "@extra")']);
  });

  it('a missing entry flow is an error', () => {
    const c = clone();
    delete c.flows.intake;
    expect(errors(checkFlows(c)).map(formatIssue)).toContain('error   flows/intake.yaml: the entry flow "intake" is missing; every conversation starts there');
  });

  it('warns when a choice label is also a command word (typing it would run the command)', () => {
    const c = clone();
    const who = c.flows.intake!.steps.find((s) => s.id === 'who')!;
    if (who.type !== 'question') throw new Error('who is a question');
    who.choices[0]!.label.ja = 'やめる';
    const warnings = checkFlows(c).filter((i) => i.severity === 'warning').map(formatIssue);
    expect(warnings.join('\n')).toContain('label "やめる" is also a word for the command "pause"');
  });
});

describe('conditional hand-off', () => {
  it('is an error, since every path must be able to end there', async () => {
    const c = structuredClone(await loadFlowCatalog());
    const done = c.flows.closing!.steps.find((s) => s.id === 'done')!;
    done.when = { consulter: ['self'] };
    expect(errors(checkFlows(c)).map(formatIssue)).toEqual([expect.stringContaining('closing.yaml › step "done": a hand-off cannot be conditional')]);
  });
});
