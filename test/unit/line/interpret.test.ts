import { describe, expect, it } from 'vitest';
import { REPLY_TOKEN_LIFETIME_MS, createLineAdapter, encodePostbackData } from '../../../src/channels/line/adapter.js';
import { lineSourceKey } from '../../../src/channels/line/events.js';
import { lineEvent, lineEvents } from '../../fakes/fake-line-api.js';

const adapter = createLineAdapter('https://yorisoi.example.jp');
const USER = 'U0123456789abcdef0123456789abcdef';
const RECEIVED = '2026-02-03T04:05:06.000Z';
const stored = (event: object) => ({ receivedAt: RECEIVED, destination: 'Ubot', event });
const interpret = (event: object) => adapter.interpret(stored(event));
const expiresAt = new Date(Date.parse(RECEIVED) + REPLY_TOKEN_LIFETIME_MS);

describe('LINE interpret()', () => {
  it('follow starts a conversation, with the reply token valid 50 s from receipt', () => {
    const event = lineEvents.follow(USER, false, { replyToken: 'tok' });
    expect(interpret(event)).toEqual({
      kind: 'conversation',
      channelUserId: USER,
      input: { kind: 'start', returning: false },
      record: null,
      replyToken: { token: 'tok', expiresAt },
    });
    expect(REPLY_TOKEN_LIFETIME_MS).toBeLessThan(60_000);
  });

  it('follow after unblocking is a returning start', () => {
    expect(interpret(lineEvents.follow(USER, true))).toMatchObject({ input: { kind: 'start', returning: true } });
    // isUnblocked missing (older payloads) → not returning
    expect(interpret(lineEvent('follow', USER))).toMatchObject({ input: { kind: 'start', returning: false } });
  });

  it('unfollow stops, records nothing and has no reply token', () => {
    expect(interpret(lineEvents.unfollow(USER))).toEqual({ kind: 'conversation', channelUserId: USER, input: { kind: 'stop' }, record: null });
  });

  it('text becomes text input and a text record keyed by the LINE message id', () => {
    const event = lineEvents.text(USER, 'こんにちは', { messageId: '4711', replyToken: 'r1' });
    const markAsReadToken = (event as unknown as { message: { markAsReadToken: string } }).message.markAsReadToken;
    expect(interpret(event)).toEqual({
      kind: 'conversation',
      channelUserId: USER,
      input: { kind: 'text', text: 'こんにちは' },
      // The mark-as-read token is kept for when a counsellor opens the chat (src/cases/read-receipts.ts).
      record: { kind: 'text', text: 'こんにちは', channelMessageId: '4711', payload: { markAsReadToken } },
      replyToken: { token: 'r1', expiresAt },
    });
  });

  it('postback becomes a choice; the label carried in the data is what staff read', () => {
    const withLabel = interpret(lineEvents.postback(USER, encodePostbackData('a:intake:who:family', '家族のこと')));
    expect(withLabel).toMatchObject({
      input: { kind: 'choice', data: 'a:intake:who:family' },
      record: { kind: 'choice', text: '家族のこと', payload: { data: 'a:intake:who:family' } },
    });
    const plain = interpret(lineEvents.postback(USER, 'cmd:talk'));
    expect(plain).toMatchObject({ input: { kind: 'choice', data: 'cmd:talk' }, record: { kind: 'choice', text: 'cmd:talk', payload: { data: 'cmd:talk' } } });
    const picker = interpret(lineEvent('postback', USER, { postback: { data: 'date', params: { date: '2026-02-10' } } }));
    expect(picker).toMatchObject({ record: { payload: { data: 'date', params: { date: '2026-02-10' } } } });
  });

  it.each([
    ['sticker', lineEvents.sticker, { packageId: '446', stickerId: '1988', stickerResourceType: 'STATIC', keywords: ['Happy', 'smile'] }],
    ['image', lineEvents.image, { contentProvider: { type: 'line' } }],
    ['video', lineEvents.video, { contentProvider: { type: 'line' }, duration: 12345 }],
    ['audio', lineEvents.audio, { contentProvider: { type: 'line' }, duration: 6000 }],
    ['file', lineEvents.file, { fileName: '相談メモ.pdf', fileSize: 20480 }],
    ['location', lineEvents.location, { title: '京都市役所', address: '京都府京都市中京区寺町通御池上る上本能寺前町488', latitude: 35.0116, longitude: 135.7681 }],
  ] as const)('%s becomes media input and keeps only metadata for staff', (type, make, payload) => {
    const event = make(USER) as unknown as { message: { id: string } };
    const result = interpret(event);
    expect(result).toMatchObject({ kind: 'conversation', input: { kind: 'media', media: type } });
    if (result.kind !== 'conversation') throw new Error('expected a conversation event');
    expect(result.record).toEqual({ kind: type, text: null, payload, channelMessageId: event.message.id });
  });

  it('unsend hides the stored message', () => {
    expect(interpret(lineEvents.unsend(USER, '4711'))).toEqual({ kind: 'unsend', channelUserId: USER, channelMessageId: '4711' });
  });

  it('group and room messages, joins and postbacks get the one-to-one notice', () => {
    const group = interpret(lineEvents.groupText('Cgroup1', USER, 'hello', { replyToken: 'g1' }));
    expect(group).toEqual({ kind: 'notice', recipient: 'Cgroup1', notice: 'one_to_one_only', replyToken: { token: 'g1', expiresAt } });
    expect(interpret(lineEvents.roomText('Rroom1', USER, 'hello'))).toMatchObject({ kind: 'notice', recipient: 'Rroom1' });
    expect(interpret(lineEvent('join', '', {}, { source: { type: 'group', groupId: 'Cgroup2' } }))).toMatchObject({ kind: 'notice', recipient: 'Cgroup2' });
    expect(interpret(lineEvent('postback', '', { postback: { data: 'x' } }, { source: { type: 'room', roomId: 'Rroom2', userId: USER } }))).toMatchObject({ kind: 'notice', recipient: 'Rroom2' });
  });

  it('leave, memberJoined, unknown types and malformed events are ignored', () => {
    for (const event of [
      lineEvent('leave', '', {}, { source: { type: 'group', groupId: 'C1' } }),
      lineEvent('memberJoined', '', { joined: { members: [] } }, { source: { type: 'group', groupId: 'C1' } }),
      lineEvent('somethingNew', USER, { somethingNew: { a: 1 } }),
      lineEvent('message', USER, { message: { id: '1', type: 'hologram' } }),
      lineEvent('message', USER, { message: { id: '1', type: 'toString' } }),
      lineEvent('message', USER, { message: { type: 'text' } }),
    ]) {
      expect(interpret(event).kind).toBe('ignore');
    }
    expect(adapter.interpret({ not: 'a stored event' }).kind).toBe('ignore');
    expect(adapter.interpret(null).kind).toBe('ignore');
  });

  it('standby events are recorded silently and never carry a reply token', () => {
    const result = interpret(lineEvents.text(USER, 'hi', { mode: 'standby' }));
    expect(result).toMatchObject({ kind: 'conversation', silent: true, record: { kind: 'text', text: 'hi' } });
    expect(result).not.toHaveProperty('replyToken');
    // An unfollow in standby still marks the person unreachable (it never answers anyway).
    expect(interpret(lineEvents.unfollow(USER, { mode: 'standby' }))).not.toHaveProperty('silent');
    expect(interpret(lineEvents.groupText('C1', USER, 'hi', { mode: 'standby' })).kind).toBe('ignore');
  });

  it('source keys: per user, per group or room, by the keyed hash of the id', () => {
    const hash = (id: string) => `h(${id})`;
    expect(lineSourceKey({ source: { type: 'user', userId: USER } }, hash)).toBe(`line:h(${USER})`);
    expect(lineSourceKey({ source: { type: 'group', groupId: 'C1', userId: USER } }, hash)).toBe('line:h(C1)');
    expect(lineSourceKey({ source: { type: 'room', roomId: 'R1' } }, hash)).toBe('line:h(R1)');
    expect(lineSourceKey({}, hash)).toBe('line:h(channel)');
  });
});
