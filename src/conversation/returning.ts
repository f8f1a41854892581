// A person who writes again after their consultation was closed. The pipeline recognises them
// (src/cases/returning.ts decides: reopen the case, or a new case linked to it) and tells the
// core through ctx.returning. The core starts from a fresh state but not from zero: it keeps who
// was writing and in which language, welcomes them back, queues the case for a counsellor at
// once, and offers — gently, nothing required — to be listened to or to start from the beginning.
// Danger and commands are read exactly as for anyone (the caller runs them when this declines).
import { encodeChoiceData } from './choice-data.js';
import { matchCommand } from './commands.js';
import { SYSTEM_FLOW, type Turn } from './turn.js';
import type { ConversationInput, ReturningPerson, ReturningTextKey, ReturningTexts } from './types.js';

type UserInput = Extract<ConversationInput, { kind: 'start' | 'text' | 'choice' | 'media' }>;

/** Prepares the fresh state of a returning person: the intake is not asked again. */
function prepareState(t: Turn, person: ReturningPerson): void {
  const s = t.state;
  s.language = person.language;
  s.consulterType = person.consulterType;
  s.phase = 'handedOff';
  s.intakeCompleted = true;
  s.lastActivityAt = t.nowIso();
}

/**
 * Handles the first input of a returning person. Returns false when the input is danger or a
 * command: the state is prepared and the caller reads the input as usual (the safety answer
 * comes first, "delete my data" still works, "start over" starts the intake).
 */
export function welcomeReturning(t: Turn, input: UserInput, person: ReturningPerson): boolean {
  prepareState(t, person);
  if (input.kind === 'text') {
    if (t.ctx.triage && t.ctx.triage.urgency !== 'normal') return false;
    if (matchCommand(t.catalog, input.text)) return false;
  }
  if (input.kind === 'choice') return false;

  const wrote = input.kind === 'text' && input.text.trim() !== '';
  if (wrote) t.recordNote({ flow: SYSTEM_FLOW, step: 'returning' }, input.text);
  t.queue('returning');
  const text = fill(t, wrote ? 'welcome_with_message' : 'welcome', person.texts);
  t.choices(text, [
    { label: pick(t, 'listen_label', person.texts) ?? t.r.msg('continue_label'), data: encodeChoiceData({ kind: 'command', command: 'talk' }) },
    { label: pick(t, 'restart_label', person.texts) ?? t.r.msg('continue_questions_label'), data: encodeChoiceData({ kind: 'command', command: 'restart' }) },
  ]);
  return true;
}

function pick(t: Turn, key: ReturningTextKey, texts: ReturningTexts | undefined): string | null {
  const byLanguage = texts?.[key];
  return byLanguage?.[t.state.language] ?? byLanguage?.ja ?? null;
}

/** The welcome in the person's language; without the texts file, the catalogue's own welcome back. */
function fill(t: Turn, key: ReturningTextKey, texts: ReturningTexts | undefined): string {
  const text = pick(t, key, texts);
  if (!text) return t.r.msg('welcome_back_after_intake');
  return t.r.fill(text);
}
