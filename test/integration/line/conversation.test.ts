// Every LINE event type end to end: signed webhook → stored → worker → core → fake LINE API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePostbackData } from '../../../src/channels/line/adapter.js';
import { dataCryptoOf } from '../../../src/db/client.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { fakeLineUserId, lineEvent, lineEvents, postLineWebhook, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';

const SECRET = 'conversation-test-secret';
const TOKEN = 'conversation-test-token';

describe('LINE conversation events', () => {
  let fake: FakeLineApi;
  let app: TestApp;

  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
    app = await startTestApp({
      env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LINE_DATA_API_BASE_URL: fake.url, PUBLIC_BASE_URL: 'https://yorisoi.example.jp' },
    });
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  const db = () => app.runtime.db;
  /** LINE user ids are stored encrypted: look-ups go through their keyed hash. */
  const hash = (userId: string) => dataCryptoOf(db()).lookupHash(userId);

  async function send(...events: object[]) {
    const response = await postLineWebhook(app.url, SECRET, { events });
    expect(response.status).toBe(200);
  }

  async function processed(event: { webhookEventId: string }) {
    await waitFor(async () => (await db().inboundEvent.findFirst({ where: { externalId: event.webhookEventId } }))?.processedAt != null, { timeoutMs: 10_000 });
  }

  /** The reply LINE received for this event's token, checked against what the core said. */
  async function replyTo(event: { replyToken?: string }) {
    const [call] = await fake.waitForCalls((c) => c.path === '/v2/bot/message/reply' && c.body?.replyToken === event.replyToken && c.status === 200);
    expect(call!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call!.headers['x-line-retry-key']).toBeUndefined();
    return call!.body.messages as { type: string; text?: string; altText?: string; quickReply?: any }[];
  }

  async function botTexts(userId: string) {
    const messages = await db().message.findMany({
      where: { author: 'BOT', conversation: { contact: { channel: 'LINE', channelUserIdHash: hash(userId) } } },
      orderBy: { createdAt: 'asc' },
    });
    return messages.map((m) => m.text ?? '');
  }

  async function assertNothingSentTo(userId: string) {
    expect(await db().outboundDelivery.count({ where: { recipientHash: hash(userId) } })).toBe(0);
    expect(fake.calls.filter((c) => c.path.startsWith('/v2/bot/message/') && JSON.stringify(c.body ?? {}).includes(userId))).toHaveLength(0);
  }

  it('follow: replies with the core’s welcome', async () => {
    const userId = fakeLineUserId();
    const follow = lineEvents.follow(userId);
    await send(follow);
    const messages = await replyTo(follow);
    expect(messages.length).toBeGreaterThanOrEqual(1);
    expect(messages.length).toBeLessThanOrEqual(5);
    // The reply carries the core's messages, in order.
    const said = await botTexts(userId);
    const shown = messages.map((m) => m.text ?? m.altText ?? '').join('\n');
    for (const text of said.slice(0, 5)) expect(shown).toContain(text.slice(0, 50));
    const contact = await db().contact.findUniqueOrThrow({ where: { channel_channelUserIdHash: { channel: 'LINE', channelUserIdHash: hash(userId) } } });
    expect(contact.blockedAt).toBeNull();
    // The loading animation was started before processing (best effort).
    expect(fake.callsTo('/v2/bot/chat/loading/start').some((c) => c.body.chatId === userId)).toBe(true);
  });

  it('unfollow: records the block, answers nothing; follow (unblocked) makes the person reachable again', async () => {
    const userId = fakeLineUserId();
    const follow = lineEvents.follow(userId);
    await send(follow);
    await replyTo(follow);
    const unfollow = lineEvents.unfollow(userId);
    await send(unfollow);
    await processed(unfollow);
    const contact = await db().contact.findUniqueOrThrow({ where: { channel_channelUserIdHash: { channel: 'LINE', channelUserIdHash: hash(userId) } } });
    expect(contact.blockedAt).not.toBeNull();
    expect(fake.calls.filter((c) => c.body?.to === userId)).toHaveLength(0);

    const again = lineEvents.follow(userId, true);
    await send(again);
    expect((await replyTo(again)).length).toBeGreaterThanOrEqual(1);
    expect((await db().contact.findUniqueOrThrow({ where: { id: contact.id } })).blockedAt).toBeNull();
  });

  it('text: stored with its LINE message id and answered by reply', async () => {
    const userId = fakeLineUserId();
    const text = lineEvents.text(userId, 'こんにちは。相談したいことがあります');
    await send(text);
    const messages = await replyTo(text);
    expect(messages.length).toBeGreaterThanOrEqual(1);
    const stored = await db().message.findFirstOrThrow({ where: { channelMessageId: (text as any).message.id } });
    expect(stored).toMatchObject({ direction: 'INBOUND', author: 'USER', kind: 'text', text: 'こんにちは。相談したいことがあります' });
  });

  it('postback: the choice reaches the core, staff read the label', async () => {
    const userId = fakeLineUserId();
    const postback = lineEvents.postback(userId, encodePostbackData('cmd:hotlines', '緊急の電話番号'));
    await send(postback);
    const messages = await replyTo(postback);
    expect(messages.length).toBeGreaterThanOrEqual(1);
    const stored = await db().message.findFirstOrThrow({ where: { kind: 'choice', conversation: { contact: { channelUserIdHash: hash(userId) } } } });
    expect(stored).toMatchObject({ text: '緊急の電話番号', payload: { data: 'cmd:hotlines' } });
    // Quick replies, when present, are valid postbacks (the fake rejects anything LINE would).
    for (const m of messages) for (const item of m.quickReply?.items ?? []) expect(item.action.displayText).toBe(item.action.label.endsWith('…') ? expect.any(String) : item.action.label);
  });

  it.each([
    ['sticker', lineEvents.sticker, { packageId: '446', stickerId: '1988' }],
    ['image', lineEvents.image, { contentProvider: { type: 'line' } }],
    ['audio', lineEvents.audio, { duration: 6000 }],
    ['video', lineEvents.video, { duration: 12345 }],
    ['file', lineEvents.file, { fileName: '相談メモ.pdf', fileSize: 20480 }],
    ['location', lineEvents.location, { title: '京都市役所', latitude: 35.0116 }],
  ] as const)('%s: stored as metadata (no content fetched) and answered', async (kind, make, payload) => {
    const userId = fakeLineUserId();
    const event = make(userId) as ReturnType<typeof lineEvent> & { message: { id: string } };
    await send(event);
    expect((await replyTo(event)).length).toBeGreaterThanOrEqual(1);
    const stored = await db().message.findFirstOrThrow({ where: { channelMessageId: event.message.id } });
    expect(stored).toMatchObject({ kind, text: null, payload: expect.objectContaining(payload) });
    expect(fake.calls.some((c) => c.path.includes('/content'))).toBe(false);
  });

  it('unsend: hides the stored message (text gone) without answering', async () => {
    const userId = fakeLineUserId();
    const text = lineEvents.text(userId, '送らなければよかった');
    await send(text);
    await replyTo(text);
    const messageId = (text as any).message.id as string;
    const unsend = lineEvents.unsend(userId, messageId);
    const deliveriesBefore = await db().outboundDelivery.count({ where: { recipientHash: hash(userId) } });
    await send(unsend);
    await processed(unsend);
    const stored = await db().message.findFirstOrThrow({ where: { channelMessageId: messageId } });
    expect(stored.hiddenAt).not.toBeNull();
    expect(stored.text).toBeNull();
    expect(await db().outboundDelivery.count({ where: { recipientHash: hash(userId) } })).toBe(deliveriesBefore);
  });

  it('group and room messages: a gentle one-to-one notice, no consultation stored', async () => {
    const userId = fakeLineUserId();
    const group = lineEvents.groupText('Cgroup0123456789', userId, 'みんなで相談');
    const room = lineEvents.roomText('Rroom0123456789', userId, 'ここで相談');
    await send(group, room);
    for (const event of [group, room]) {
      const messages = await replyTo(event);
      expect(messages).toHaveLength(1);
      expect(messages[0]!.text).toContain('1対1');
      expect(messages[0]!.text).toContain('one-to-one');
    }
    expect(await db().contact.count({ where: { channelUserIdHash: hash(userId) } })).toBe(0);
    expect(fake.callsTo('/v2/bot/chat/loading/start').some((c) => c.body.chatId === userId)).toBe(false);
  });

  it('standby: recorded for staff, never answered', async () => {
    const userId = fakeLineUserId();
    const standby = lineEvents.text(userId, 'standby のメッセージ', { mode: 'standby' });
    await send(standby);
    await processed(standby);
    const stored = await db().message.findFirstOrThrow({ where: { channelMessageId: (standby as any).message.id } });
    expect(stored.text).toBe('standby のメッセージ');
    await assertNothingSentTo(userId);
    expect(fake.calls.some((c) => c.body?.replyToken === standby.replyToken)).toBe(false);
  });

  it('a redelivered event (same webhookEventId) is answered once', async () => {
    const userId = fakeLineUserId();
    const text = lineEvents.text(userId, '二重に届くかも');
    await send(text);
    await send({ ...text, deliveryContext: { isRedelivery: true } });
    await replyTo(text);
    await processed(text);
    await new Promise((r) => setTimeout(r, 300));
    const answers = fake.delivered().filter((d) => d.replyToken === text.replyToken || d.to === userId);
    expect(answers).toHaveLength(1);
    expect(await db().message.count({ where: { channelMessageId: (text as any).message.id } })).toBe(1);
  });
});
