// Walks every path of every flow, in all three languages, through the real runtime, and checks each
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
} from '../../../src/conversation/index.js';
import { getStep, type FlowCatalog, type FlowStep } from '../../../src/flows/index.js';
import type { Condition, QuestionStep } from '../../../src/flows/schema.js';
import { effectsOf, expectWithinLineLimits, makeContext, shippedCatalog, type Result } from './helpers.js';

const LANGS: Language[] = ['ja', 'en', 'easy'];
const FIRST_INPUT: Record<Language, ConversationInput> = {
  ja: { kind: 'start' },
  en: { kind: 'text', text: 'English' },
  easy: { kind: 'choice', data: 'cmd:lang_easy' },
};
const SKIP_WORD: Record<Language, string> = { ja: 'スキップ', en: 'skip', easy: 'とばす' };
const FREE_TEXT: Record<Language, string> = {
  ja: 'うまく言えないのですが、書いておきます。',
  en: "It's hard to say, but I'll write it down.",
  easy: 'うまく いえないけど、かきます。',
};
const MAX_DEPTH = 60;

interface Walk {
  lang: Language;
  trail: string[];
  final: Result;
  texts: string[];
  questions: Set<string>;
}

let catalog: FlowCatalog;
const walks: Walk[] = [];

beforeAll(async () => {
  catalog = await shippedCatalog();
  for (const lang of LANGS) walks.push(...explore(lang));
});

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
  const first = runConversationStep(catalog, null, FIRST_INPUT[lang], makeContext(now));
  const visit = (r: Result, trail: string[], texts: string[], questions: Set<string>, depth: number) => {
    expectWithinLineLimits(r.messages);
    const all = [...texts, ...r.messages.flatMap((m) => [m.text, ...(m.type === 'choices' ? m.choices.map((c) => c.label) : [])])];
    if (r.state.phase === 'handedOff') {
      out.push({ lang, trail, final: r, texts: all, questions });
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
      visit(next, [...trail, `${at.flow}/${at.step}:${action.label}`], all, seen, depth + 1);
    }
  };
  visit(first, [], [], new Set(), 0);
  return out;
}

describe('every path of every flow', () => {
  it('enumerates a plausible number of paths in each language', () => {
    for (const lang of LANGS) {
      const n = walks.filter((w) => w.lang === lang).length;
      expect(n).toBeGreaterThan(30);
    }
  });

  it.each(LANGS)('every path in %s ends with queueForStaff (completed) and the hand-off message', (lang) => {
    for (const w of walks.filter((x) => x.lang === lang)) {
      const label = w.trail.join(' → ');
      const queued = effectsOf(w.final, 'queueForStaff');
      expect(queued.map((q) => q.reason), label).toEqual(['completed']);
      expect(queued[0]!.summary.language, label).toBe(lang);
      expect(w.final.state.intakeCompleted).toBe(true);
      expect(w.final.messages.length, label).toBeGreaterThan(0);
      const handoffText = catalog.flows.closing!.steps.find((s) => s.id === 'done')!.text[lang]!.split('\n')[0]!.split('{')[0]!;
      expect(w.final.messages.map((m) => m.text).join('\n'), label).toContain(handoffText);
    }
  });

  it('leaves no {placeholder} unfilled and shows no Japanese on English paths', () => {
    for (const w of walks) {
      for (const t of w.texts) expect(t, w.trail.join(' → ')).not.toMatch(/\{[a-z_]+\}/);
      if (w.lang === 'en') {
        // "Language/ことば" is the bilingual language button, on purpose.
        for (const t of w.texts.filter((x) => !x.includes('ことば'))) expect(t, w.trail.join(' → ')).not.toMatch(/[\u3040-\u30ff]/);
      }
    }
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
