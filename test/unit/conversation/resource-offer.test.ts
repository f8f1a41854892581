// A family asking for information is shown what the desk can offer (data/resources.yaml) in the
// chat itself, and the offer is recorded as the bot's referral. Walked through the real core
// with the shipped flows and resources.
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeChoiceData, runConversationStep, type ConversationInput, type ConversationState, type OutboundMessage, type StepResult } from '../../../src/conversation/index.js';
import type { FlowCatalog } from '../../../src/flows/index.js';
import { loadResources } from '../../../src/resources/catalog.js';
import { makeContext, shippedCatalog } from './helpers.js';

let catalog: FlowCatalog;
beforeAll(async () => {
  catalog = await shippedCatalog();
});

/**
 * Walks the intake answering `wanted` where a question's key is listed, otherwise the first
 * choice, until `until` has been answered. Returns every turn's result.
 */
function walk(wanted: Record<string, string>, until: string, withResources = true): StepResult<ConversationState>[] {
  const resources = withResources ? loadResources().guide() : undefined;
  let state: ConversationState | null = null;
  let now = new Date('2026-12-01T10:00:00+09:00');
  const results: StepResult<ConversationState>[] = [];
  let input: ConversationInput = { kind: 'start' };
  for (let turn = 0; turn < 60; turn++) {
    now = new Date(now.getTime() + 60_000);
    const ctx = { ...makeContext(now), ...(resources ? { resources } : {}) };
    const result = runConversationStep(catalog, state === null ? null : JSON.parse(JSON.stringify(state)), input, ctx);
    results.push(result);
    state = result.state;
    if (result.effects.some((e) => e.type === 'recordAnswer' && e.key === until)) return results;
    const question = [...result.messages].reverse().find((m): m is Extract<OutboundMessage, { type: 'choices' }> => m.type === 'choices');
    if (!question) throw new Error(`no question at turn ${turn}: ${JSON.stringify(result.messages).slice(0, 300)}`);
    const answers = question.choices.map((c) => ({ choice: c, data: decodeChoiceData(c.data) }));
    const keyed = answers.find(({ data }) => data.kind === 'answer' && Object.values(wanted).includes(data.value) && stepKey(data.flow, data.step) in wanted && wanted[stepKey(data.flow, data.step)!] === data.value);
    const first = answers.find(({ data }) => data.kind === 'answer') ?? answers.find(({ data }) => data.kind === 'system' || data.kind === 'skip');
    const pick = keyed ?? first;
    if (!pick) throw new Error(`no answer button: ${JSON.stringify(question).slice(0, 300)}`);
    input = { kind: 'choice', data: pick.choice.data };
  }
  throw new Error(`never answered ${until}`);
}

function stepKey(flowId: string, stepId: string): string {
  const step = catalog.flows[flowId]?.steps.find((s) => s.id === stepId);
  return step && step.type === 'question' ? step.key : `${flowId}/${stepId}`;
}

describe('resources offered in the chat', () => {
  it('a family choosing 「情報がほしい」 sees family classes and groups, recorded as a referral', () => {
    const results = walk({ consulter: 'family', help_wanted: 'information' }, 'help_wanted');
    const last = results.at(-1)!;
    const offer = last.messages.find((m) => m.type === 'text' && m.text.includes('ご家族向けの教室'));
    expect(offer, JSON.stringify(last.messages)).toBeDefined();
    expect((offer as { text: string }).text).toContain('ひきこもり家族教室');
    expect((offer as { text: string }).text).not.toMatch(/family_class|kokoro-/);
    const referral = last.effects.find((e) => e.type === 'recordReferral');
    expect(referral).toEqual({ type: 'recordReferral', resourceIds: ['kokoro-family-class', 'center-family-class', 'family-group-kyoto'] });
    // The conversation goes on after the offer: the next question still comes.
    expect(last.messages.at(-1)!.type).toBe('choices');
    expect(last.messages.indexOf(offer!)).toBeLessThan(last.messages.length - 1);
  });

  it('offers nothing for another answer, or when no resources are loaded', () => {
    const listen = walk({ consulter: 'family', help_wanted: 'listen' }, 'help_wanted').at(-1)!;
    expect(listen.effects.some((e) => e.type === 'recordReferral')).toBe(false);
    const without = walk({ consulter: 'family', help_wanted: 'information' }, 'help_wanted', false).at(-1)!;
    expect(without.effects.some((e) => e.type === 'recordReferral')).toBe(false);
  });

  it('every resource is verify-marked and has no unconfirmed phone number', () => {
    for (const resource of loadResources().resources) {
      expect(resource.verify, resource.id).toBe(true);
      expect(resource.contact.phone, resource.id).toBe('');
      expect(resource.contact.page.length, resource.id).toBeGreaterThan(0);
    }
  });
});
