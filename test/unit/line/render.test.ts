import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createLineAdapter,
  decodePostbackData,
  encodePostbackData,
  renderLineMessages,
  splitText,
  truncate,
  type LinePayload,
} from '../../../src/channels/line/adapter.js';
import type { OutboundMessage } from '../../../src/conversation/types.js';

const BASE = 'https://yorisoi.example.jp';
const render = (messages: OutboundMessage[]) => renderLineMessages(messages, BASE);
const isLoneSurrogateAtEdge = (s: string) => /^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(s);

describe('LINE render()', () => {
  it('renders text as a text message, one call', () => {
    expect(render([{ type: 'text', text: 'こんにちは' }])).toEqual([{ messages: [{ type: 'text', text: 'こんにちは' }] }]);
  });

  it('renders choices as a quick reply of postbacks whose displayText is the label', () => {
    const [call] = render([
      {
        type: 'choices',
        text: 'どなたのことですか？',
        choices: [
          { label: 'ご本人', data: 'a:intake:who:self' },
          { label: 'ご家族', data: 'a:intake:who:family' },
        ],
      },
    ]);
    expect(call).toEqual({
      messages: [
        {
          type: 'text',
          text: 'どなたのことですか？',
          quickReply: {
            items: [
              { type: 'action', action: { type: 'postback', label: 'ご本人', data: 'a:intake:who:self\nご本人', displayText: 'ご本人' } },
              { type: 'action', action: { type: 'postback', label: 'ご家族', data: 'a:intake:who:family\nご家族', displayText: 'ご家族' } },
            ],
          },
        },
      ],
    });
    expect(decodePostbackData('a:intake:who:family\nご家族')).toEqual({ data: 'a:intake:who:family', displayText: 'ご家族' });
  });

  it('truncates long labels to 20 UTF-16 units with …, never inside an emoji', () => {
    const label = 'とても長いボタンの文字はここで切れてしまいますね😀😀';
    const [call] = render([{ type: 'choices', text: 'q', choices: [{ label, data: 'cmd:help' }] }]);
    const action = (call!.messages[0]!.quickReply as any).items[0].action;
    expect(action.label.length).toBeLessThanOrEqual(20);
    expect(action.label.endsWith('…')).toBe(true);
    expect(isLoneSurrogateAtEdge(action.label.slice(0, -1))).toBe(false);
    expect(action.displayText).toBe(label);
    expect(truncate('😀😀😀😀😀😀😀😀😀😀😀', 20)).toBe('😀😀😀😀😀😀😀😀😀…');
    expect(truncate('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', 10)).toBe('👨‍👩‍👧…');
  });

  it('shows at most 13 quick reply items and lists the rest in the text', () => {
    const choices = Array.from({ length: 15 }, (_, i) => ({ label: `選択${i + 1}`, data: `a:f:s:v${i + 1}` }));
    const [call] = render([{ type: 'choices', text: 'えらんでください', choices }]);
    const message = call!.messages[0]!;
    expect((message.quickReply as any).items).toHaveLength(13);
    expect(message.text).toBe('えらんでください\n\n・選択14\n・選択15');
  });

  it('uses a message action when the data cannot travel as postback data', () => {
    const [call] = render([{ type: 'choices', text: 'q', choices: [{ label: 'はい', data: 'x'.repeat(301) }] }]);
    expect((call!.messages[0]!.quickReply as any).items[0].action).toEqual({ type: 'message', label: 'はい', text: 'はい' });
    // The label is left out of the data when both would not fit in 300.
    expect(encodePostbackData('y'.repeat(299), 'はい')).toBe('y'.repeat(299));
  });

  it('renders links with absolute URLs: relative paths use the public base URL', () => {
    const [call] = render([{ type: 'link', text: 'プライバシーについて', url: '/privacy', label: '読む' }]);
    expect(call!.messages[0]).toEqual({
      type: 'template',
      altText: 'プライバシーについて\nhttps://yorisoi.example.jp/privacy',
      template: { type: 'buttons', text: 'プライバシーについて', actions: [{ type: 'uri', label: '読む', uri: 'https://yorisoi.example.jp/privacy' }] },
    });
    const long = render([{ type: 'link', text: 'あ'.repeat(200), url: 'https://www.city.kyoto.lg.jp/', label: '京都市' }]);
    expect(long[0]!.messages[0]).toEqual({ type: 'text', text: `${'あ'.repeat(200)}\nhttps://www.city.kyoto.lg.jp/` });
    const adapter = createLineAdapter('https://x.example/base/');
    expect((adapter.render([{ type: 'link', text: 't', url: '/p', label: 'l' }]) as any)[0].messages[0].template.actions[0].uri).toBe('https://x.example/base/p');
  });

  it('batches at most five messages per call, a message with buttons ending its call', () => {
    const texts = Array.from({ length: 7 }, (_, i) => ({ type: 'text' as const, text: `m${i}` }));
    const calls = render(texts);
    expect(calls.map((c) => c.messages.length)).toEqual([5, 2]);

    const mixed = render([
      { type: 'text', text: 'a' },
      { type: 'choices', text: 'b', choices: [{ label: 'x', data: 'cmd:help' }] },
      { type: 'text', text: 'c' },
    ]);
    expect(mixed.map((c) => c.messages.map((m) => m.text))).toEqual([['a', 'b'], ['c']]);
    for (const call of [...calls, ...mixed]) assertLineLimits(call);
  });

  it('splits a 6,000-character text into parts of at most 5,000 units at a sentence end', () => {
    const sentence = 'ひきこもりの相談は、ご本人からでもご家族からでも大丈夫です。';
    const text = sentence.repeat(Math.ceil(6000 / sentence.length)).slice(0, 6000);
    const calls = render([{ type: 'text', text }]);
    expect(calls).toHaveLength(1);
    const parts = calls[0]!.messages.map((m) => m.text as string);
    expect(parts.length).toBe(2);
    expect(parts[0]!.length).toBeLessThanOrEqual(5000);
    expect(parts[0]!.endsWith('。')).toBe(true);
    expect(parts.join('')).toBe(text);
  });

  it('prefers paragraph breaks when splitting', () => {
    const para = 'あ'.repeat(3000);
    const parts = splitText(`${para}\n\n${para}`);
    expect(parts).toEqual([para, para]);
  });

  it('never splits inside a surrogate pair, and keeps every character (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 0, maxLength: 400 }), fc.integer({ min: 4, max: 60 }), (text, max) => {
        const parts = splitText(text, max);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(max);
          expect(part.isWellFormed()).toBe(true);
        }
        // Only whitespace at the cuts may go.
        expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
    );
    const emoji = '😀'.repeat(3000); // 6,000 units, no boundaries at all
    const parts = splitText(emoji);
    expect(parts.map((p) => p.length)).toEqual([5000, 1000]);
    expect(parts.every((p) => p.isWellFormed())).toBe(true);
  });

  it('renders the one-to-one notice in Japanese and English', () => {
    const [payload] = createLineAdapter(BASE).renderNotice!('one_to_one_only') as unknown as LinePayload[];
    const text = payload!.messages[0]!.text as string;
    expect(text).toContain('1対1');
    expect(text).toContain('友だち追加');
    expect(text).toContain('one-to-one');
  });
});

function assertLineLimits(call: LinePayload) {
  expect(call.messages.length).toBeGreaterThanOrEqual(1);
  expect(call.messages.length).toBeLessThanOrEqual(5);
  call.messages.forEach((message, index) => {
    if (message.quickReply) expect(index).toBe(call.messages.length - 1);
    if (message.type === 'text') expect((message.text as string).length).toBeLessThanOrEqual(5000);
  });
}
