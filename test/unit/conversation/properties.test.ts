// Property tests: thousands of random inputs in random order — any Unicode, lone surrogates, empty
// and 10,000-character texts, unknown, stale and well-formed-but-wrong button data, media, stop,
// inactivity, staff joining, random triage and random gaps in time. After every step:
//   - nothing throws and the state is valid (and survives JSON, as the pipeline stores it),
//   - a user message always gets an answer unless a counsellor has joined,
//   - the reply respects LINE's limits,
//   - from the reached state, "talk to a person" (button or words) always reaches staff.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  parseConversationState,
  runConversationStep,
  type ConversationInput,
  type ConversationState,
  type Language,
  type TriageResult,
} from '../../../src/conversation/index.js';
import { COMMAND_NAMES, LANGUAGES, type FlowCatalog } from '../../../src/flows/index.js';
import { expectWithinLineLimits, makeContext, shippedCatalog, type Result } from './helpers.js';

let catalog: FlowCatalog;
let typedWords: string[];
let wellFormedData: string[];

beforeAll(async () => {
  catalog = await shippedCatalog();
  typedWords = [];
  wellFormedData = [];
  for (const name of COMMAND_NAMES) {
    const def = catalog.commands.commands[name];
    for (const lang of LANGUAGES) typedWords.push(def.button[lang] ?? '', ...(def.words[lang] ?? []));
    wellFormedData.push(`cmd:${name}`);
  }
  for (const flow of Object.values(catalog.flows)) {
    for (const step of flow.steps) {
      wellFormedData.push(`skip:${flow.id}:${step.id}`, `a:${flow.id}:${step.id}:confirm`, `a:${flow.id}:${step.id}:fix`);
      if (step.type !== 'question') continue;
      for (const c of step.choices) {
        wellFormedData.push(`a:${flow.id}:${step.id}:${c.value}`);
        for (const lang of LANGUAGES) typedWords.push(c.label[lang] ?? '');
      }
    }
  }
  for (const [key, m] of Object.entries(catalog.messages)) {
    if (key.endsWith('_label')) for (const lang of LANGUAGES) typedWords.push(m[lang] ?? '');
  }
  wellFormedData.push('sys:continue:go', 'sys:delete:yes', 'sys:delete:no', 'sys:fix:_write', 'sys:fix:_keep', 'sys:fix:age_band', 'sys:fix:nothing');
});

/** An input, some of which refer to buttons shown earlier (resolved while running). */
type Spec =
  | { kind: 'input'; input: ConversationInput }
  | { kind: 'typed'; index: number }
  | { kind: 'data'; index: number }
  | { kind: 'lastButton'; index: number }
  | { kind: 'oldButton'; index: number };

const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((n) => String.fromCharCode(n)), maxLength: 4 });
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: loneSurrogates },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n\t', '　') },
  { weight: 1, arbitrary: fc.constantFrom('あ'.repeat(10_000), '😀'.repeat(5_000), 'x'.repeat(10_001)) },
);
const spec: fc.Arbitrary<Spec> = fc.oneof(
  { weight: 4, arbitrary: text.map((t): Spec => ({ kind: 'input', input: { kind: 'text', text: t } })) },
  { weight: 3, arbitrary: fc.nat().map((index): Spec => ({ kind: 'typed', index })) },
  { weight: 5, arbitrary: fc.nat().map((index): Spec => ({ kind: 'lastButton', index })) },
  { weight: 2, arbitrary: fc.nat().map((index): Spec => ({ kind: 'oldButton', index })) },
  { weight: 2, arbitrary: fc.nat().map((index): Spec => ({ kind: 'data', index })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 310 }).map((data): Spec => ({ kind: 'input', input: { kind: 'choice', data } })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom<ConversationInput>(
        { kind: 'start' },
        { kind: 'start', returning: true },
        { kind: 'media', media: 'sticker' },
        { kind: 'media', media: 'image' },
        { kind: 'media', media: 'location' },
        { kind: 'media', media: 'file' },
        { kind: 'stop' },
        { kind: 'inactivity' },
        { kind: 'staffJoined' },
      )
      .map((input): Spec => ({ kind: 'input', input })),
  },
);
const triage = fc.oneof(
  { weight: 8, arbitrary: fc.constant<TriageResult | null>(null) },
  { weight: 1, arbitrary: fc.constantFrom<TriageResult>(
      { urgency: 'emergency', signals: ['x'], score: 90, check: false, kinds: ['suicide'], language: null },
      { urgency: 'high', signals: ['y'], score: 40, check: false, kinds: [], language: null },
      { urgency: 'normal', signals: [], score: 0, check: false, kinds: [], language: null },
    ) },
);
const turn = fc.record({
  spec,
  triage,
  /** seconds since the previous input: mostly short, sometimes hours or days */
  gap: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 3 * 86_400 })),
  open: fc.boolean(),
});

const USER_KINDS = new Set(['text', 'choice', 'media', 'start']);
const TALK_WORDS: Record<Language, string> = { ja: '人と話したい', en: 'talk to a person', easy: 'ひとと はなしたい' };

function resolve(s: Spec, last: Result | null, seen: string[]): ConversationInput {
  switch (s.kind) {
    case 'input':
      return s.input;
    case 'typed':
      return { kind: 'text', text: typedWords[s.index % typedWords.length]! };
    case 'data':
      return { kind: 'choice', data: wellFormedData[s.index % wellFormedData.length]! };
    case 'lastButton': {
      const m = last?.messages.at(-1);
      const buttons = m?.type === 'choices' ? m.choices : [];
      return buttons.length ? { kind: 'choice', data: buttons[s.index % buttons.length]!.data } : { kind: 'start' };
    }
    case 'oldButton':
      return seen.length ? { kind: 'choice', data: seen[s.index % seen.length]! } : { kind: 'start' };
  }
}

function checkStep(input: ConversationInput, r: Result, ctxNow: Date) {
  const where = JSON.stringify(input).slice(0, 200);
  // valid, JSON-safe state
  const roundTrip = JSON.parse(JSON.stringify(r.state)) as unknown;
  expect(parseConversationState(roundTrip), where).not.toBeNull();
  expect(roundTrip, where).toEqual(r.state);
  expectWithinLineLimits(r.messages);
  if (USER_KINDS.has(input.kind) && r.state.phase !== 'staff') {
    expect(r.messages.length, `no answer to ${where} in phase ${r.state.phase}`).toBeGreaterThan(0);
  }
  // from here, the person can always reach staff
  for (const talk of [{ kind: 'choice', data: 'cmd:talk' }, { kind: 'text', text: TALK_WORDS[r.state.language] }] as const) {
    const t = runConversationStep(catalog, r.state, talk, makeContext(ctxNow));
    expect(t.effects.some((e) => e.type === 'queueForStaff'), `talk after ${where}`).toBe(true);
  }
}

describe('conversation core under random input', () => {
  it('never throws, always answers, stays valid and within LINE limits, and can always reach staff', () => {
    fc.assert(
      fc.property(fc.array(turn, { minLength: 1, maxLength: 40 }), (turns) => {
        let state: ConversationState | null = null;
        let last: Result | null = null;
        const seen: string[] = [];
        let now = new Date('2025-06-02T10:00:00+09:00').getTime();
        for (const t of turns) {
          now += t.gap * 1000;
          const input = resolve(t.spec, last, seen);
          const ctx = makeContext(new Date(now), { triage: input.kind === 'text' ? t.triage : null, open: t.open });
          const r: Result = runConversationStep(catalog, state, input, ctx);
          checkStep(input, r, ctx.now);
          for (const m of r.messages) if (m.type === 'choices') seen.push(...m.choices.map((c) => c.data));
          state = r.state;
          last = r;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('survives any stored value as state', () => {
    fc.assert(
      fc.property(fc.anything(), fc.constantFrom<ConversationInput>({ kind: 'start' }, { kind: 'text', text: 'x' }, { kind: 'choice', data: 'cmd:talk' }, { kind: 'inactivity' }), (stored, input) => {
        const r = runConversationStep(catalog, stored as ConversationState, input, makeContext(new Date()));
        expect(parseConversationState(JSON.parse(JSON.stringify(r.state)))).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('survives an invalid clock', () => {
    const r = runConversationStep(catalog, null, { kind: 'start' }, makeContext(new Date(Number.NaN)));
    expect(r.messages.length).toBeGreaterThan(0);
    const again = runConversationStep(catalog, r.state, { kind: 'text', text: 'こんにちは' }, makeContext(new Date(Number.NaN)));
    expect(parseConversationState(again.state)).not.toBeNull();
  });
});
