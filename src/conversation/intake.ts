// The flow runtime: walks the steps of flows/*.yaml, asks one question at a time and turns answers,
// skips and free text into recorded answers. Every way out of a question leads somewhere: a choice
// to its `next`, skip and free text to the step's `next`, a broken reference to a hand-off.
import { resolveRef } from '../flows/graph.js';
import { CONSULTER_TYPES, type Condition, type FlowChoice, type FlowStep, type QuestionStep, type SummaryStep } from '../flows/schema.js';
import { decodeChoiceData, encodeChoiceData } from './choice-data.js';
import { matchChoice, matchCommand, matchesLabel } from './commands.js';
import type { ConversationState, StepRef } from './state.js';
import { answerRiskChoice } from './crisis.js';
import { clampUtf16, localize } from './text.js';
import { CORRECTION_KEY, NOTE_KEY, type Turn } from './turn.js';
import type { Choice, ConsulterType } from './types.js';

/** Guards against a cycle of message steps or conditions that never reaches a question. */
const MAX_HOPS = 200;
/** The fix menu's own two buttons leave room for this many items (LINE shows 13). */
const MAX_FIX_ITEMS = 11;
const SUMMARY_CONFIRM = 'confirm';
const SUMMARY_FIX = 'fix';

export type AskableStep = QuestionStep | SummaryStep;

/** From the very first step of the entry flow, with a clean slate of answers. */
export function startIntake(t: Turn): void {
  const s = t.state;
  Object.assign(s, {
    phase: 'intake',
    pending: null,
    returnTo: null,
    cursor: null,
    safetyReturn: null,
    intakeCompleted: false,
  } satisfies Partial<ConversationState>);
  advance(t, resolveRef(t.catalog, t.catalog.entryFlow, `@${t.catalog.entryFlow}`));
}

/** Shows message steps from `target` on until a question (which then waits) or a hand-off. */
export function advance(t: Turn, target: StepRef | null): void {
  let ref = target;
  for (let hop = 0; hop < MAX_HOPS && ref; hop++) {
    const step = t.stepAt(ref);
    if (!step) break;
    if (step.type === 'handoff') return complete(t, stepText(t, step));
    if (!shouldShow(step, t.state)) {
      ref = nextOf(t, ref, step.next);
      continue;
    }
    if (step.type === 'message') {
      const text = stepText(t, step);
      if (step.link) {
        t.messages.push({ type: 'link', text, url: step.link.url, label: localize(step.link.label, t.state.language) });
      } else {
        t.text(text);
      }
      ref = nextOf(t, ref, step.next);
      continue;
    }
    t.state.cursor = ref;
    return renderQuestion(t, step, ref);
  }
  // A reference that leads nowhere must not leave the user stranded: hand what we have to staff.
  complete(t, t.r.msg('fallback_handoff'));
}

function complete(t: Turn, text: string): void {
  t.text(text);
  Object.assign(t.state, {
    phase: 'handedOff',
    intakeCompleted: true,
    cursor: null,
    returnTo: null,
    pending: null,
  } satisfies Partial<ConversationState>);
  t.queue('completed');
}

function nextOf(t: Turn, from: StepRef, next: string | undefined): StepRef | null {
  return next ? resolveRef(t.catalog, from.flow, next) : null;
}

export function shouldShow(step: FlowStep, s: ConversationState): boolean {
  if (step.when && !conditionHolds(step.when, s)) return false;
  if (step.unless && conditionHolds(step.unless, s)) return false;
  return true;
}

function conditionHolds(c: Condition, s: ConversationState): boolean {
  if (c.consulter && !c.consulter.includes(s.consulterType ?? 'unsure')) return false;
  if (c.consent !== undefined && s.consents[c.consent] !== true) return false;
  for (const [key, values] of Object.entries(c.answer ?? {})) {
    const v = s.answers[key];
    if (v === undefined || v === null || !values.includes(v)) return false;
  }
  return true;
}

function stepText(t: Turn, step: FlowStep, vars: Record<string, string> = {}): string {
  const variant = step.textFor?.[t.state.consulterType ?? 'unsure'];
  return t.r.fill(localize(variant ?? step.text, t.state.language), vars);
}

// ----- asking -----

export function renderQuestion(t: Turn, step: AskableStep, ref: StepRef): void {
  const lang = t.state.language;
  if (step.type === 'summary') {
    t.choices(stepText(t, step, { summary: summaryList(t) }), [
      { label: t.r.msg('summary_confirm_label'), data: encodeChoiceData({ kind: 'answer', ...ref, value: SUMMARY_CONFIRM }) },
      { label: t.r.msg('summary_fix_label'), data: encodeChoiceData({ kind: 'answer', ...ref, value: SUMMARY_FIX }) },
    ]);
    return;
  }
  const choices: Choice[] = step.choices.map((c) => ({
    label: localize(c.label, lang),
    data: encodeChoiceData({ kind: 'answer', ...ref, value: c.value }),
  }));
  for (const command of step.commands ?? []) {
    choices.push({
      label: localize(t.catalog.commands.commands[command].button, lang),
      data: encodeChoiceData({ kind: 'command', command }),
    });
  }
  choices.push({
    label: localize(t.catalog.commands.commands.skip.button, lang),
    data: encodeChoiceData({ kind: 'skip', ...ref }),
  });
  t.choices(stepText(t, step), choices);
}

/** Shows the question the user is on again (after a stale button, help, a language switch …). */
export function renderCurrentQuestion(t: Turn): void {
  const ref = t.state.cursor;
  const step = t.stepAt(ref);
  if (!ref || !step) return advance(t, resolveRef(t.catalog, ref?.flow ?? t.catalog.entryFlow, `@${ref?.flow ?? t.catalog.entryFlow}`));
  if (step.type === 'question' || step.type === 'summary') return renderQuestion(t, step, ref);
  advance(t, ref);
}

// ----- answering -----

export type QuestionInput = { kind: 'text'; text: string } | { kind: 'choice'; data: string };

/** Whether a tapped button belongs to the question now on screen. */
export function isCurrentAnswer(t: Turn, data: string): boolean {
  const d = decodeChoiceData(data);
  const c = t.state.cursor;
  return (d.kind === 'answer' || d.kind === 'skip') && !!c && d.flow === c.flow && d.step === c.step;
}

/**
 * Input while a question waits. Returns false when the input is not for this question (a stale or
 * unknown button); the caller answers that kindly.
 */
export function answerCurrentQuestion(t: Turn, input: QuestionInput): boolean {
  const ref = t.state.cursor;
  const step = t.stepAt(ref);
  if (!ref || !step || (step.type !== 'question' && step.type !== 'summary')) {
    renderCurrentQuestion(t);
    return true;
  }
  if (input.kind === 'choice') {
    if (!isCurrentAnswer(t, input.data)) return false;
    const d = decodeChoiceData(input.data);
    if (d.kind === 'skip') {
      skipQuestion(t, step, ref);
      return true;
    }
    if (d.kind !== 'answer') return false;
    if (step.type === 'summary') {
      if (d.value === SUMMARY_CONFIRM) advance(t, nextOf(t, ref, step.next));
      else if (d.value === SUMMARY_FIX) showFixMenu(t);
      else return false;
      return true;
    }
    const choice = step.choices.find((c) => c.value === d.value);
    if (!choice) return false;
    chooseAnswer(t, step, ref, choice);
    return true;
  }
  const text = input.text.trim();
  if (!text) {
    renderQuestion(t, step, ref);
    return true;
  }
  if (matchCommand(t.catalog, text) === 'skip') {
    skipQuestion(t, step, ref);
    return true;
  }
  if (step.type === 'summary') {
    const m = t.catalog.messages;
    if (matchesLabel(t.catalog, text, [m.summary_confirm_label])) advance(t, nextOf(t, ref, step.next));
    else if (matchesLabel(t.catalog, text, [m.summary_fix_label])) showFixMenu(t);
    else writeCorrection(t, input.text);
    return true;
  }
  const choice = matchChoice(t.catalog, step.choices, text);
  if (choice) {
    chooseAnswer(t, step, ref, choice);
    return true;
  }
  // Free text is always welcome: kept with this question's item, then on to the next question.
  t.recordAnswer(ref, step.key, t.state.answers[step.key] ?? null, input.text);
  t.say('free_text_ack');
  goOn(t, ref, step.next);
  return true;
}

export function skipCurrentQuestion(t: Turn): void {
  const ref = t.state.cursor;
  const step = t.stepAt(ref);
  if (ref && step && (step.type === 'question' || step.type === 'summary')) skipQuestion(t, step, ref);
  else renderCurrentQuestion(t);
}

function skipQuestion(t: Turn, step: AskableStep, ref: StepRef): void {
  if (step.type === 'question') t.recordAnswer(ref, step.key, null, null);
  goOn(t, ref, step.next);
}

function chooseAnswer(t: Turn, step: QuestionStep, ref: StepRef, choice: FlowChoice): void {
  const s = t.state;
  t.recordAnswer(ref, step.key, choice.value, null);
  if (step.consent && (choice.value === 'yes' || choice.value === 'no')) {
    const granted = choice.value === 'yes';
    s.consents[step.consent.kind] = granted;
    t.effects.push({ type: 'recordConsent', kind: step.consent.kind, granted, wordingVersion: step.consent.version });
  }
  if (step.key === 'consulter' && isConsulterType(choice.value) && s.consulterType !== choice.value) {
    s.consulterType = choice.value;
    t.effects.push({ type: 'updateCase', patch: { consulterType: choice.value } });
  }
  // A specific answer (violence at home, "close to my limit") alerts even if a vaguer signal already did.
  if (choice.risk) {
    // Danger from a button is danger: answered at once, queued; the next question waits for
    // "back to the questions" (anything it would have shown is shown then).
    const before = t.messages.length;
    goOn(t, ref, choice.next ?? step.next);
    const produced = t.messages.splice(before);
    answerRiskChoice(t, choice.risk, `answer:${step.key}=${choice.value}`);
    if (t.state.phase !== 'intake') t.messages.push(...produced);
    return;
  }
  if (choice.alert === 'high') {
    s.alerts.high = true;
    t.effects.push({ type: 'raiseAlert', urgency: 'high', signals: [`answer:${step.key}=${choice.value}`] });
  }
  goOn(t, ref, choice.next ?? step.next);
}

function isConsulterType(v: string): v is ConsulterType {
  return (CONSULTER_TYPES as readonly string[]).includes(v);
}

/** After an answer: back to the summary when correcting, else on along the flow. */
function goOn(t: Turn, from: StepRef, next: string | undefined): void {
  const back = t.state.returnTo;
  t.state.returnTo = null;
  advance(t, back ?? nextOf(t, from, next));
}

// ----- summary and corrections -----

function summaryList(t: Turn): string {
  const s = t.state;
  const lang = s.language;
  const r = t.r;
  const snippet = (texts: string[] | undefined) =>
    texts?.length ? clampUtf16(texts.map((x) => x.replace(/\s+/g, ' ').trim()).join(' / '), 80) : '';
  const lines: string[] = [];
  for (const [key, value] of Object.entries(s.answers)) {
    const step = t.stepAt(s.answeredAt[key] ?? null);
    if (!step || step.type !== 'question') continue;
    const chosen = value === null ? '' : localize(step.choices.find((c) => c.value === value)?.label, lang) || value;
    const written = snippet(s.freeText[key]);
    const shown = [chosen, written && `「${written}」`].filter(Boolean).join(' ') || r.msg('summary_skipped');
    lines.push(r.msg('summary_item', { name: localize(step.label, lang), value: shown }));
  }
  const extra: Array<[string, 'correction_label' | 'note_label']> = [
    [NOTE_KEY, 'note_label'],
    [CORRECTION_KEY, 'correction_label'],
  ];
  for (const [key, label] of extra) {
    const written = snippet(s.freeText[key]);
    if (written) lines.push(r.msg('summary_item', { name: r.msg(label), value: `「${written}」` }));
  }
  return lines.length > 0 ? lines.join('\n') : r.msg('summary_empty');
}

/** Items the user can go back to: answered questions that do not change the path taken. */
function fixableKeys(t: Turn): string[] {
  const s = t.state;
  return Object.keys(s.answers).filter((key) => {
    const step = t.stepAt(s.answeredAt[key] ?? null);
    return step?.type === 'question' && key !== 'consulter' && step.choices.every((c) => !c.next);
  });
}

export function showFixMenu(t: Turn): void {
  t.state.pending = 'fixMenu';
  const lang = t.state.language;
  const choices: Choice[] = fixableKeys(t)
    .slice(0, MAX_FIX_ITEMS)
    .map((key) => {
      const step = t.stepAt(t.state.answeredAt[key] ?? null);
      const label = step?.type === 'question' ? localize(step.label, lang) : key;
      return { label, data: encodeChoiceData({ kind: 'system', prompt: 'fix', value: key }) };
    });
  choices.push(
    { label: t.r.msg('fix_write_label'), data: encodeChoiceData({ kind: 'system', prompt: 'fix', value: '_write' }) },
    { label: t.r.msg('fix_keep_label'), data: encodeChoiceData({ kind: 'system', prompt: 'fix', value: '_keep' }) },
  );
  t.choices(t.r.msg('fix_prompt'), choices);
}

/** A fix-menu button. Returns false when it is not one this menu offers. */
export function chooseFix(t: Turn, value: string): boolean {
  const s = t.state;
  if (value === '_write') {
    s.pending = 'fixWrite';
    t.say('fix_write_prompt');
    return true;
  }
  if (value === '_keep') {
    s.pending = null;
    renderCurrentQuestion(t);
    return true;
  }
  const at = s.answeredAt[value];
  const step = t.stepAt(at ?? null);
  if (!at || !fixableKeys(t).includes(value) || !step || step.type !== 'question') return false;
  s.pending = null;
  s.returnTo = s.cursor;
  s.cursor = { ...at };
  renderQuestion(t, step, at);
  return true;
}

/** What the user wrote to correct the summary: kept for staff, then the summary again. */
export function writeCorrection(t: Turn, text: string): void {
  const at = t.state.cursor ?? { flow: t.catalog.entryFlow, step: 'summary' };
  t.state.pending = null;
  t.recordNote(at, text, CORRECTION_KEY);
  t.say('correction_ack');
  renderCurrentQuestion(t);
}
