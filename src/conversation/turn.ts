// One turn of the conversation: a working copy of the state plus the messages and effects produced
// so far. Handlers mutate the copy; `result()` keeps the output within LINE's limits.
import { getStep } from '../flows/graph.js';
import type { FlowCatalog, MessageKey } from '../flows/schema.js';
import {
  MAX_FREE_TEXT_ENTRIES,
  MAX_FREE_TEXT_LENGTH,
  type ConversationState,
  type StepRef,
} from './state.js';
import { LINE_LIMITS, Renderer, clampUtf16, type TemplateVars } from './text.js';
import type {
  Choice,
  ConversationContext,
  ConversationTimings,
  DomainEffect,
  HandoffReason,
  HandoffSummary,
  OutboundMessage,
  StepResult,
} from './types.js';

export const DEFAULT_TIMINGS: ConversationTimings = { resumeAfterMinutes: 30, requeueAfterHours: 6, safetyQuestionCooldownHours: 6 };

/** Where free text that belongs to no question is recorded. */
export const SYSTEM_FLOW = 'system';
export const NOTE_KEY = 'message';
export const CORRECTION_KEY = 'correction';

export class Turn {
  readonly messages: OutboundMessage[] = [];
  readonly effects: DomainEffect[] = [];
  readonly timings: ConversationTimings;

  constructor(
    readonly catalog: FlowCatalog,
    readonly ctx: ConversationContext,
    public state: ConversationState,
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...ctx.timings };
  }

  /** Rendering follows the current language, which may change during the turn. */
  get r(): Renderer {
    return new Renderer(this.catalog, this.ctx, this.state.language);
  }

  /** ctx.now as ISO text, or null when the clock given is not a valid date. */
  nowIso(): string | null {
    const t = this.ctx.now.getTime();
    return Number.isFinite(t) ? this.ctx.now.toISOString() : null;
  }

  /** Milliseconds from an ISO time to now; null when either is unknown. */
  since(iso: string | null): number | null {
    if (!iso) return null;
    const then = Date.parse(iso);
    const now = this.ctx.now.getTime();
    return Number.isFinite(then) && Number.isFinite(now) ? now - then : null;
  }

  text(text: string): void {
    if (text.trim()) this.messages.push({ type: 'text', text });
  }

  say(key: MessageKey, vars?: TemplateVars): void {
    this.text(this.r.msg(key, vars));
  }

  choices(text: string, choices: Choice[]): void {
    if (choices.length === 0) this.text(text);
    else this.messages.push({ type: 'choices', text, choices });
  }

  // ----- effects -----

  summary(): HandoffSummary {
    const s = this.state;
    return {
      consulterType: s.consulterType,
      language: s.language,
      answers: { ...s.answers },
      freeText: Object.fromEntries(Object.entries(s.freeText).map(([k, v]) => [k, [...v]])),
      consents: { ...s.consents },
    };
  }

  queue(reason: HandoffReason): void {
    this.effects.push({ type: 'queueForStaff', reason, summary: this.summary() });
    this.state.lastQueuedAt = this.nowIso() ?? this.state.lastQueuedAt;
  }

  /** Records an answer to a question (value null = skipped or written freely). */
  recordAnswer(at: StepRef, key: string, value: string | null, freeText: string | null): void {
    this.effects.push({ type: 'recordAnswer', flowId: at.flow, stepId: at.step, key, value, freeText });
    const s = this.state;
    s.answers[key] = value;
    s.answeredAt[key] = { ...at };
    if (freeText !== null) this.keepFreeText(key, freeText);
  }

  /** Records free text that is not an answer (a note while paused, after the intake, a correction). */
  recordNote(at: StepRef, text: string, key: string = NOTE_KEY): void {
    this.effects.push({
      type: 'recordAnswer',
      flowId: at.flow,
      stepId: at.step,
      key,
      value: null,
      freeText: text,
    });
    this.keepFreeText(key, text);
  }

  private keepFreeText(key: string, text: string): void {
    const list = [...(this.state.freeText[key] ?? []), clampUtf16(text, MAX_FREE_TEXT_LENGTH)];
    this.state.freeText[key] = list.slice(-MAX_FREE_TEXT_ENTRIES);
  }

  /** Whether anything worth handing to staff was collected. */
  hasContent(): boolean {
    return Object.keys(this.state.answers).length > 0 || Object.keys(this.state.freeText).length > 0;
  }

  stepAt(ref: StepRef | null) {
    return ref ? getStep(this.catalog, ref) : undefined;
  }

  result(): StepResult<ConversationState> {
    return { messages: fitToLine(this.messages), state: this.state, effects: this.effects };
  }
}

/**
 * Keeps a reply within LINE's limits: 1–5 messages, texts ≤ 5,000 and labels ≤ 20 UTF-16 units,
 * data ≤ 300, ≤ 13 choices, and buttons only on the last message (LINE shows only the last quick
 * reply). The flow linter keeps authored content within these; this guards user-derived text.
 */
export function fitToLine(input: readonly OutboundMessage[]): OutboundMessage[] {
  const { textLength, labelLength, dataLength, choicesPerMessage, messagesPerReply } = LINE_LIMITS;
  let out: OutboundMessage[] = input.map((m, i) => {
    const text = clampUtf16(m.text, textLength) || '…';
    if (m.type === 'text') return { type: 'text', text };
    if (m.type === 'link') return { ...m, text, label: clampUtf16(m.label, labelLength) };
    if (m.type === 'actions') {
      // The tap targets always stay (they are the help); buttons only on the last message, as above.
      const actions = m.actions.map((a) => ({ ...a, label: clampUtf16(a.label, labelLength) || '…' }));
      const choices = i === input.length - 1 ? m.choices.filter((c) => c.data.length <= dataLength).slice(0, choicesPerMessage) : [];
      return { type: 'actions', text, actions, choices: choices.map((c) => ({ label: clampUtf16(c.label, labelLength) || '…', data: c.data })) };
    }
    const choices = m.choices
      .filter((c) => c.data.length <= dataLength)
      .slice(0, choicesPerMessage)
      .map((c) => ({ label: clampUtf16(c.label, labelLength) || '…', data: c.data }));
    if (i !== input.length - 1 || choices.length === 0) return { type: 'text', text };
    return { type: 'choices', text, choices };
  });
  // Too many bubbles: join neighbouring texts (and a text into the question after it).
  while (out.length > messagesPerReply) {
    const i = out.findIndex((m, j) => {
      const next = out[j + 1];
      return (
        m.type === 'text' &&
        next !== undefined &&
        next.type !== 'link' &&
        next.type !== 'actions' &&
        m.text.length + next.text.length + 2 <= textLength
      );
    });
    if (i < 0) {
      out = [...out.slice(0, messagesPerReply - 1), out[out.length - 1]!];
      break;
    }
    const a = out[i]!;
    const b = out[i + 1]!;
    out.splice(i, 2, { ...b, text: `${a.text}\n\n${b.text}` } as OutboundMessage);
  }
  return out;
}
