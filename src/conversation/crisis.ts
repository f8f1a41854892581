// What the bot does when someone is in danger. Pure, like the rest of the core.
//
// - The first answer in a crisis is specific to the kind of danger (an overdose: "call 119 now",
//   violence: 110 first, a child: 189, suicidal thoughts: acknowledge, ask directly, the lines and
//   the 24-hour chats), in the person's language, every line a tap target, and says honestly who
//   has been alerted (staff on duty, the on-call counsellor, or nobody until the desk opens).
// - Later messages in the same crisis do not repeat the list: they acknowledge and offer "the
//   numbers again"; a later message that is itself dangerous raises a new alert, and a kind of
//   danger not yet answered (an overdose after suicidal thoughts) gets its own answer.
// - Where triage is unsure it asks the direct safety question once (C-SSRS-style screening:
//   asking does not raise risk); yes or "not sure" is an emergency, no lowers nothing.
// - A flow button that flags risk (`risk:` on a choice) is answered at once and queued.
// Texts live in flows/crisis.yaml, numbers in data/hotlines.yaml.
import type { CrisisAnswer, CrisisLanguage, CrisisMessageKey, CrisisText } from '../flows/crisis-schema.js';
import { CRISIS_LANGUAGES } from '../flows/crisis-schema.js';
import type { Hotline } from '../flows/schema.js';
import { decodeChoiceData, encodeChoiceData } from './choice-data.js';
import type { StepRef } from './state.js';
import { fillTemplate, localize, normalizeForMatch } from './text.js';
import { SYSTEM_FLOW, type Turn } from './turn.js';
import type { Choice, DangerKind, MessageLanguage, StaffReach, TapAction, TriageResult } from './types.js';

/** A crisis the person has not written about for this long is over; the next danger starts a new one. */
const CRISIS_EPISODE_MS = 12 * 60 * 60_000;
/** LINE shows a bubble's buttons well up to about this many; the first ones matter most. */
const MAX_TAP_TARGETS = 8;
/** Kinds where the person must act now: no question first, the number first. */
const ACT_NOW: ReadonlySet<DangerKind> = new Set(['medical', 'violence', 'child_abuse', 'dv', 'elder_abuse', 'harm_to_others']);

export const CONTINUE_DATA = encodeChoiceData({ kind: 'system', prompt: 'continue', value: 'go' });
const SAFETY_ANSWERS = ['yes', 'no', 'unsure'] as const;
type SafetyAnswer = (typeof SAFETY_ANSWERS)[number];
const safetyData = (value: SafetyAnswer) => encodeChoiceData({ kind: 'system', prompt: 'safety', value });
const at = (step: string): StepRef => ({ flow: SYSTEM_FLOW, step });

/** What a danger reading brings to the crisis answer (from triage, a safety answer or a button). */
export interface DangerReading {
  kinds: DangerKind[];
  signals: string[];
  score: number;
  language: MessageLanguage | null;
}

export function readingOf(triage: TriageResult): DangerReading {
  return { kinds: triage.kinds, signals: triage.signals, score: triage.score, language: triage.language };
}

// ----- language and texts -----

function isCrisisLanguage(value: string): value is CrisisLanguage {
  return (CRISIS_LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language to answer in: the message's own when triage could tell and it is not Japanese
 * (someone writing Vietnamese gets Vietnamese), else the conversation's (ja, en or easy).
 */
function crisisLanguage(t: Turn, read: MessageLanguage | null): CrisisLanguage {
  const conversation = isCrisisLanguage(t.state.language) ? t.state.language : 'ja';
  if (read === null) return t.state.crisis.language ?? conversation;
  if (read === 'ja') return conversation === 'easy' ? 'easy' : 'ja';
  return read;
}

function fallbacks(lang: CrisisLanguage): CrisisLanguage[] {
  if (lang === 'ja') return ['ja', 'easy', 'en'];
  if (lang === 'easy') return ['easy', 'ja', 'en'];
  if (lang === 'en') return ['en', 'ja'];
  if (lang === 'zh-Hant') return ['zh-Hant', 'zh', 'en', 'ja'];
  return [lang, 'en', 'ja'];
}

export function crisisText(text: CrisisText | undefined, lang: CrisisLanguage): string {
  if (!text) return '';
  for (const l of fallbacks(lang)) {
    const value = text[l];
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return '';
}

class CrisisWords {
  constructor(
    private readonly t: Turn,
    readonly lang: CrisisLanguage,
  ) {}

  msg(key: CrisisMessageKey, vars: Record<string, string> = {}): string {
    return fillTemplate(crisisText(this.t.catalog.crisis.messages[key], this.lang), vars);
  }

  /** Who has been alerted, said only as far as it is true. */
  alerted(): string {
    const { t } = this;
    if (t.state.phase === 'staff') return this.msg('alerted_counsellor');
    const reach: StaffReach = t.ctx.staffReach ?? (t.ctx.desk.open ? 'desk' : 'none');
    if (reach === 'desk') return this.msg('alerted_desk');
    if (reach === 'on_call') return this.msg('alerted_on_call');
    const bot = this.lang === 'en' || this.lang === 'easy' || this.lang === 'ja' ? this.lang : 'en';
    const next = t.ctx.desk.nextOpening ? localize(t.ctx.desk.nextOpening, bot) : '';
    const text = this.msg('alerted_none', { next_opening: next });
    // Without a known opening the parenthesis would be empty: drop it rather than show "()".
    return next ? text : text.replace(/[（(][^（()）]*[)）]/u, '');
  }

  button(key: CrisisMessageKey, data: string): Choice {
    return { label: this.msg(key), data };
  }
}

// ----- tap targets -----

function speaks(line: Hotline, lang: CrisisLanguage): boolean {
  if (line.languages === 'any') return true;
  const as: MessageLanguage = lang === 'easy' ? 'ja' : lang;
  return line.languages.includes(as);
}

/**
 * The lines of an answer, first one first, that the person can use in their language. For
 * someone writing in another language the lines that speak it come right after the first
 * (110 or 119, which have interpreters) — or first, when the first line speaks only Japanese.
 */
function linesFor(t: Turn, ids: readonly string[], lang: CrisisLanguage, foreign: boolean): Hotline[] {
  const byId = new Map(t.catalog.hotlines.map((h) => [h.id, h]));
  const known = ids.map((id) => byId.get(id)).filter((h): h is Hotline => h !== undefined);
  const own = known.filter((h) => speaks(h, lang));
  if (!foreign || lang === 'ja' || lang === 'easy') return own;
  const extra = t.catalog.crisis.foreignLines
    .map((id) => byId.get(id))
    .filter((h): h is Hotline => h !== undefined && speaks(h, lang) && !own.includes(h));
  const firstSpeaks = known[0] !== undefined && speaks(known[0], lang);
  return firstSpeaks ? [own[0]!, ...extra, ...own.slice(1)] : [...extra, ...own];
}

function tapTarget(words: CrisisWords, line: Hotline): TapAction {
  const name = crisisText(line.name, words.lang);
  const hours = crisisText(line.hours, words.lang);
  if (line.number) {
    // LINE and phones dial digits only (a hyphen or a space breaks some dialers).
    return { label: words.msg('call_label', { number: line.number }), uri: `tel:${line.number.replace(/[^0-9+]/g, '')}`, name, hours };
  }
  return { label: words.msg('open_label'), uri: line.url ?? '', name, hours };
}

function tapTargets(words: CrisisWords, lines: Hotline[]): TapAction[] {
  const seen = new Set<string>();
  const out: TapAction[] = [];
  for (const line of lines) {
    if (seen.has(line.id)) continue;
    seen.add(line.id);
    out.push(tapTarget(words, line));
  }
  return out.slice(0, MAX_TAP_TARGETS);
}

// ----- the crisis answer -----

/** The kind answered first: a body in danger (119) before anything else, then triage's order. */
function primaryKind(kinds: readonly DangerKind[]): DangerKind | 'general' {
  if (kinds.includes('medical')) return 'medical';
  return kinds[0] ?? 'general';
}

function answerOf(t: Turn, kind: DangerKind | 'general'): CrisisAnswer {
  return t.catalog.crisis.answers[kind];
}

/** The buttons under a crisis message: what a person in danger may want next. */
function crisisChoices(t: Turn, words: CrisisWords, opts: { numbers: boolean }): Choice[] {
  const s = t.state;
  if (s.phase === 'staff') return opts.numbers ? [words.button('numbers_again_label', encodeChoiceData({ kind: 'command', command: 'hotlines' }))] : [];
  const choices: Choice[] = [];
  if (opts.numbers) choices.push(words.button('numbers_again_label', encodeChoiceData({ kind: 'command', command: 'hotlines' })));
  choices.push(words.button('talk_now_label', encodeChoiceData({ kind: 'command', command: 'talk' })));
  const back = s.safetyReturn === 'handedOff' ? t.r.msg('continue_label') : words.msg('continue_label');
  choices.push({ label: back, data: CONTINUE_DATA });
  return choices;
}

function safetyChoices(words: CrisisWords): Choice[] {
  return [
    words.button('safety_yes_label', safetyData('yes')),
    words.button('safety_no_label', safetyData('no')),
    words.button('safety_unsure_label', safetyData('unsure')),
    words.button('talk_now_label', encodeChoiceData({ kind: 'command', command: 'talk' })),
  ];
}

/** The full answer for these kinds: the words, who was alerted, the lines as tap targets. */
function pushCrisisAnswer(t: Turn, kinds: readonly DangerKind[], lang: CrisisLanguage): void {
  const words = new CrisisWords(t, lang);
  const primary = primaryKind(kinds);
  const answer = answerOf(t, primary);
  const others = kinds.filter((k) => k !== primary).map((k) => answerOf(t, k));
  const foreign = lang !== 'ja' && lang !== 'easy';
  const lines = [answer, ...others].flatMap((a, i) => linesFor(t, a.lines, lang, foreign && i === 0 && primary !== 'medical'));
  // One more line for an overdose that is also a suicide attempt: the 119 answer stays one line,
  // the listening lines come after the ambulance.
  const actions = tapTargets(words, lines);
  const ask = !ACT_NOW.has(primary as DangerKind) && [answer, ...others].some((a) => a.ask) && t.state.phase !== 'staff';
  const parts = [crisisText(answer.text, lang), words.alerted()];
  if (foreign && lines.some((l) => l.languages === 'any')) parts.push(words.msg('interpreters_note'));
  const choices = ask ? safetyChoices(words) : crisisChoices(t, words, { numbers: false });
  if (ask) t.state.crisis.askedAt = t.nowIso() ?? t.state.crisis.askedAt;
  t.messages.push({ type: 'actions', text: parts.filter(Boolean).join('\n'), actions, choices });
  const shown = new Set([...t.state.crisis.shown, ...kinds]);
  if (kinds.length === 0) shown.add('suicide'); // the general answer lists the listening lines
  t.state.crisis.shown = [...shown].filter((k): k is DangerKind => typeof k === 'string');
}

function inCrisis(t: Turn): boolean {
  const s = t.state;
  if (s.phase === 'safety') return s.crisis.since !== null;
  if (s.phase !== 'staff') return false;
  const since = t.since(s.crisis.since);
  return since !== null && since < CRISIS_EPISODE_MS;
}

function raise(t: Turn, reading: DangerReading): void {
  t.effects.push({ type: 'raiseAlert', urgency: 'emergency', signals: [...reading.signals], score: reading.score, kinds: [...reading.kinds] });
  t.queue('emergency');
}

/**
 * An emergency (triage on a message, a "yes" to the safety question): alert, queue, and answer —
 * in full the first time in a crisis, briefly (with "the numbers again") afterwards.
 * `text` is recorded for staff when given.
 */
export function onDanger(t: Turn, text: string | null, reading: DangerReading): void {
  const s = t.state;
  if (text !== null) t.recordNote(at('safety'), text);
  const lang = crisisLanguage(t, reading.language);
  const continuing = inCrisis(t);
  raise(t, reading);
  s.pending = null;
  if (!continuing) {
    s.crisis = { ...s.crisis, since: t.nowIso(), language: lang, shown: [] };
    if (s.phase !== 'staff') {
      s.safetyReturn = s.phase === 'handedOff' ? 'handedOff' : 'intake';
      s.phase = 'safety';
    }
    return pushCrisisAnswer(t, reading.kinds, lang);
  }
  s.crisis.language = lang;
  const unanswered = reading.kinds.filter((k) => !s.crisis.shown.includes(k));
  if (unanswered.length > 0) return pushCrisisAnswer(t, unanswered, lang);
  const words = new CrisisWords(t, lang);
  t.messages.push({ type: 'choices', text: words.msg('followup_danger'), choices: crisisChoices(t, words, { numbers: true }) });
}

/** A message in the crisis that is not itself dangerous: acknowledged, no list, the numbers one tap away. */
export function crisisFollowUp(t: Turn): void {
  const words = new CrisisWords(t, t.state.crisis.language ?? crisisLanguage(t, null));
  t.messages.push({ type: 'choices', text: `${words.msg('followup')}\n${words.alerted()}`, choices: crisisChoices(t, words, { numbers: true }) });
}

/** The numbers, once: the kinds of this crisis, or the general list outside one. */
export function showNumbers(t: Turn): { standalone: boolean } {
  const s = t.state;
  const lang = s.crisis.language ?? crisisLanguage(t, null);
  const words = new CrisisWords(t, lang);
  const crisis = inCrisis(t);
  const kinds: (DangerKind | 'general')[] = crisis && s.crisis.shown.length > 0 ? [primaryKind(s.crisis.shown), ...s.crisis.shown] : ['general'];
  const foreign = lang !== 'ja' && lang !== 'easy';
  const lines = kinds.flatMap((k, i) => linesFor(t, answerOf(t, k).lines, lang, foreign && i === 0 && k !== 'medical'));
  const choices = crisis ? crisisChoices(t, words, { numbers: false }) : [];
  const parts = [words.msg('numbers_intro')];
  if (foreign && lines.some((l) => l.languages === 'any')) parts.push(words.msg('interpreters_note'));
  t.messages.push({ type: 'actions', text: parts.join('\n'), actions: tapTargets(words, lines), choices });
  return { standalone: crisis };
}

/** Leaving the crisis pause ("back to the questions"): the next danger starts a new crisis. */
export function endCrisis(t: Turn): void {
  t.state.crisis = { ...t.state.crisis, since: null, shown: [] };
}

// ----- the direct safety question -----

/**
 * Asks "is your life or someone's in danger right now?" when triage is unsure — once per
 * cooldown, never in a crisis already answered, never instead of a clear emergency. Returns
 * whether it asked (the message is then kept for staff and the question waits for an answer).
 */
export function maybeAskSafetyQuestion(t: Turn, text: string, triage: TriageResult): boolean {
  const s = t.state;
  if (!triage.check || triage.urgency === 'emergency' || s.phase === 'safety' || s.pending === 'deleteConfirm') return false;
  const since = t.since(s.crisis.askedAt);
  if (since !== null && since < t.timings.safetyQuestionCooldownHours * 3_600_000) return false;
  const lang = crisisLanguage(t, triage.language);
  const words = new CrisisWords(t, lang);
  if (text.trim()) t.recordNote(at('safety_check'), text);
  s.crisis = { ...s.crisis, askedAt: t.nowIso(), asking: [...triage.kinds], language: lang };
  s.pending = 'safetyCheck';
  t.messages.push({ type: 'choices', text: words.msg('safety_question'), choices: safetyChoices(words) });
  return true;
}

/** The answer an input gives to the safety question: a button at any time, typed words while it waits. */
export function safetyAnswerOf(t: Turn, input: { kind: string; text?: string; data?: string }): SafetyAnswer | null {
  if (input.kind === 'choice' && input.data !== undefined) {
    const d = decodeChoiceData(input.data);
    return d.kind === 'system' && d.prompt === 'safety' && (SAFETY_ANSWERS as readonly string[]).includes(d.value) ? (d.value as SafetyAnswer) : null;
  }
  if (input.kind !== 'text' || input.text === undefined || t.state.pending !== 'safetyCheck') return null;
  const typed = normalizeForMatch(input.text);
  const { messages } = t.catalog.crisis;
  const keys: Record<SafetyAnswer, CrisisMessageKey> = { yes: 'safety_yes_label', no: 'safety_no_label', unsure: 'safety_unsure_label' };
  const extra: Record<SafetyAnswer, string[]> = { yes: ['はい', 'yes', 'あぶない', '危ない'], no: ['いいえ', 'no', 'だいじょうぶ', '大丈夫'], unsure: ['わからない', '分からない', 'not sure'] };
  for (const answer of SAFETY_ANSWERS) {
    const names = [...Object.values(messages[keys[answer]] ?? {}), ...extra[answer]];
    if (names.some((n) => n !== undefined && normalizeForMatch(n) === typed)) return answer;
  }
  return null;
}

/**
 * Yes or "not sure" is an emergency (alert, crisis answer); no is thanked and lowers nothing.
 * Returns true when the conversation should go back to where it was (after a no).
 */
export function answerSafetyQuestion(t: Turn, answer: SafetyAnswer): boolean {
  const s = t.state;
  const waiting = s.pending === 'safetyCheck';
  if (waiting) s.pending = null;
  if (answer === 'no') {
    if (s.phase === 'safety' && inCrisis(t)) {
      crisisFollowUp(t);
      return false;
    }
    t.messages.push({ type: 'text', text: new CrisisWords(t, s.crisis.language ?? crisisLanguage(t, null)).msg('safety_no_ack') });
    return true;
  }
  const kinds = s.crisis.asking.length > 0 ? [...s.crisis.asking] : [...s.crisis.shown];
  s.crisis.asking = [];
  onDanger(t, null, { kinds, signals: [`safety_question_${answer}`], score: answer === 'yes' ? 90 : 75, language: null });
  return false;
}

// ----- danger from a button -----

/**
 * A flow choice marked `risk:` (violence at home, "close to my limit"): a kind reply with the
 * matching help and "talk to a person now", and the case queued at once with what was collected.
 * The intake goes on when the person taps "back to the questions".
 */
export function answerRiskChoice(t: Turn, riskId: string, signal: string): void {
  const risk = t.catalog.crisis.risks[riskId];
  const lang = crisisLanguage(t, null);
  const words = new CrisisWords(t, lang);
  if (!risk) return;
  if (risk.urgency === 'emergency') {
    return onDanger(t, null, { kinds: [], signals: [signal], score: 70, language: null });
  }
  t.state.alerts.high = true;
  t.effects.push({ type: 'raiseAlert', urgency: 'high', signals: [signal], score: 60, kinds: [] });
  t.queue('risk');
  const actions = tapTargets(words, linesFor(t, risk.lines, lang, false));
  t.messages.push({
    type: 'actions',
    text: crisisText(risk.text, lang),
    actions,
    choices: [
      words.button('talk_now_label', encodeChoiceData({ kind: 'command', command: 'talk' })),
      words.button('continue_label', CONTINUE_DATA),
    ],
  });
}

/** Whether typed words are this file's "back to the questions" button in any language. */
export function isCrisisContinueTyped(t: Turn, text: string): boolean {
  const typed = normalizeForMatch(text);
  return typed !== '' && Object.values(t.catalog.crisis.messages.continue_label ?? {}).some((l) => l !== undefined && normalizeForMatch(l) === typed);
}
