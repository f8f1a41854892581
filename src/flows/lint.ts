// `checkFlows`: what the schema cannot see. Every reference resolves, every step is reachable,
// every path ends in a hand-off to staff, LINE's limits hold (13 buttons, 20-unit labels, 300-unit
// postback data, 5,000-unit texts — all counted in UTF-16 code units as LINE does), and every text
// exists in ja, en and easy. Each issue names the file and the step.
import { decodeChoiceData, encodeChoiceData } from '../conversation/choice-data.js';
import { LINE_LIMITS, PLACEHOLDER_PATTERN, Renderer, fillTemplate, normalizeForMatch } from '../conversation/text.js';
import type { ConversationContext, Language } from '../conversation/types.js';
import { parseRef, refKey, resolveRef, stepEdges, stepsById, type StepRef } from './graph.js';
import {
  COMMAND_NAMES,
  CONSULTER_TYPES,
  LANGUAGES,
  MESSAGE_KEYS,
  type Condition,
  type FlowCatalog,
  type FlowStep,
  type LocalizedText,
  type MessageKey,
} from './schema.js';

export interface FlowIssue {
  severity: 'error' | 'warning';
  file: string;
  /** The step id, when the issue is about one step. */
  stepId: string | null;
  /** `step "age_band"`, `message "help"`, `command "talk"`, `hotline "police"` or null. */
  where: string | null;
  message: string;
}

export function formatIssue(i: FlowIssue): string {
  return `${i.severity === 'error' ? 'error  ' : 'warning'} ${i.file}${i.where ? ` › ${i.where}` : ''}: ${i.message}`;
}

/** Placeholders each text may use; anything else is shown to users verbatim, so it is an error. */
const STEP_PLACEHOLDERS = ['reply_time', 'hotlines'];
const MESSAGE_PLACEHOLDERS: Partial<Record<MessageKey, string[]>> = {
  reply_time_open: [],
  reply_time_closed: ['next_opening'],
  reply_time_unknown: [],
  hotline_line: ['name', 'number', 'hours'],
  summary_item: ['name', 'value'],
};
/** Buttons the runtime adds to every question (the skip button). */
const RUNTIME_BUTTONS = 1;

export function checkFlows(catalog: FlowCatalog): FlowIssue[] {
  return new Linter(catalog).run();
}

class Linter {
  private readonly issues: FlowIssue[] = [];
  private readonly answerKeys = new Set<string>();
  private readonly consentKinds = new Set<string>();
  private readonly commandWords = new Map<string, string>();

  constructor(private readonly catalog: FlowCatalog) {
    for (const flow of Object.values(catalog.flows)) {
      for (const step of flow.steps) {
        if (step.type !== 'question') continue;
        this.answerKeys.add(step.key);
        if (step.consent) this.consentKinds.add(step.consent.kind);
      }
    }
  }

  run(): FlowIssue[] {
    this.checkEntry();
    for (const flow of Object.values(this.catalog.flows)) {
      const seen = new Set<string>();
      for (const step of flow.steps) {
        if (seen.has(step.id)) this.stepError(flow.file, step.id, `the id "${step.id}" is used by more than one step`);
        seen.add(step.id);
        this.checkStep(flow.id, flow.file, step);
      }
      if (!stepsById(flow).has(flow.start)) {
        this.add('error', flow.file, null, 'start', `start step "${flow.start}" does not exist`);
      }
    }
    this.checkGraph();
    this.checkMessages();
    this.checkCommands();
    this.checkHotlines();
    this.checkCrisis();
    return this.issues;
  }

  // ----- reporting -----

  private add(severity: FlowIssue['severity'], file: string, stepId: string | null, where: string | null, message: string) {
    this.issues.push({ severity, file, stepId, where, message });
  }

  private stepError(file: string, stepId: string, message: string) {
    this.add('error', file, stepId, `step "${stepId}"`, message);
  }

  // ----- texts -----

  /** Missing languages, length, and placeholders of one localized text. */
  private checkText(
    text: LocalizedText | undefined,
    what: string,
    report: (message: string) => void,
    opts: { maxLength?: number; placeholders?: readonly string[] } = {},
  ) {
    const missing = LANGUAGES.filter((l) => !text?.[l]?.trim());
    if (missing.length > 0) report(`${what} is missing in ${missing.map(languageName).join(', ')}`);
    const max = opts.maxLength ?? LINE_LIMITS.textLength;
    for (const lang of LANGUAGES) {
      const value = text?.[lang];
      if (!value) continue;
      const rendered = this.expand(value, lang);
      if (rendered.length > max) {
        report(`${what} (${languageName(lang)}) is ${rendered.length} characters; LINE allows ${max}`);
      }
      if (opts.placeholders) {
        for (const [, name] of value.matchAll(PLACEHOLDER_PATTERN)) {
          if (!opts.placeholders.includes(name ?? '')) {
            report(`${what} (${languageName(lang)}) uses {${name}}, which is not filled in here (allowed: ${opts.placeholders.map((p) => `{${p}}`).join(', ') || 'none'})`);
          }
        }
      }
    }
  }

  /** A text as long as it can get once placeholders are filled. */
  private expand(text: string, lang: Language): string {
    const ctx: ConversationContext = {
      now: new Date(0),
      triage: null,
      desk: { open: false, nextOpening: { ja: 'x'.repeat(40), en: 'x'.repeat(40), easy: 'x'.repeat(40) } },
    };
    const r = new Renderer(this.catalog, ctx, lang);
    const replyTimes = [r.msg('reply_time_open'), r.replyTime(), r.msg('reply_time_unknown')];
    const longest = replyTimes.reduce((a, b) => (b.length > a.length ? b : a), '');
    return fillTemplate(text, { reply_time: longest, hotlines: r.hotlines() });
  }

  private checkLabel(label: LocalizedText | undefined, what: string, report: (m: string) => void) {
    this.checkText(label, what, report, { maxLength: LINE_LIMITS.labelLength, placeholders: [] });
  }

  // ----- steps -----

  private checkStep(flowId: string, file: string, step: FlowStep) {
    const report = (m: string) => this.stepError(file, step.id, m);
    const placeholders = step.type === 'summary' ? [...STEP_PLACEHOLDERS, 'summary'] : STEP_PLACEHOLDERS;
    this.checkText(step.text, 'text', report, { placeholders });
    for (const [who, text] of Object.entries(step.textFor ?? {})) {
      this.checkText(text, `text for ${who}`, report, { placeholders });
    }
    for (const cond of [step.when, step.unless]) if (cond) this.checkCondition(cond, report);

    const refs: Array<[string, string]> = [];
    if (step.type === 'handoff' && (step.when || step.unless)) {
      report('a hand-off cannot be conditional (`when`/`unless` would be ignored): every path must be able to end here');
    }
    if (step.type !== 'handoff') {
      if (step.next) refs.push([step.next, 'next']);
      else if (step.type === 'question') report('has no `next`: skip and free text would have nowhere to go');
      else report('has no `next` and is not a hand-off: the conversation would stop here');
    }
    if (step.type === 'message' && step.link) {
      this.checkLabel(step.link.label, 'link label', report);
      if (!/^(\/|https:\/\/)/.test(step.link.url)) report(`link "${step.link.url}" should start with / or https://`);
    }
    if (step.type === 'question') {
      // Also the button in the summary's fix menu, hence a label's length limit.
      this.checkLabel(step.label, 'label (item name for the summary)', report);
      const buttons = step.choices.length + (step.commands?.length ?? 0) + RUNTIME_BUTTONS;
      if (buttons > LINE_LIMITS.choicesPerMessage) {
        report(`has ${buttons} buttons (${step.choices.length} choices + skip${step.commands?.length ? ' + commands' : ''}); LINE shows at most ${LINE_LIMITS.choicesPerMessage}`);
      }
      const values = new Set<string>();
      for (const choice of step.choices) {
        const what = `choice "${choice.value}"`;
        if (values.has(choice.value)) report(`${what} appears twice`);
        values.add(choice.value);
        this.checkLabel(choice.label, `${what} label`, report);
        const data = encodeChoiceData({ kind: 'answer', flow: flowId, step: step.id, value: choice.value });
        if (data.length > LINE_LIMITS.dataLength) report(`${what}: postback data is ${data.length} characters; LINE allows ${LINE_LIMITS.dataLength}`);
        if (choice.next) refs.push([choice.next, `${what} next`]);
        if (step.key === 'consulter' && !(CONSULTER_TYPES as readonly string[]).includes(choice.value)) {
          report(`${what}: the consulter item takes ${CONSULTER_TYPES.join(', ')}`);
        }
      }
      const skipData = encodeChoiceData({ kind: 'skip', flow: flowId, step: step.id });
      if (skipData.length > LINE_LIMITS.dataLength) report(`skip button postback data is ${skipData.length} characters; LINE allows ${LINE_LIMITS.dataLength}`);
      if (step.consent && !values.has('yes')) report('a consent question needs a choice with value "yes" (and usually "no")');
    }
    for (const [ref, what] of refs) {
      if (!resolveRef(this.catalog, flowId, ref)) report(`${what} "${ref}" does not resolve: ${this.explainRef(flowId, ref)}`);
    }
  }

  private explainRef(fromFlow: string, ref: string): string {
    const parsed = parseRef(fromFlow, ref);
    const flow = this.catalog.flows[parsed.flow];
    if (!flow) return `there is no flow "${parsed.flow}" (flows: ${Object.keys(this.catalog.flows).join(', ')})`;
    return `there is no step "${parsed.step ?? flow.start}" in ${flow.file}`;
  }

  private checkCondition(c: Condition, report: (m: string) => void) {
    for (const key of Object.keys(c.answer ?? {})) {
      if (!this.answerKeys.has(key)) report(`condition refers to the answer "${key}", which no question fills`);
    }
    if (c.consent !== undefined && !this.consentKinds.has(c.consent)) {
      report(`condition refers to the consent "${c.consent}", which no question asks for`);
    }
  }

  // ----- the graph: entry, reachability, hand-offs -----

  private checkEntry() {
    const { entryFlow, flows } = this.catalog;
    if (flows[entryFlow]) return;
    const anyFile = Object.values(flows)[0]?.file ?? this.catalog.files.messages;
    this.add('error', anyFile.replace(/[^/\\]*$/, `${entryFlow}.yaml`), null, null, `the entry flow "${entryFlow}" is missing; every conversation starts there`);
  }

  private checkGraph() {
    const { catalog } = this;
    const edges = new Map<string, string[]>();
    const all: StepRef[] = [];
    for (const flow of Object.values(catalog.flows)) {
      for (const step of stepsById(flow).values()) {
        const ref = { flow: flow.id, step: step.id };
        all.push(ref);
        edges.set(
          refKey(ref),
          stepEdges(step)
            .map((e) => resolveRef(catalog, flow.id, e.ref))
            .filter((r): r is StepRef => r !== null)
            .map(refKey),
        );
      }
    }
    // Forward from the entry.
    const entry = resolveRef(catalog, catalog.entryFlow, `@${catalog.entryFlow}`);
    const reached = walk(entry ? [refKey(entry)] : [], edges);
    // Backward from every hand-off.
    const reverse = new Map<string, string[]>();
    for (const [from, tos] of edges) for (const to of tos) reverse.set(to, [...(reverse.get(to) ?? []), from]);
    const handoffs = all.filter((r) => stepsById(catalog.flows[r.flow]!).get(r.step)?.type === 'handoff').map(refKey);
    const toStaff = walk(handoffs, reverse);

    for (const flow of Object.values(catalog.flows)) {
      const steps = [...stepsById(flow).values()];
      const keys = steps.map((s) => refKey({ flow: flow.id, step: s.id }));
      if (entry && keys.every((k) => !reached.has(k))) {
        this.add('error', flow.file, null, null, `no step leads into this flow (nothing refers to "@${flow.id}")`);
        continue;
      }
      steps.forEach((step, i) => {
        const key = keys[i]!;
        if (entry && !reached.has(key)) {
          this.stepError(flow.file, step.id, 'is unreachable: no step leads here');
        } else if (!toStaff.has(key) && (step.type === 'handoff' || step.next)) {
          this.stepError(flow.file, step.id, 'no path from here ends in a hand-off to staff (a loop, or a dead end further on)');
        }
      });
    }
  }

  // ----- system texts -----

  private checkMessages() {
    const file = this.catalog.files.messages;
    for (const key of MESSAGE_KEYS) {
      const report = (m: string) => this.add('error', file, null, `message "${key}"`, m);
      const placeholders = MESSAGE_PLACEHOLDERS[key] ?? STEP_PLACEHOLDERS;
      if (key.endsWith('_label')) this.checkLabel(this.catalog.messages[key], 'text', report);
      else this.checkText(this.catalog.messages[key], 'text', report, { placeholders });
    }
  }

  private checkCommands() {
    const file = this.catalog.files.commands;
    for (const name of COMMAND_NAMES) {
      const def = this.catalog.commands.commands[name];
      const report = (m: string) => this.add('error', file, null, `command "${name}"`, m);
      this.checkLabel(def.button, 'button', report);
      for (const lang of LANGUAGES) {
        for (const word of [def.button[lang], ...(def.words[lang] ?? [])]) {
          const key = word ? normalizeForMatch(word) : '';
          if (!key) continue;
          const owner = this.commandWords.get(key);
          if (owner && owner !== name) {
            this.add('warning', file, null, `command "${name}"`, `the word "${word}" also belongs to "${owner}"; "${owner}" wins`);
          } else {
            this.commandWords.set(key, name);
          }
        }
      }
      const data = encodeChoiceData({ kind: 'command', command: name });
      if (decodeChoiceData(data).kind !== 'command') report('cannot be encoded as button data');
    }
    // A typed choice label that is also a command word runs the command instead.
    for (const flow of Object.values(this.catalog.flows)) {
      for (const step of flow.steps) {
        if (step.type !== 'question') continue;
        for (const choice of step.choices) {
          for (const lang of LANGUAGES) {
            const owner = this.commandWords.get(normalizeForMatch(choice.label[lang] ?? ''));
            if (owner) {
              this.add('warning', flow.file, step.id, `step "${step.id}"`, `choice "${choice.value}" label "${choice.label[lang]}" is also a word for the command "${owner}": typing it runs the command`);
            }
          }
        }
      }
    }
  }

  private checkHotlines() {
    const file = this.catalog.files.hotlines;
    const { hotlines } = this.catalog;
    if (!hotlines.some((h) => h.safety)) {
      this.add('error', file, null, null, 'no hotline has `safety: true`: the safety message would list no numbers');
    }
    const toVerify = hotlines.filter((h) => h.verify).map((h) => h.id);
    if (toVerify.length > 0) {
      this.add('warning', file, null, null, `still marked verify (re-check before launch): ${toVerify.join(', ')}`);
    }
    for (const h of hotlines) {
      const report = (m: string) => this.add('error', file, null, `hotline "${h.id}"`, m);
      this.checkText(h.name, 'name', report, { placeholders: [] });
      this.checkText(h.hours, 'hours', report, { placeholders: [] });
      if (!h.number?.trim() && !h.url) report('has no number and no url');
    }
  }

  /** flows/crisis.yaml: every line it names exists, ja/en/easy everywhere, buttons fit LINE, risks resolve. */
  private checkCrisis() {
    const file = this.catalog.files.crisis;
    const { crisis, hotlines } = this.catalog;
    const ids = new Set(hotlines.map((h) => h.id));
    const report = (where: string) => (m: string) => this.add('error', file, null, where, m);
    const lines = (where: string, list: string[]) => {
      for (const id of list) if (!ids.has(id)) report(where)(`names the line "${id}", which data/hotlines.yaml does not have`);
    };
    for (const [kind, answer] of Object.entries(crisis.answers)) {
      this.checkText(answer.text, 'text', report(`answer "${kind}"`), { placeholders: [] });
      lines(`answer "${kind}"`, answer.lines);
    }
    lines('foreignLines', crisis.foreignLines);
    for (const [id, risk] of Object.entries(crisis.risks)) {
      this.checkText(risk.text, 'text', report(`risk "${id}"`), { placeholders: [] });
      lines(`risk "${id}"`, risk.lines);
    }
    for (const [key, text] of Object.entries(crisis.messages)) {
      const where = report(`message "${key}"`);
      if (key.endsWith('_label')) {
        const placeholders = key === 'call_label' ? ['number'] : [];
        this.checkText(text, 'text', where, { placeholders });
        for (const value of Object.values(text)) {
          const longest = hotlines.reduce((n, h) => Math.max(n, value.replace('{number}', h.number ?? '').length), 0);
          if (longest > LINE_LIMITS.labelLength) where(`"${value}" is ${longest} characters with the longest number; LINE shows at most ${LINE_LIMITS.labelLength}`);
        }
      } else {
        this.checkText(text, 'text', where, { placeholders: key === 'alerted_none' ? ['next_opening'] : [] });
      }
    }
    for (const flow of Object.values(this.catalog.flows)) {
      for (const step of flow.steps) {
        if (step.type !== 'question') continue;
        for (const choice of step.choices) {
          if (choice.risk && !crisis.risks[choice.risk]) {
            this.stepError(flow.file, step.id, `choice "${choice.value}" has risk "${choice.risk}", which flows/crisis.yaml does not define under risks`);
          }
        }
      }
    }
  }
}

function walk(starts: string[], edges: Map<string, string[]>): Set<string> {
  const seen = new Set<string>(starts);
  const todo = [...starts];
  while (todo.length > 0) {
    const k = todo.pop()!;
    for (const to of edges.get(k) ?? []) {
      if (!seen.has(to)) {
        seen.add(to);
        todo.push(to);
      }
    }
  }
  return seen;
}

function languageName(lang: Language): string {
  return { ja: 'ja (日本語)', en: 'en (English)', easy: 'easy (やさしい日本語)' }[lang];
}
