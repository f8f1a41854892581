// Consent before sensitive questions (個人情報保護法: health details are 要配慮個人情報), proven on the
// shipped flows through the real core: walking every path with the health consent refused (or
// skipped), no question that needs it is ever asked and no answer to one is recorded; the
// conversation simply goes on to the hand-off. Refusing the handover consent is recorded with its
// wording version, and the conversation goes on too.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeChoiceData } from '../../../src/conversation/choice-data.js';
import { runConversationStep, type ConversationInput, type ConversationState } from '../../../src/conversation/index.js';
import { getStep, type FlowCatalog } from '../../../src/flows/index.js';
import type { QuestionStep } from '../../../src/flows/schema.js';
import { effectsOf, makeContext, shippedCatalog, type Result } from './helpers.js';

const HEALTH = 'health_info';
const HANDOVER = 'handover_ward_center';

/** Words that would ask about health, treatment or disability, per language. */
const SENSITIVE: Record<'ja' | 'en' | 'easy', RegExp> = {
  ja: /通院|病院|医療|受診|診断|服薬|障害|健康|体や心|精神/,
  en: /health|doctor|clinic|hospital|medical|medication|diagnos|disabilit|mental/i,
  easy: /びょういん|けんこう|からだや こころ|くすり|しょうがい/,
};

/** Steps that name health only to say it is asked later, after consent. */
const DEFERS_TO_CONSENT = new Set<string>();
/** Steps that name health without asking about the person's: the writer's own organisation type. */
const NOT_ABOUT_THE_PERSON = new Set(['agency/organisation']);

let catalog: FlowCatalog;
beforeAll(async () => {
  catalog = await shippedCatalog();
});

const questions = () =>
  Object.values(catalog.flows).flatMap((flow) => flow.steps.filter((s): s is QuestionStep => s.type === 'question').map((step) => ({ ref: `${flow.id}/${step.id}`, flow: flow.id, step })));

const gatedBy = (kind: string) => new Set(questions().filter((q) => q.step.when?.consent === kind).map((q) => q.ref));

interface Walk {
  trail: string[];
  asked: string[];
  results: Result[];
}

/**
 * Every path through the flows, branching where an answer changes what comes next, with `policy`
 * answering the consent questions (`no` or skip — never `yes`).
 */
function walkAll(consentAnswer: 'no' | 'skip'): Walk[] {
  const walks: Walk[] = [];
  const now = new Date('2025-06-02T10:00:00+09:00');
  const conditions = Object.values(catalog.flows).flatMap((f) => f.steps.flatMap((s) => [s.when, s.unless].filter(Boolean)));
  const visit = (r: Result, walk: Walk, depth: number) => {
    if (r.state.phase === 'handedOff' || depth > 60) {
      walks.push(walk);
      return;
    }
    const at = r.state.cursor!;
    const step = getStep(catalog, at)!;
    const ref = `${at.flow}/${at.step}`;
    let inputs: ConversationInput[];
    if (step.type === 'summary') {
      inputs = [{ kind: 'choice', data: encodeChoiceData({ kind: 'answer', ...at, value: 'confirm' }) }];
    } else if (step.type === 'question' && step.consent) {
      inputs = [
        consentAnswer === 'no'
          ? { kind: 'choice', data: encodeChoiceData({ kind: 'answer', ...at, value: 'no' }) }
          : { kind: 'choice', data: encodeChoiceData({ kind: 'skip', ...at }) },
      ];
    } else if (step.type === 'question') {
      // One answer per distinct next step or condition further on (free text where there is no button).
      const seen = new Set<string>();
      inputs = step.choices.length === 0 ? [{ kind: 'text', text: '書いておきます。' }] : [];
      for (const choice of step.choices) {
        const decides = step.key === 'consulter' || conditions.some((c) => c!.answer?.[step.key]?.includes(choice.value));
        const key = decides ? `v:${choice.value}` : `n:${choice.next ?? step.next ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        inputs.push({ kind: 'choice', data: encodeChoiceData({ kind: 'answer', ...at, value: choice.value }) });
      }
    } else {
      throw new Error(`waiting on a ${step.type} step ${ref}`);
    }
    for (const input of inputs) {
      const stored = JSON.parse(JSON.stringify(r.state)) as ConversationState;
      const next = runConversationStep(catalog, stored, input, makeContext(now));
      visit(next, { trail: [...walk.trail, `${ref}:${input.kind === 'choice' ? input.data : 'text'}`], asked: [...walk.asked, ref], results: [...walk.results, next] }, depth + 1);
    }
  };
  const first = runConversationStep(catalog, null, { kind: 'start' }, makeContext(now));
  visit(first, { trail: [], asked: [], results: [first] }, 0);
  return walks;
}

describe('consent before sensitive questions', () => {
  it('every question about health, treatment or disability waits for the health consent', () => {
    const gated = gatedBy(HEALTH);
    expect(gated).toEqual(new Set(['self/health_care', 'family/health_care']));
    for (const { ref, step } of questions()) {
      if (step.consent || gated.has(ref) || NOT_ABOUT_THE_PERSON.has(ref)) continue;
      for (const lang of ['ja', 'en', 'easy'] as const) {
        const text = [step.text[lang] ?? '', ...step.choices.map((c) => c.label[lang] ?? '')].join('\n');
        if (DEFERS_TO_CONSENT.has(ref)) {
          expect(text, `${ref} (${lang}) should say health is asked after consent`).toMatch(/同意|consent|きいても いいか/);
          continue;
        }
        expect(text, `${ref} (${lang}) asks something sensitive without the health consent`).not.toMatch(SENSITIVE[lang]);
      }
    }
  });

  it.each(['no', 'skip'] as const)('with the health consent answered "%s", no health question is ever asked and the intake still reaches staff', (answer) => {
    const gated = gatedBy(HEALTH);
    const walks = walkAll(answer);
    expect(walks.length).toBeGreaterThan(10);
    let consentsSeen = 0;
    for (const walk of walks) {
      const label = walk.trail.join(' → ');
      for (const ref of walk.asked) expect(gated.has(ref), `${ref} asked on ${label}`).toBe(false);
      const effects = walk.results.flatMap((r) => r.effects);
      const answered = effects.filter((e) => e.type === 'recordAnswer').map((e) => (e as { key: string }).key);
      expect(answered.filter((k) => k === 'health_care' || k === 'health_notes'), label).toEqual([]);
      // Every question put after the refusal: none about health (results[i + 1] answers asked[i]).
      const refusedAt = walk.asked.findIndex((r) => r.endsWith('/health_consent'));
      if (refusedAt >= 0) {
        const later = walk.results.slice(refusedAt + 1).flatMap((r) => r.messages.map((m) => m.text));
        for (const text of later) expect(text, label).not.toMatch(/通院|病院|体や心の調子|医療機関/);
      }
      const consents = effects.filter((e) => e.type === 'recordConsent') as { kind: string; granted: boolean; wordingVersion: string }[];
      if (walk.asked.some((r) => r.endsWith('/health_consent'))) {
        consentsSeen++;
        expect(consents.filter((c) => c.kind === HEALTH), label).toEqual(answer === 'no' ? [{ type: 'recordConsent', kind: HEALTH, granted: false, wordingVersion: 'health-v1' }] : []);
      }
      // The conversation goes on: the intake reaches staff, and nothing health-related is in its summary.
      const queued = walk.results.flatMap((r) => effectsOf(r, 'queueForStaff'));
      expect(queued.map((q) => q.reason).at(-1), label).toBe('completed');
      const summary = queued.at(-1)!.summary;
      expect(Object.keys(summary.answers).filter((k) => gated.has(`self/${k}`) || k === 'health_care' || k === 'health_notes'), label).toEqual([]);
      expect(summary.consents[HEALTH] ?? false).toBe(false);
    }
    expect(consentsSeen).toBeGreaterThan(3);
  });

  it('asks the handover consent before the summary (except neighbours and agencies), records a refusal with its wording, and carries on', () => {
    for (const walk of walkAll('no')) {
      const label = walk.trail.join(' → ');
      const askedHandover = walk.asked.includes('closing/handover_consent');
      const neighbour = walk.asked.some((r) => r.startsWith('neighbour/'));
      const agency = walk.asked.some((r) => r.startsWith('agency/'));
      if (!neighbour && !agency && walk.asked.includes('closing/summary')) expect(askedHandover, label).toBe(true);
      const effects = walk.results.flatMap((r) => r.effects);
      const consents = effects.filter((e) => e.type === 'recordConsent') as { kind: string; granted: boolean; wordingVersion: string }[];
      // An agency's answers are the agency's: never recorded as the person's handover consent.
      if (agency) {
        expect(consents.filter((c) => c.kind === HANDOVER), label).toEqual([]);
        if (walk.asked.some((r) => r.endsWith('_consent') && r.startsWith('agency/'))) {
          expect(consents.filter((c) => c.kind === 'agency_handover').map((c) => c.granted), label).toEqual([false]);
        }
      }
      if (askedHandover) {
        expect(consents.filter((c) => c.kind === HANDOVER), label).toEqual([{ type: 'recordConsent', kind: HANDOVER, granted: false, wordingVersion: 'handover-v1' }]);
        // Asked before the summary is confirmed and the case handed to staff.
        expect(walk.asked.indexOf('closing/handover_consent'), label).toBeLessThan(walk.asked.indexOf('closing/summary'));
      }
      expect(walk.results.at(-1)!.state.phase, label).toBe('handedOff');
    }
  });
});
