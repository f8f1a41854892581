// Walks every path of every flow, in every language (ja, en, やさしい日本語, zh, ko, vi, pt), through the real runtime, and checks each
// ends with a hand-off to staff. Paths are enumerated from the catalog, not written by hand: at each
// question the walk branches once per distinct outcome — a different next step, or a value that
// changes a `when`/`unless` condition further on (consent, "lives alone", who is writing …).
// Equivalent answers are walked once, with the kind of input rotating (button, typed label, skip
// button, skip word, free text) so every kind of input is exercised along the way.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeChoiceData } from '../../../src/conversation/choice-data.js';
import {
  runConversationStep,
  type ConversationInput,
  type ConversationState,
  type Language,
  type TriageResult,
} from '../../../src/conversation/index.js';
import { getStep, type FlowCatalog, type FlowStep } from '../../../src/flows/index.js';
import type { Condition, QuestionStep } from '../../../src/flows/schema.js';
import { effectsOf, expectWithinLineLimits, makeContext, shippedCatalog, type Result } from './helpers.js';

const LANGS: Language[] = ['ja', 'en', 'easy', 'zh', 'ko', 'vi', 'pt'];
const triageIn = (language: TriageResult['language']): TriageResult => ({ urgency: 'normal', signals: [], score: 0, check: false, kinds: [], language });
/** How each walk begins: the page opened, a language picked or named, or simply writing in it. */
const FIRST_INPUT: Record<Language, { input: ConversationInput; triage?: TriageResult }> = {
  ja: { input: { kind: 'start' } },
  en: { input: { kind: 'text', text: 'English' } },
  easy: { input: { kind: 'choice', data: 'cmd:lang_easy' } },
  zh: { input: { kind: 'text', text: '我儿子三年没有出门了，我很担心。' }, triage: triageIn('zh') },
  ko: { input: { kind: 'choice', data: 'cmd:lang_ko' } },
  vi: { input: { kind: 'text', text: 'Tiếng Việt' } },
  pt: { input: { kind: 'text', text: 'Olá, o meu filho não sai de casa há muito tempo.' }, triage: triageIn('pt') },
};
const SKIP_WORD: Record<Language, string> = { ja: 'スキップ', en: 'skip', easy: 'とばす', zh: '跳过', ko: '건너뛰기', vi: 'bỏ qua', pt: 'pular' };
const FREE_TEXT: Record<Language, string> = {
  ja: 'うまく言えないのですが、書いておきます。',
  en: "It's hard to say, but I'll write it down.",
  easy: 'うまく いえないけど、かきます。',
  zh: '很难说清楚，但我还是写下来。',
  ko: '말하기 어렵지만 적어 둘게요.',
  vi: 'Khó nói lắm, nhưng tôi sẽ viết ra.',
  pt: 'É difícil dizer, mas vou escrever.',
};
/** Most questions a counsellor waits for, per path, before the case reaches them (README). */
const QUESTIONS_BEFORE_STAFF: Record<string, number> = { self: 5, family: 6, agency: 8, neighbour: 4, unsure: 2 };
const EARLY_QUEUE = new Set(['first_questions', 'handover_request', 'first_message']);
const MAX_DEPTH = 60;

interface Walk {
  lang: Language;
  trail: string[];
  final: Result;
  texts: string[];
  questions: Set<string>;
  /** Questions shown before the case first reached staff (null: only at the hand-off). */
  beforeStaff: number | null;
  /** Every recordAnswer effect along the way. */
  answers: Extract<Result['effects'][number], { type: 'recordAnswer' }>[];
}

let catalog: FlowCatalog;
const walks: Walk[] = [];

beforeAll(async () => {
  catalog = await shippedCatalog();
  for (const lang of LANGS) walks.push(...explore(lang));
}, 180_000);

function allConditions(): Condition[] {
  return Object.values(catalog.flows).flatMap((f) =>
    f.steps.flatMap((s) => [s.when, s.unless].filter((c): c is Condition => c !== undefined)),
  );
}

/** What an answer value decides later on: one boolean per condition that looks at this item. */
function signature(step: QuestionStep, value: string | null): string {
  return JSON.stringify(
    allConditions().map((c) => [
      step.key === 'consulter' && c.consulter ? c.consulter.includes((value ?? 'unsure') as never) : null,
      c.answer?.[step.key] ? value !== null && c.answer[step.key]!.includes(value) : null,
      step.consent && c.consent === step.consent.kind ? value === 'yes' : null,
    ]),
  );
}

interface Action {
  label: string;
  input: ConversationInput;
}

let rotation = 0;
function actionsFor(step: FlowStep, at: { flow: string; step: string }, lang: Language): Action[] {
  const turn = rotation++;
  if (step.type === 'summary') {
    const confirm = encodeChoiceData({ kind: 'answer', ...at, value: 'confirm' });
    const typed = catalog.messages.summary_confirm_label[lang]!;
    return [turn % 2 === 0 ? { label: 'confirm', input: { kind: 'choice', data: confirm } } : { label: `"${typed}"`, input: { kind: 'text', text: typed } }];
  }
  if (step.type !== 'question') throw new Error(`waiting on a ${step.type} step ${at.flow}/${at.step}`);
  const groups = new Map<string, { value: string | null; viaChoice: boolean }>();
  const outcome = (next: string | undefined, value: string | null) => `${next ?? ''}|${signature(step, value)}`;
  groups.set(outcome(step.next, null), { value: null, viaChoice: false });
  for (const c of step.choices) {
    const key = outcome(c.next ?? step.next, c.value);
    if (!groups.has(key)) groups.set(key, { value: c.value, viaChoice: true });
  }
  return [...groups.values()].map(({ value, viaChoice }) => {
    if (viaChoice && value !== null) {
      const label = step.choices.find((c) => c.value === value)!.label[lang]!;
      return turn % 2 === 0
        ? { label: value, input: { kind: 'choice', data: encodeChoiceData({ kind: 'answer', ...at, value }) } }
        : { label: `"${label}"`, input: { kind: 'text', text: label } };
    }
    // The skip / free-text outcome: rotate through the three ways to get there.
    switch (turn % 3) {
      case 0:
        return { label: 'skip', input: { kind: 'choice', data: encodeChoiceData({ kind: 'skip', ...at }) } };
      case 1:
        return { label: `"${SKIP_WORD[lang]}"`, input: { kind: 'text', text: SKIP_WORD[lang] } };
      default:
        return { label: 'free text', input: { kind: 'text', text: FREE_TEXT[lang] } };
    }
  });
}

function explore(lang: Language): Walk[] {
  const out: Walk[] = [];
  const now = new Date('2025-06-02T10:00:00+09:00');
  const { input, triage } = FIRST_INPUT[lang];
  const first = runConversationStep(catalog, null, input, makeContext(now, { triage: triage ?? null }));
  type Answers = Walk['answers'];
  const visit = (r: Result, trail: string[], texts: string[], questions: Set<string>, depth: number, beforeStaff: number | null, answers: Answers) => {
    expectWithinLineLimits(r.messages);
    const all = [...texts, ...r.messages.flatMap((m) => [m.text, ...(m.type === 'choices' ? m.choices.map((c) => c.label) : [])])];
    const early = effectsOf(r, 'queueForStaff').some((q) => EARLY_QUEUE.has(q.reason));
    const reached = beforeStaff ?? (early ? questions.size : null);
    const recorded = [...answers, ...effectsOf(r, 'recordAnswer')];
    if (r.state.phase === 'handedOff') {
      out.push({ lang, trail, final: r, texts: all, questions, beforeStaff: reached, answers: recorded });
      return;
    }
    expect(r.state.phase, trail.join(' → ')).toBe('intake');
    expect(depth, `path too long: ${trail.join(' → ')}`).toBeLessThan(MAX_DEPTH);
    const at = r.state.cursor!;
    const step = getStep(catalog, at)!;
    const seen = new Set(questions).add(`${at.flow}/${at.step}`);
    for (const action of actionsFor(step, at, lang)) {
      const stored = JSON.parse(JSON.stringify(r.state)) as ConversationState;
      const next = runConversationStep(catalog, stored, action.input, makeContext(now));
      visit(next, [...trail, `${at.flow}/${at.step}:${action.label}`], all, seen, depth + 1, reached, recorded);
    }
  };
  visit(first, [], [], new Set(), 0, null, []);
  return out;
}

const HANDOFF_STEPS = ['closing/done', 'closing/finish', 'neighbour/once'];

describe('every path of every flow', () => {
  it('enumerates a plausible number of paths in each language', () => {
    for (const lang of LANGS) {
      const n = walks.filter((w) => w.lang === lang).length;
      expect(n).toBeGreaterThan(30);
    }
  });

  it.each(LANGS)('every path in %s ends with queueForStaff (completed) and a hand-off message, in that language', (lang) => {
    const handoffs = HANDOFF_STEPS.map((ref) => {
      const [flow, id] = ref.split('/') as [string, string];
      return catalog.flows[flow]!.steps.find((s) => s.id === id)!.text[lang]!.split('\n')[0]!.split('{')[0]!;
    });
    for (const w of walks.filter((x) => x.lang === lang)) {
      const label = w.trail.join(' → ');
      const queued = effectsOf(w.final, 'queueForStaff');
      expect(queued.map((q) => q.reason).at(-1), label).toBe('completed');
      expect(queued.at(-1)!.summary.language, label).toBe(lang);
      expect(w.final.state.intakeCompleted).toBe(true);
      expect(w.final.messages.length, label).toBeGreaterThan(0);
      const said = w.final.messages.map((m) => m.text).join('\n');
      expect(handoffs.some((h) => said.includes(h)), `${label}: ${said}`).toBe(true);
    }
  });

  it.each(LANGS)('in %s, the case reaches a counsellor after at most the questions the README promises', (lang) => {
    for (const w of walks.filter((x) => x.lang === lang)) {
      const path = w.final.state.consulterType ?? 'unsure';
      // Either early (after the first questions) or, at the latest, at the hand-off.
      const asked = w.beforeStaff ?? w.questions.size;
      expect(asked, `${path}: ${w.trail.join(' → ')}`).toBeLessThanOrEqual(QUESTIONS_BEFORE_STAFF[path]!);
    }
  });

  it('never stores free text as the answer to a question with buttons', () => {
    let notes = 0;
    for (const w of walks) {
      for (const a of w.answers) {
        const step = getStep(catalog, { flow: a.flowId, step: a.stepId });
        if (step?.type === 'question' && step.choices.length > 0 && a.key === step.key) {
          expect(a.freeText, `${a.flowId}/${a.stepId} in ${w.trail.join(' → ')}`).toBeNull();
        }
        if (a.key === 'message' && a.freeText !== null) notes++;
      }
    }
    // The walks do write free text at questions with buttons: it is kept as their message.
    expect(notes).toBeGreaterThan(0);
  });

  it('leaves no {placeholder} unfilled and shows no Japanese on the paths in other languages', () => {
    const problems = new Set<string>();
    for (const w of walks) {
      // やさしい にほんご is a language's name (in the language menu), on purpose.
      const foreign = w.lang !== 'ja' && w.lang !== 'easy';
      for (const t of new Set(w.texts)) {
        if (/\{[a-z_]+\}/.test(t)) problems.add(`${w.lang} placeholder: ${t}`);
        if (foreign && t !== 'やさしい にほんご' && /[\u3040-\u30ff]/.test(t)) problems.add(`${w.lang} Japanese: ${t}`);
      }
    }
    expect([...problems]).toEqual([]);
  });

  it('asks every question of every flow on some path, and shows every message step', () => {
    const asked = new Set(walks.flatMap((w) => [...w.questions]));
    const shown = walks.filter((w) => w.lang === 'ja').flatMap((w) => w.texts).join('\n');
    for (const flow of Object.values(catalog.flows)) {
      for (const step of flow.steps) {
        const ref = `${flow.id}/${step.id}`;
        if (step.type === 'question' || step.type === 'summary') expect(asked, ref).toContain(ref);
        if (step.type === 'message') expect(shown, ref).toContain(step.text.ja!.split('\n')[0]!.split('{')[0]!);
      }
    }
  });

  it('walks both sides of the health consent and of "already assessed"', () => {
    const asked = (ref: string) => walks.filter((w) => w.questions.has(ref)).length;
    const notAsked = (ref: string, through: string) => walks.filter((w) => w.questions.has(through) && !w.questions.has(ref)).length;
    expect(asked('self/health_care')).toBeGreaterThan(0);
    expect(notAsked('self/health_care', 'self/health_consent')).toBeGreaterThan(0);
    expect(asked('agency/handover_summary')).toBeGreaterThan(0);
    expect(notAsked('agency/duration', 'agency/handover_summary')).toBeGreaterThan(0);
    expect(notAsked('closing/handover_consent', 'neighbour/stay_in_touch')).toBeGreaterThan(0);
  });
});
