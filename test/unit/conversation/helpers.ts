// Test helpers for the conversation core: the shipped catalog, a context, and a small driver that
// keeps the state between turns like the pipeline does (through JSON).
import { expect } from 'vitest';
import {
  LINE_LIMITS,
  runConversationStep,
  type ConversationContext,
  type ConversationInput,
  type ConversationState,
  type DomainEffect,
  type Language,
  type OutboundMessage,
  type StepResult,
  type TriageResult,
} from '../../../src/conversation/index.js';
import { loadFlowCatalog, type FlowCatalog } from '../../../src/flows/index.js';

let cached: Promise<FlowCatalog> | null = null;
export function shippedCatalog(): Promise<FlowCatalog> {
  cached ??= loadFlowCatalog();
  return cached;
}

export const NEXT_OPENING: Record<Language, string> = {
  ja: '6月3日（火）9時',
  en: 'Tue 3 June, 9:00',
  easy: '6がつ3にち 9じ',
};

export function makeContext(
  now: Date,
  opts: { triage?: TriageResult | null; open?: boolean } = {},
): ConversationContext {
  return {
    now,
    triage: opts.triage ?? null,
    desk: { open: opts.open ?? true, nextOpening: opts.open === false ? NEXT_OPENING : null },
  };
}

export const EMERGENCY: TriageResult = { urgency: 'emergency', signals: ['suicidal_ideation'], score: 82, check: false, kinds: ['suicide'], language: 'ja' };
export const HIGH: TriageResult = { urgency: 'high', signals: ['exhaustion'], score: 42, check: false, kinds: [], language: 'ja' };

export type Result = StepResult<ConversationState>;

/** Drives one conversation; every turn stores and reloads the state as JSON like the pipeline. */
export class Conversation {
  state: ConversationState | null = null;
  now = new Date('2025-06-02T10:00:00+09:00');
  last!: Result;
  readonly history: Result[] = [];

  constructor(readonly catalog: FlowCatalog) {}

  send(input: ConversationInput, opts: { triage?: TriageResult | null; open?: boolean; advanceMinutes?: number } = {}): Result {
    this.now = new Date(this.now.getTime() + (opts.advanceMinutes ?? 1) * 60_000);
    const stored = this.state === null ? null : (JSON.parse(JSON.stringify(this.state)) as ConversationState);
    const r = runConversationStep(this.catalog, stored, input, makeContext(this.now, opts));
    this.state = r.state;
    this.last = r;
    this.history.push(r);
    return r;
  }

  start(returning?: boolean) {
    return this.send(returning === undefined ? { kind: 'start' } : { kind: 'start', returning });
  }
  text(text: string, opts?: Parameters<Conversation['send']>[1]) {
    return this.send({ kind: 'text', text }, opts);
  }
  choice(data: string, opts?: Parameters<Conversation['send']>[1]) {
    return this.send({ kind: 'choice', data }, opts);
  }
  /** Taps the button whose label is `label` (or whose data ends with `:label`) in the last reply. */
  tap(label: string, opts?: Parameters<Conversation['send']>[1]) {
    const choices = lastChoices(this.last);
    const hit = choices.find((c) => c.label === label) ?? choices.find((c) => c.data.endsWith(`:${label}`));
    if (!hit) throw new Error(`no button "${label}" in: ${choices.map((c) => `${c.label} <${c.data}>`).join(', ')}`);
    return this.choice(hit.data, opts);
  }
  get s(): ConversationState {
    if (!this.state) throw new Error('no state yet');
    return this.state;
  }
}

export function lastChoices(r: Result) {
  const m = r.messages.at(-1);
  return m?.type === 'choices' || m?.type === 'actions' ? m.choices : [];
}

export function allText(r: Result): string {
  return r.messages.map((m) => m.text).join('\n');
}

export function effectsOf<T extends DomainEffect['type']>(r: Result, type: T): Extract<DomainEffect, { type: T }>[] {
  return r.effects.filter((e): e is Extract<DomainEffect, { type: T }> => e.type === type);
}

/** LINE's limits on one reply; used on every reply in the path and property tests. */
export function expectWithinLineLimits(messages: OutboundMessage[]): void {
  expect(messages.length).toBeLessThanOrEqual(LINE_LIMITS.messagesPerReply);
  messages.forEach((m, i) => {
    expect(m.text.length).toBeGreaterThan(0);
    expect(m.text.length).toBeLessThanOrEqual(LINE_LIMITS.textLength);
    if (m.type === 'link') expect(m.label.length).toBeLessThanOrEqual(LINE_LIMITS.labelLength);
    if (m.type === 'actions') {
      expect(m.actions.length).toBeGreaterThan(0);
      for (const a of m.actions) {
        expect(a.label.length).toBeLessThanOrEqual(LINE_LIMITS.labelLength);
        expect(a.uri).toMatch(/^(tel:[0-9+]+|https:\/\/\S+)$/);
      }
      if (m.choices.length > 0) expect(i, 'buttons only on the last message').toBe(messages.length - 1);
    }
    if (m.type === 'choices') {
      expect(i, 'buttons only on the last message (LINE shows only the last quick reply)').toBe(messages.length - 1);
      expect(m.choices.length).toBeGreaterThan(0);
      expect(m.choices.length).toBeLessThanOrEqual(LINE_LIMITS.choicesPerMessage);
      for (const c of m.choices) {
        expect(c.label.length).toBeGreaterThan(0);
        expect(c.label.length).toBeLessThanOrEqual(LINE_LIMITS.labelLength);
        expect(c.data.length).toBeLessThanOrEqual(LINE_LIMITS.dataLength);
      }
    }
  });
}
