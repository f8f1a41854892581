import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webSourceKey } from '../../../src/channels/web/adapter.js';
import { createDb, type Db } from '../../../src/db/client.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { messagesWithText } from '../../support/encrypted.js';
import { waitFor } from '../../support/services.js';
import { WebChatClient } from '../../support/web-client.js';
import { WEB_MESSAGES_PER_MINUTE } from '../../../src/channels/web/routes.js';

describe('web chat API', () => {
  let app: TestApp;
  let db: Db;

  beforeAll(async () => {
    app = await startTestApp();
    db = createDb(app.config.databaseUrl);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await app?.dispose();
  });

  it('greets a new anonymous session without asking for a name', async () => {
    const client = await WebChatClient.start(app.url);
    await waitFor(async () => (await client.messages()).some((m) => m.author === 'bot'));
    const [welcome] = await client.messages();
    expect(welcome.author).toBe('bot');
    expect(welcome.text.length).toBeGreaterThan(0);
  });

  it('refuses requests without a valid session token', async () => {
    expect((await fetch(`${app.url}/api/chat/messages`)).status).toBe(401);
    const wrong = await fetch(`${app.url}/api/chat/messages`, { headers: { Authorization: `Bearer ${'x'.repeat(43)}` } });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('no_session');
  });

  it('never shows one session the messages of another', async () => {
    const alice = await WebChatClient.start(app.url);
    const bob = await WebChatClient.start(app.url);
    await alice.send({ text: 'アリスだけの秘密の相談です' });
    await waitFor(async () => (await alice.messages()).some((m) => m.text === 'アリスだけの秘密の相談です'));
    await waitFor(async () => (await bob.messages()).length > 0);
    expect((await bob.messages()).some((m) => m.text?.includes('アリス'))).toBe(false);
  });

  it('stores a retried message once (same client message id)', async () => {
    const client = await WebChatClient.start(app.url);
    const clientMessageId = randomUUID();
    const first = await client.send({ text: '二回送られるかもしれないメッセージ', clientMessageId });
    const retry = await client.send({ text: '二回送られるかもしれないメッセージ', clientMessageId });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe('duplicate');
    await waitFor(async () => (await client.messages()).some((m) => m.clientMessageId === clientMessageId));
    expect(await db.message.count({ where: { clientMessageId } })).toBe(1);
    expect(await db.inboundEvent.count({ where: { externalId: { endsWith: clientMessageId } } })).toBe(1);
  });

  it('keeps HTML and script as literal text', async () => {
    const client = await WebChatClient.start(app.url);
    const text = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    await client.send({ text });
    await waitFor(async () => (await client.messages()).some((m) => m.author === 'user'));
    expect((await client.messages()).find((m) => m.author === 'user').text).toBe(text);
  });

  it('accepts odd Unicode: emoji, combining marks, lone surrogates and NUL', async () => {
    const client = await WebChatClient.start(app.url);
    const result = await client.send({ text: 'かﾞ👨‍👩‍👧 \ud800 end\u0000' });
    expect(result.status).toBe(202);
    await waitFor(async () => (await client.messages()).some((m) => m.author === 'user'));
    const stored = (await client.messages()).find((m) => m.author === 'user');
    expect(stored.text).toBe('かﾞ👨‍👩‍👧 \ufffd end');
  });

  it('answers too-long and empty messages with a kind message, storing nothing', async () => {
    const client = await WebChatClient.start(app.url);
    const before = await db.inboundEvent.count();
    const long = await client.send({ text: 'あ'.repeat(5_001) });
    expect(long.status).toBe(422);
    expect(long.body.error.code).toBe('message_too_long');
    expect(long.body.error.message).toContain('5,000文字');
    const emoji = await client.send({ text: '😀'.repeat(5_000) }); // 5,000 characters, 10,000 UTF-16 units
    expect(emoji.status).toBe(202);
    const empty = await client.send({ text: '   \n ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('empty_message');
    const neither = await client.send({});
    expect(neither.status).toBe(400);
    expect(await db.inboundEvent.count()).toBe(before + 1);
  });

  it('rate-limits a session with 429 and Retry-After', async () => {
    const client = await WebChatClient.start(app.url);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < WEB_MESSAGES_PER_MINUTE + 5; i++) {
      const result = await client.send({ text: `連投 ${i}` });
      statuses.push(result.status);
      if (result.status === 429) retryAfter = result.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(WEB_MESSAGES_PER_MINUTE);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('deletes the conversation on request: messages gone, token revoked, staff see it happened', async () => {
    const client = await WebChatClient.start(app.url);
    await client.send({ text: '消してほしい内容です' });
    await waitFor(async () => (await client.messages()).some((m) => m.author === 'user'));
    const [written] = await messagesWithText(db, '消してほしい内容です', { author: 'USER' });
    const contact = await db.contact.findFirstOrThrow({ where: { conversations: { some: { id: written!.conversationId } } } });
    const response = await fetch(`${app.url}/api/chat/conversation`, { method: 'DELETE', headers: client.headers() });
    expect(response.status).toBe(204);
    expect(await db.message.count({ where: { conversation: { contactId: contact.id } } })).toBe(0);
    const raw = await db.inboundEvent.findMany({ where: { sourceKey: webSourceKey(contact.channelUserIdHash!) } });
    expect(JSON.stringify(raw.map((e) => e.payload))).not.toContain('消してほしい');
    expect((await fetch(`${app.url}/api/chat/messages`, { headers: client.headers() })).status).toBe(401);
    const audit = await db.auditEvent.findMany({ where: { action: 'user.data_deleted' } });
    expect(audit.length).toBeGreaterThan(0);
  });

  it('pushes bot replies over the live stream', async () => {
    const client = await WebChatClient.start(app.url);
    await client.openStream();
    try {
      await client.send({ text: 'こんにちは' });
      // "Typing…" first, then the answer (the welcome may still be arriving before both).
      await waitFor(() => {
        const typing = client.events.findIndex((e) => e.name === 'typing');
        return typing >= 0 && client.events.slice(typing + 1).some((e) => e.name === 'message' && (e.data as any).author === 'bot');
      });
    } finally {
      client.close();
    }
  });
});

describe('web chat across two app instances', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await startTestApp();
    second = await startTestApp({ databaseUrl: first.config.databaseUrl, env: { REDIS_PREFIX: first.config.redisPrefix }, worker: false });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.dispose();
  });

  it('delivers a message posted on one instance to a page connected to the other', async () => {
    const onFirst = await WebChatClient.start(first.url);
    const onSecond = new WebChatClient(second.url);
    onSecond.token = onFirst.token;
    await onSecond.openStream();
    try {
      await onFirst.send({ text: '別のサーバーから送ります' });
      await waitFor(() => onSecond.events.some((e) => e.name === 'message' && (e.data as any).text === '別のサーバーから送ります'), { timeoutMs: 5_000 });
      await waitFor(() => onSecond.events.some((e) => e.name === 'message' && (e.data as any).author === 'bot'), { timeoutMs: 5_000 });
    } finally {
      onSecond.close();
    }
  });
});
