// The conversation core: (catalog, state, input, context) → messages, next state, effects.
// Pure: no I/O and no clock (time is ctx.now). Order of precedence for a user's input:
//   1. danger (triage on text) pre-empts everything,
//   2. anywhere commands (talk to a person, start over, pause, delete, help, language …),
//   3. a pending confirmation (delete),
//   4. the phase: new → welcome; safety; handed off; staff (quiet); intake (questions).
import type { CommandName, FlowCatalog } from '../flows/schema.js';
import { decodeChoiceData, encodeChoiceData } from './choice-data.js';
import { matchCommand, matchesLabel } from './commands.js';
import {
  answerSafetyQuestion,
  crisisFollowUp,
  endCrisis,
  isCrisisContinueTyped,
  maybeAskSafetyQuestion,
  onDanger,
  readingOf,
  safetyAnswerOf,
  showNumbers,
} from './crisis.js';
import {
  answerCurrentQuestion,
  chooseFix,
  isCurrentAnswer,
  renderCurrentQuestion,
  showFixMenu,
  skipCurrentQuestion,
  startIntake,
  writeCorrection,
} from './intake.js';
import { initialState, parseConversationState, type ConversationState, type StepRef } from './state.js';
import { localize } from './text.js';
import { welcomeReturning } from './returning.js';
import { SYSTEM_FLOW, Turn } from './turn.js';
import type { Choice, ConversationContext, ConversationInput, Language, MessageLanguage, StepResult, TriageResult } from './types.js';

type UserInput = Extract<ConversationInput, { kind: 'start' | 'text' | 'choice' | 'media' }>;

const LANGUAGE_OF: Partial<Record<CommandName, Language>> = {
  lang_ja: 'ja',
  lang_en: 'en',
  lang_easy: 'easy',
  lang_zh: 'zh',
  lang_ko: 'ko',
  lang_vi: 'vi',
  lang_pt: 'pt',
};
const LANGUAGE_COMMANDS = ['lang_ja', 'lang_easy', 'lang_en', 'lang_zh', 'lang_ko', 'lang_vi', 'lang_pt'] as const;
/**
 * The bot's language for a message's language (src/triage/language.ts). Traditional Chinese
 * readers get simplified Chinese (closer than Japanese); Spanish, Tagalog, Nepali and Indonesian
 * writers get English until the desk has their languages.
 */
const REPLY_LANGUAGE: Record<MessageLanguage, Language> = {
  ja: 'ja',
  en: 'en',
  zh: 'zh',
  'zh-Hant': 'zh',
  ko: 'ko',
  vi: 'vi',
  pt: 'pt',
  es: 'en',
  tl: 'en',
  ne: 'en',
  id: 'en',
};
/** Where notes outside any question are recorded (flowId `system`). */
const at = (step: string): StepRef => ({ flow: SYSTEM_FLOW, step });
/** The opt-in follow-up message; withdrawing it is recorded like any consent. */
export const CHECK_IN_CONSENT = { kind: 'check_in', withdrawnVersion: 'checkin-v1' } as const;
const CONTINUE_DATA = encodeChoiceData({ kind: 'system', prompt: 'continue', value: 'go' });

/**
 * Runs one step of a conversation. `state` is what the previous step returned (null for a new
 * conversation); a stored state this release cannot read starts a fresh conversation.
 */
export function runConversationStep(
  catalog: FlowCatalog,
  state: ConversationState | null,
  input: ConversationInput,
  ctx: ConversationContext,
): StepResult<ConversationState> {
  const current = state === null ? null : parseConversationState(state);
  const t = new Turn(catalog, ctx, current ? structuredClone(current) : initialState());
  const s = t.state;
  switch (input.kind) {
    case 'stop':
      s.contactStopped = true;
      s.pending = null;
      t.effects.push({ type: 'contactStopped' });
      break;
    case 'staffJoined':
      Object.assign(s, { phase: 'staff', pending: null, returnTo: null } satisfies Partial<ConversationState>);
      s.alerts.staffEmergency = false;
      break;
    case 'staffLeft':
      if (s.phase === 'staff') Object.assign(s, { phase: 'handedOff', pending: null } satisfies Partial<ConversationState>);
      s.alerts.staffEmergency = false;
      break;
    case 'checkIn':
      // Only while the person's consent stands; they can withdraw it at any time (no_checkin).
      if (s.consents[CHECK_IN_CONSENT.kind] === true && !s.contactStopped) {
        t.choices(t.r.msg('checkin_prompt'), [
          { label: localize(t.catalog.commands.commands.talk.button, s.language), data: encodeChoiceData({ kind: 'command', command: 'talk' }) },
          { label: t.r.msg('checkin_stop_label'), data: encodeChoiceData({ kind: 'command', command: 'no_checkin' }) },
        ]);
      }
      break;
    case 'inactivity':
      // Hand what was collected to staff once per idle period; the user is not there to read a message.
      if (s.phase === 'intake' && !s.inactiveQueued && t.hasContent()) {
        s.inactiveQueued = true;
        t.queue('inactive');
      }
      break;
    default: {
      const opening = !s.caseOpened;
      s.caseOpened = true;
      // A person back after their case was closed is welcomed back, not asked the intake again.
      const welcomed = current === null && ctx.returning !== undefined && welcomeReturning(t, input, ctx.returning);
      if (!welcomed) onUserInput(t, input);
      // Open the case with what this first turn learnt (e.g. the language chosen); the patches are in it.
      if (opening && t.state.caseOpened) {
        const { consulterType, language } = t.state;
        const rest = t.effects.filter((e) => e.type !== 'updateCase');
        t.effects.splice(0, t.effects.length, { type: 'openCase', consulterType, language }, ...rest);
      }
    }
  }
  return t.result();
}

function onUserInput(t: Turn, input: UserInput): void {
  const s = t.state;
  const gap = t.since(s.lastActivityAt);
  const returning = gap !== null && gap >= t.timings.resumeAfterMinutes * 60_000;
  s.lastActivityAt = t.nowIso() ?? s.lastActivityAt;
  s.contactStopped = false;
  s.inactiveQueued = false;

  // A page opened in a browser set to one of the bot's languages is greeted in it.
  if (input.kind === 'start' && input.language && s.phase === 'new' && !s.languageChosen && input.language !== s.language) {
    s.language = input.language;
    t.effects.push({ type: 'updateCase', patch: { language: input.language } });
  }
  // A person who simply writes in one of the bot's languages is answered in it at once — unless
  // they chose a language themselves. Japanese text never switches away from やさしい日本語.
  // A few characters ("40代", "OK") say too little about a language to switch on them.
  const written = input.kind === 'text' && (input.text.match(/\p{L}/gu) ?? []).length >= 4 ? t.ctx.triage?.language : null;
  if (written && !s.languageChosen) {
    const language = REPLY_LANGUAGE[written];
    if (language !== s.language && !(written === 'ja' && s.language === 'easy')) {
      s.language = language;
      t.effects.push({ type: 'updateCase', patch: { language } });
    }
  }

  if (input.kind === 'text' && t.ctx.triage) {
    const triage = t.ctx.triage;
    if (triage.urgency === 'emergency') {
      const before = t.messages.length;
      onDanger(t, input.text, readingOf(triage));
      // Asking for the numbers is answered with the numbers, however else the message reads.
      if (matchCommand(t.catalog, input.text) === 'hotlines' && !t.messages.slice(before).some((m) => m.type === 'actions')) {
        t.messages.splice(before);
        showNumbers(t);
      }
      return;
    }
    if (triage.urgency === 'high') onHighConcern(t, triage);
    if (maybeAskSafetyQuestion(t, input.text, triage)) return;
  }

  // The safety question's buttons mean the same wherever they are tapped; typed answers count while it waits.
  const safety = safetyAnswerOf(t, input);
  if (safety) {
    if (answerSafetyQuestion(t, safety)) showWhereWeAre(t);
    return;
  }
  if (s.pending === 'safetyCheck') s.pending = null; // anything else is read as usual

  // The confirmation's own words ("消す", "delete") are also command words: the answer comes first.
  if (s.pending === 'deleteConfirm' && deleteAnswer(t, input) !== null) return answerDeleteConfirm(t, input);

  const command =
    input.kind === 'text'
      ? matchCommand(t.catalog, input.text)
      : input.kind === 'choice'
        ? commandOf(input.data)
        : null;
  if (command && runCommand(t, command)) return;

  if (s.pending === 'deleteConfirm') {
    // Anything else than an answer keeps the data and is read as usual.
    s.pending = null;
    t.say('delete_cancelled');
  }
  switch (s.phase) {
    case 'staff':
      // A counsellor holds the conversation: the bot steps back (no desk-hours notes); only
      // safety answers and data deletion still come from it.
      return;
    case 'new':
      if (input.kind === 'text' && input.text.trim()) {
        // Written before any question: this is the consultation, and it reaches staff now.
        t.recordNote(at('start'), input.text);
        // Queued once: a worrying first message is already queued as a concern.
        if (s.lastQueuedAt === null) t.queue('first_message');
        t.say('first_message_ack');
      }
      return startIntake(t);
    case 'safety':
      return onSafety(t, input);
    case 'handedOff':
      return onHandedOff(t, input);
    case 'intake':
      return onIntake(t, input, returning);
  }
}

function commandOf(data: string): CommandName | null {
  const d = decodeChoiceData(data);
  return d.kind === 'command' ? d.command : null;
}

// ----- danger (the crisis answers themselves are in crisis.ts) -----

function onHighConcern(t: Turn, triage: TriageResult): void {
  const s = t.state;
  if (!s.alerts.high) {
    s.alerts.high = true;
    t.effects.push({ type: 'raiseAlert', urgency: 'high', signals: [...triage.signals], score: triage.score, kinds: [...triage.kinds] });
  }
  if (s.phase !== 'staff') t.say('high_ack');
  // A worrying message reaches a counsellor at once, whatever question was pending (and even
  // when the bot goes on to ask the safety question): never only after the intake.
  if (s.lastQueuedAt === null && s.phase !== 'staff') t.queue('concern');
}

function onSafety(t: Turn, input: UserInput): void {
  const s = t.state;
  const leaving =
    (input.kind === 'choice' && input.data === CONTINUE_DATA) ||
    (input.kind === 'text' &&
      (matchesLabel(t.catalog, input.text, [t.catalog.messages.continue_questions_label, t.catalog.messages.continue_label]) ||
        isCrisisContinueTyped(t, input.text)));
  if (!leaving) {
    if (input.kind === 'text' && input.text.trim()) t.recordNote(at('safety'), input.text);
    return crisisFollowUp(t);
  }
  s.phase = s.safetyReturn ?? 'intake';
  s.safetyReturn = null;
  endCrisis(t);
  showWhereWeAre(t);
}

// ----- commands -----

/** Returns false when the command does not apply here and the input should be read as usual. */
function runCommand(t: Turn, command: CommandName): boolean {
  const s = t.state;
  // With a counsellor in the chat, words are for them; only these still act.
  if (s.phase === 'staff' && command !== 'delete' && command !== 'talk' && command !== 'no_checkin' && command !== 'hotlines') return false;
  switch (command) {
    case 'talk':
      t.queue('requested');
      if (s.phase === 'staff') return true;
      s.pending = null;
      if (s.phase === 'new' || s.phase === 'intake') s.phase = 'handedOff';
      if (s.phase === 'safety') {
        t.say('talk_requested');
        crisisFollowUp(t);
      } else {
        withContinue(t, t.r.msg('talk_requested'));
      }
      return true;
    case 'send_now':
      // "Send as it is": what was said so far goes to a counsellor now; no more questions unless asked for.
      if (s.phase === 'staff') return false;
      if (s.phase === 'handedOff') {
        withContinue(t, t.r.msg('after_intake_hint'));
        return true;
      }
      t.queue('sent_now');
      s.pending = null;
      if (s.phase === 'safety') {
        t.say('sent_now_ack');
        crisisFollowUp(t);
        return true;
      }
      s.phase = 'handedOff';
      withContinue(t, t.r.msg('sent_now_ack'));
      return true;
    case 'restart':
      Object.assign(s, {
        consulterType: null,
        answers: {},
        freeText: {},
        consents: {},
        answeredAt: {},
      } satisfies Partial<ConversationState>);
      t.say('restart_ack');
      startIntake(t);
      return true;
    case 'pause':
      if (s.phase === 'intake') s.pending = 'resume';
      t.say('pause_ack');
      return true;
    case 'delete':
      s.pending = 'deleteConfirm';
      askDeleteConfirm(t);
      return true;
    case 'no_checkin':
      if (s.consents[CHECK_IN_CONSENT.kind] !== false) {
        s.consents[CHECK_IN_CONSENT.kind] = false;
        t.effects.push({ type: 'recordConsent', kind: CHECK_IN_CONSENT.kind, granted: false, wordingVersion: CHECK_IN_CONSENT.withdrawnVersion });
      }
      t.say('checkin_stopped');
      return true;
    case 'help':
      t.say('help');
      showWhereWeAre(t);
      return true;
    case 'language':
      t.choices(
        t.r.msg('language_prompt'),
        LANGUAGE_COMMANDS.map((c) => ({
          label: localize(t.catalog.commands.commands[c].button, LANGUAGE_OF[c] ?? s.language),
          data: encodeChoiceData({ kind: 'command', command: c }),
        })),
      );
      return true;
    case 'lang_ja':
    case 'lang_en':
    case 'lang_easy':
    case 'lang_zh':
    case 'lang_ko':
    case 'lang_vi':
    case 'lang_pt': {
      const language = LANGUAGE_OF[command] ?? s.language;
      s.languageChosen = true;
      if (language !== s.language) t.effects.push({ type: 'updateCase', patch: { language } });
      s.language = language;
      if (s.phase !== 'new') t.say('language_switched');
      showWhereWeAre(t);
      return true;
    }
    case 'hotlines':
      // One list: in a crisis the numbers message carries the crisis buttons itself.
      if (!showNumbers(t).standalone) showWhereWeAre(t);
      return true;
    case 'start':
      // After the hand-off a typed "start" is read as a message for staff.
      if (s.phase === 'handedOff') return false;
      showWhereWeAre(t);
      return true;
    case 'skip':
      if (s.phase !== 'intake' || s.pending !== null) return false;
      skipCurrentQuestion(t);
      return true;
  }
}

/** Re-presents where the user is, so every reply ends with what happens next. */
function showWhereWeAre(t: Turn): void {
  const s = t.state;
  if (s.pending === 'deleteConfirm') return askDeleteConfirm(t);
  switch (s.phase) {
    case 'new':
      return startIntake(t);
    case 'safety':
      return crisisFollowUp(t);
    case 'handedOff':
      return withContinue(t, t.r.msg('after_intake_hint'));
    case 'staff':
      return;
    case 'intake':
      if (s.pending === 'resume') return askResume(t);
      if (s.pending === 'fixMenu') return showFixMenu(t);
      if (s.pending === 'fixWrite') return t.say('fix_write_prompt');
      if (!s.cursor) return startIntake(t);
      return renderCurrentQuestion(t);
  }
}

/** A text, with a "continue the questions" button when the intake was left unfinished. */
function withContinue(t: Turn, text: string): void {
  const s = t.state;
  const unfinished = s.phase === 'handedOff' && !s.intakeCompleted;
  t.choices(text, unfinished ? [{ label: t.r.msg('continue_questions_label'), data: CONTINUE_DATA }] : []);
}

// ----- deleting data -----

const DELETE_YES = encodeChoiceData({ kind: 'system', prompt: 'delete', value: 'yes' });
const DELETE_NO = encodeChoiceData({ kind: 'system', prompt: 'delete', value: 'no' });

function askDeleteConfirm(t: Turn): void {
  t.choices(t.r.msg('delete_confirm'), [
    { label: t.r.msg('delete_yes_label'), data: DELETE_YES },
    { label: t.r.msg('delete_no_label'), data: DELETE_NO },
  ]);
}

/** yes / no when the input answers the delete confirmation, else null. */
function deleteAnswer(t: Turn, input: UserInput): 'yes' | 'no' | null {
  const m = t.catalog.messages;
  if (input.kind === 'choice') return input.data === DELETE_YES ? 'yes' : input.data === DELETE_NO ? 'no' : null;
  if (input.kind !== 'text') return null;
  if (matchesLabel(t.catalog, input.text, [m.delete_yes_label])) return 'yes';
  if (matchesLabel(t.catalog, input.text, [m.delete_no_label])) return 'no';
  return null;
}

/** Only the explicit "delete" button or word deletes. */
function answerDeleteConfirm(t: Turn, input: UserInput): void {
  if (deleteAnswer(t, input) === 'yes') {
    const language = t.state.language;
    t.effects.push({ type: 'deleteUserData' });
    t.state = initialState(language);
    t.state.lastActivityAt = t.nowIso();
    return t.say('delete_done');
  }
  t.state.pending = null;
  t.say('delete_cancelled');
  showWhereWeAre(t);
}

// ----- after the hand-off -----

function onHandedOff(t: Turn, input: UserInput): void {
  const s = t.state;
  if (input.kind === 'choice') {
    if (input.data === CONTINUE_DATA && !s.intakeCompleted) {
      s.phase = 'intake';
      return showWhereWeAre(t);
    }
    return showWhereWeAre(t);
  }
  if (input.kind === 'start') return welcomeBack(t);
  if (input.kind === 'text') {
    if (!input.text.trim()) return showWhereWeAre(t);
    t.recordNote(at('after_intake'), input.text);
  }
  // Staff see every message in the case; queue again only once the last queueing is old news.
  const since = t.since(s.lastQueuedAt);
  if (since === null || since >= t.timings.requeueAfterHours * 3_600_000) {
    t.queue('message_after_intake');
    withContinue(t, t.r.msg('after_intake_ack'));
  } else {
    withContinue(t, t.r.msg('after_intake_ack_short'));
  }
}

function welcomeBack(t: Turn): void {
  withContinue(t, t.r.msg('welcome_back_after_intake'));
}

// ----- during the intake -----

function onIntake(t: Turn, input: UserInput, returning: boolean): void {
  const s = t.state;
  if (input.kind === 'media') {
    t.say(input.media === 'sticker' ? 'media_sticker' : input.media === 'location' ? 'media_location' : 'media_file');
    return showWhereWeAre(t);
  }
  if (input.kind === 'start') {
    s.pending = 'resume';
    return askResume(t);
  }
  if (s.pending === 'resume') {
    const resumeLabel = t.catalog.messages.resume_continue_label;
    if (
      (input.kind === 'choice' && input.data === CONTINUE_DATA) ||
      (input.kind === 'text' && matchesLabel(t.catalog, input.text, [resumeLabel]))
    ) {
      s.pending = null;
      return renderCurrentQuestion(t);
    }
    if (input.kind === 'choice' && !isCurrentAnswer(t, input.data)) return askResume(t);
    s.pending = null; // a typed answer or the current question's button: just go on
  } else if (returning && !(input.kind === 'choice' && isCurrentAnswer(t, input.data))) {
    // Back after a long silence: offer to continue or start over, keeping what they wrote.
    if (input.kind === 'text' && input.text.trim()) t.recordNote(at('resume'), input.text);
    s.pending = 'resume';
    return askResume(t);
  }

  if (s.pending === 'fixMenu' || s.pending === 'fixWrite') {
    if (input.kind === 'text') {
      if (!input.text.trim()) return showWhereWeAre(t);
      return writeCorrection(t, input.text);
    }
    const d = decodeChoiceData(input.data);
    if (s.pending === 'fixMenu' && d.kind === 'system' && d.prompt === 'fix' && chooseFix(t, d.value)) return;
    if (!isCurrentAnswer(t, input.data)) return stale(t);
    s.pending = null;
  }

  // "Back to the questions" under a risk answer (crisis.ts): the question that waits.
  if (input.kind === 'choice' && input.data === CONTINUE_DATA && s.pending === null) return renderCurrentQuestion(t);

  if (!answerCurrentQuestion(t, input)) stale(t);
}

function askResume(t: Turn): void {
  t.choices(t.r.msg('resume_prompt'), [
    { label: t.r.msg('resume_continue_label'), data: CONTINUE_DATA },
    {
      label: localize(t.catalog.commands.commands.restart.button, t.state.language),
      data: encodeChoiceData({ kind: 'command', command: 'restart' }),
    },
  ]);
}

/** A button from an earlier message (or one we do not know): say so kindly and ask again. */
function stale(t: Turn): void {
  t.say('stale_button');
  showWhereWeAre(t);
}
