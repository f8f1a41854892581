import { beforeAll, describe, expect, it } from 'vitest';
import type { DangerKind, MessageLanguage, OutboundMessage, TriageResult } from '../../../src/conversation/index.js';
import { runConversationStep } from '../../../src/conversation/index.js';
import type { FlowCatalog } from '../../../src/flows/index.js';
import { renderLineMessages } from '../../../src/channels/line/adapter.js';
import { Conversation, allText, effectsOf, expectWithinLineLimits, lastChoices, makeContext, shippedCatalog, type Result } from './helpers.js';

let catalog: FlowCatalog;
beforeAll(async () => {
  catalog = await shippedCatalog();
});

const danger = (kinds: DangerKind[], language: MessageLanguage | null = 'ja', score = 85): TriageResult => ({
  urgency: 'emergency',
  signals: kinds.map((k) => `${k}_now`),
  score,
  check: false,
  kinds,
  language,
});
const unsure: TriageResult = { urgency: 'normal', signals: [], score: 30, check: true, kinds: ['suicide'], language: 'ja' };

function answerOf(r: Result): Extract<OutboundMessage, { type: 'actions' }> {
  const m = r.messages.find((x) => x.type === 'actions');
  if (!m || m.type !== 'actions') throw new Error(`no crisis answer in ${JSON.stringify(r.messages)}`);
  return m;
}
const uris = (r: Result) => answerOf(r).actions.map((a) => a.uri);
const hasList = (r: Result) => r.messages.some((m) => m.type === 'actions');

describe('the first crisis answer, by kind', () => {
  it('an overdose or someone not breathing: "call 119 now" first, one line, 119 the first tap target', () => {
    const c = new Conversation(catalog);
    const r = c.text('薬をたくさん飲んだ', { triage: danger(['medical', 'suicide']) });
    expectWithinLineLimits(r.messages);
    const answer = answerOf(r);
    expect(answer.text.split('\n')[0]).toBe('いますぐ119に電話してください（救急車）。');
    expect(uris(r)[0]).toBe('tel:119');
    expect(answer.actions[0]!.label).toBe('119 に電話');
    // The listening lines follow the ambulance for an overdose that is also about suicide; no question first.
    expect(uris(r)).toContain('tel:0758644343');
    expect(lastChoices(r).map((x) => x.data)).not.toContain('sys:safety:yes');
  });

  it('violence happening now: 110 first', () => {
    const r = new Conversation(catalog).text('夫に殴られている', { triage: danger(['dv']) });
    expect(uris(r).slice(0, 2)).toEqual(['tel:110', 'tel:0120279889']);
    expect(answerOf(r).text).toContain('すぐに110へ');
    expect(uris(r)).toContain('https://soudanplus.jp/');
  });

  it('a child in danger: 110 first, then 189', () => {
    const r = new Conversation(catalog).text('子どもが叩かれている', { triage: danger(['child_abuse']) });
    expect(uris(r).slice(0, 2)).toEqual(['tel:110', 'tel:189']);
    expect(answerOf(r).text).toContain('189');
  });

  it('suicidal thoughts: acknowledge, ask directly, the suicide-prevention lines and the 24-hour chats', () => {
    const r = new Conversation(catalog).text('もう消えたい', { triage: danger(['suicide']) });
    expect(uris(r)).toEqual(expect.arrayContaining(['tel:0758644343', 'tel:0120279338', 'tel:0120061338', 'https://talkme.jp/']));
    expect(answerOf(r).text).toContain('ありがとう');
    expect(answerOf(r).text).toContain('命を終わらせようとしていますか');
    expect(lastChoices(r).slice(0, 3).map((x) => x.data)).toEqual(['sys:safety:yes', 'sys:safety:no', 'sys:safety:unsure']);
  });

  it('says honestly who was alerted: staff on duty, the on-call counsellor, or nobody until the desk opens', () => {
    const at = (staffReach: 'desk' | 'on_call' | 'none', open: boolean) =>
      answerOf(runConversationStep(catalog, null, { kind: 'text', text: '死にたい' }, { ...makeContext(new Date('2026-12-02T03:40:00+09:00'), { triage: danger(['suicide']), open }), staffReach })).text;
    expect(at('desk', true)).toContain('いま相談員にも届いています');
    expect(at('on_call', false)).toContain('当番の相談員に、いま連絡しています');
    const none = at('none', false);
    expect(none).toContain('相談員がすぐには読めません');
    expect(none).toContain('6月3日（火）9時');
    expect(none).not.toContain('当番');
  });

  it('in the language the person writes: Vietnamese text, lines that speak Vietnamese first, interpreters at 110/119', () => {
    const r = new Conversation(catalog).text('Tôi muốn chết', { triage: danger(['suicide'], 'vi') });
    const answer = answerOf(r);
    expect(answer.text).toContain('kết thúc cuộc sống');
    expect(answer.text).toContain('thông dịch');
    expect(answer.actions[0]!.name).toContain('Yorisoi Hotline');
    expect(answer.actions[0]!.label).toBe('Gọi 0120-279-338');
    expect(uris(r)).not.toContain('tel:0758644343'); // Japanese only
    expect(lastChoices(r)[0]!.label).toBe('Có');
  });

  it('languages without their own text fall back to English, never to nothing', () => {
    const r = new Conversation(catalog).text('…', { triage: danger(['elder_abuse'], 'ne') });
    expect(answerOf(r).text).toContain('call 110 now');
    expect(uris(r)[0]).toBe('tel:110');
  });

  it('renders for LINE as a flex bubble whose buttons dial (URI action tel:), with quick replies for the next step', () => {
    const r = new Conversation(catalog).text('薬をたくさん飲んだ', { triage: danger(['medical']) });
    const [call] = renderLineMessages(r.messages, 'https://yorisoi.example.jp');
    const flex = call!.messages[0] as any;
    expect(flex.type).toBe('flex');
    expect(flex.altText).toContain('119');
    const buttons = JSON.stringify(flex.contents);
    expect(flex.contents.body.contents[1].contents.at(-1).action).toEqual({ type: 'uri', label: '119 に電話', uri: 'tel:119' });
    expect(buttons).not.toContain('postback');
    expect(flex.quickReply.items.map((i: any) => i.action.type)).toEqual(['postback', 'postback']);
  });
});

describe('later messages in the same crisis', () => {
  it('do not repeat the list: an acknowledgement and "the numbers again" as a button', () => {
    const c = new Conversation(catalog);
    c.text('死にたい', { triage: danger(['suicide']) });
    for (const text of ['まだ起きてる', 'ねむれない', 'うん']) {
      const r = c.text(text);
      expect(hasList(r)).toBe(false);
      expect(allText(r)).toContain('ここにいます');
      expect(lastChoices(r)[0]).toMatchObject({ data: 'cmd:hotlines', label: '電話番号をもう一度' });
    }
  });

  it('a follow-up that is itself dangerous raises a new alert; a new kind gets its own answer (119 first)', () => {
    const c = new Conversation(catalog);
    c.text('死にたい', { triage: danger(['suicide']) });
    const same = c.text('もう無理', { triage: danger(['suicide']) });
    expect(effectsOf(same, 'raiseAlert')).toHaveLength(1);
    expect(hasList(same)).toBe(false);
    const worse = c.text('まだ起きてる。気持ち悪い', { triage: danger(['medical'], 'ja', 95) });
    expect(effectsOf(worse, 'raiseAlert')).toEqual([expect.objectContaining({ urgency: 'emergency', score: 95, kinds: ['medical'] })]);
    expect(uris(worse)[0]).toBe('tel:119');
    expect(uris(worse)).toHaveLength(1);
  });

  it('「緊急の電話番号」 gives one list, not two', () => {
    const c = new Conversation(catalog);
    c.text('死にたい', { triage: danger(['suicide']) });
    const r = c.text('緊急の電話番号');
    expect(r.messages.filter((m) => m.type === 'actions')).toHaveLength(1);
    expect(r.messages).toHaveLength(1);
    expect(uris(r)[0]).toBe('tel:0758644343');
    const tapped = c.choice('cmd:hotlines');
    expect(tapped.messages).toHaveLength(1);
    // Outside a crisis: the general list once, then where the person was.
    const calm = new Conversation(catalog);
    calm.start();
    const list = calm.text('緊急の電話番号');
    expect(list.messages.filter((m) => m.type === 'actions')).toHaveLength(1);
    expect(uris(list)[0]).toBe('tel:119');
  });
});

describe('the direct safety question', () => {
  it('asks once when triage is unsure, gently and directly, with yes / no / not sure', () => {
    const c = new Conversation(catalog);
    c.start();
    const r = c.text('もうどうでもいい', { triage: unsure });
    expect(allText(r)).toContain('いま、あなたや、だれかの命が危ない状態ですか？');
    expect(lastChoices(r).map((x) => x.label)).toEqual(['はい、危ない', 'いいえ', 'わからない', 'いま人と話したい']);
    expect(effectsOf(r, 'raiseAlert')).toEqual([]);
    expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ stepId: 'safety_check', freeText: 'もうどうでもいい' });
  });

  it('yes is an emergency: alert, queue and the crisis answer', () => {
    const c = new Conversation(catalog);
    c.start();
    c.text('もうどうでもいい', { triage: unsure });
    const r = c.tap('はい、危ない');
    expect(effectsOf(r, 'raiseAlert')).toEqual([expect.objectContaining({ urgency: 'emergency', signals: ['safety_question_yes'] })]);
    expect(effectsOf(r, 'queueForStaff').map((q) => q.reason)).toEqual(['emergency']);
    expect(c.s.phase).toBe('safety');
    expect(uris(r)[0]).toBe('tel:0758644343');
  });

  it('"not sure" is an emergency too, typed or tapped', () => {
    const c = new Conversation(catalog);
    c.start();
    c.text('もうどうでもいい', { triage: unsure });
    const r = c.text('わからない');
    expect(effectsOf(r, 'raiseAlert')).toEqual([expect.objectContaining({ urgency: 'emergency', signals: ['safety_question_unsure'] })]);
  });

  it('no lowers nothing already raised, and the questions go on', () => {
    const c = new Conversation(catalog);
    c.start();
    const high: TriageResult = { ...unsure, urgency: 'high', signals: ['hopelessness'] };
    const first = c.text('もう疲れた', { triage: high });
    expect(effectsOf(first, 'raiseAlert')).toEqual([expect.objectContaining({ urgency: 'high' })]);
    const r = c.tap('いいえ');
    expect(r.effects.filter((e) => e.type === 'raiseAlert' || e.type === 'updateCase')).toEqual([]);
    expect(allText(r)).toContain('答えてくださって');
    expect(c.s.alerts.high).toBe(true);
    expect(c.s.phase).toBe('intake');
    expect(lastChoices(r).map((x) => x.data)).toContain('a:intake:who:family');
  });

  it('never asks the same person twice within the cooldown, nor instead of a clear emergency', () => {
    const c = new Conversation(catalog);
    c.start();
    c.text('もうどうでもいい', { triage: unsure });
    c.tap('いいえ');
    const again = c.text('なんか全部いや', { triage: unsure, advanceMinutes: 60 });
    expect(allText(again)).not.toContain('命が危ない状態ですか');
    const later = c.text('やっぱりつらい', { triage: unsure, advanceMinutes: 6 * 60 });
    expect(allText(later)).toContain('命が危ない状態ですか');
    const clear = new Conversation(catalog);
    clear.start();
    const r = clear.text('今から飛び降りる', { triage: { ...danger(['suicide']), check: true } });
    expect(allText(r)).not.toContain('命が危ない状態ですか');
    expect(effectsOf(r, 'raiseAlert')).toHaveLength(1);
  });

  it('a typed message that is not an answer is read as usual', () => {
    const c = new Conversation(catalog);
    c.start();
    c.text('もうどうでもいい', { triage: unsure });
    const r = c.text('人と話したい');
    expect(effectsOf(r, 'queueForStaff').map((q) => q.reason)).toEqual(['requested']);
    expect(c.s.pending).toBeNull();
  });
});

describe('the bot steps back when a person is there', () => {
  it('sends no desk-hours notes while a counsellor holds the chat, but still the safety answers', () => {
    const c = new Conversation(catalog);
    c.start();
    c.text('人と話したい');
    c.send({ kind: 'staffJoined' });
    expect(c.text('こんばんは', { open: false }).messages).toEqual([]);
    expect(c.text('まだですか', { open: false }).messages).toEqual([]);
    const r = c.text('死にたい', { triage: danger(['suicide']), open: false });
    expect(answerOf(r).text).toContain('担当の相談員にも');
    expect(allText(r)).not.toContain('9時');
    expect(effectsOf(r, 'raiseAlert')).toHaveLength(1);
    expect(c.s.phase).toBe('staff');
  });
});
