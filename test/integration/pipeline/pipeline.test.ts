import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webSourceKey } from '../../../src/channels/web/adapter.js';
import { storeInboundEvents } from '../../../src/pipeline/inbox.js';
import { signalInactiveIntakes, sweep } from '../../../src/pipeline/sweeper.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { WebChatClient } from '../../support/web-client.js';

describe('the inbound pipeline', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startTestApp();
    // A second instance with its own workers on the same database and queues: they compete.
    second = await startTestApp({ databaseUrl: first.config.databaseUrl, env: { REDIS_PREFIX: first.config.redisPrefix } });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.dispose();
  });

  const db = () => first.runtime.db;

  it('handles one person\'s quick messages one at a time, in order, across competing workers', async () => {
    const client = await WebChatClient.start(first.url);
    await waitFor(async () => (await client.messages()).some((m) => m.author === 'bot'));
    const texts = Array.from({ length: 12 }, (_, i) => `メッセージ${i + 1}`);
    // Sent as fast as possible, alternating instances.
    for (const [i, text] of texts.entries()) {
      const via = new WebChatClient(i % 2 ? second.url : first.url);
      via.token = client.token;
      expect((await via.send({ text })).status).toBe(202);
    }
    await waitFor(async () => (await db().inboundEvent.count({ where: { processedAt: null } })) === 0, { timeoutMs: 15_000 });
    const messages = await client.messages();
    const userTexts = messages.filter((m) => m.author === 'user').map((m) => m.text);
    expect(userTexts).toEqual(texts);
    // Every user message is answered before the next one is handled.
    const authors = messages.map((m) => m.author);
    for (let i = 0; i < authors.length - 1; i++) {
      if (authors[i] === 'user') expect(authors[i + 1]).toBe('bot');
    }
  });

  it('hands an intake left half-way to staff after inactivity, once', async () => {
    const client = await WebChatClient.start(first.url);
    await waitFor(async () => (await client.messages()).some((m) => m.choices?.length));
    const self = (await client.messages()).findLast((m) => m.choices?.length)!.choices[0];
    await client.send({ choice: self });
    await waitFor(async () => (await client.messages()).filter((m) => m.author === 'bot').length >= 4);
    const contact = await db().contact.findFirstOrThrow({ where: { conversations: { some: { messages: { some: { clientMessageId: { not: null } } } } } }, orderBy: { createdAt: 'desc' } });
    const conversation = await db().conversation.findFirstOrThrow({ where: { contactId: contact.id } });
    expect(await db().case.count({ where: { conversationId: conversation.id, status: 'QUEUED' } })).toBe(0);

    // 31 minutes later, nothing more from the person.
    await db().conversation.update({ where: { id: conversation.id }, data: { lastInboundAt: new Date(Date.now() - 31 * 60_000) } });
    const deps = { db: db(), queues: first.runtime.queues, logger: first.runtime.logger };
    expect(await signalInactiveIntakes(deps)).toBe(1);
    expect(await signalInactiveIntakes(deps)).toBe(0); // the same idle period is signalled once
    await waitFor(async () => (await db().case.count({ where: { conversationId: conversation.id, status: 'QUEUED' } })) === 1, { timeoutMs: 10_000 });
    const kase = await db().case.findUniqueOrThrow({ where: { conversationId: conversation.id } });
    const audit = await db().auditEvent.findMany({ where: { action: 'case.queued', caseId: kase.id } });
    expect(audit.map((a) => (a.detail as { queuedBecause?: string }).queuedBecause)).toEqual(['inactive']);
  });

  it('processes events that were stored while Redis could not take the job (the sweeper)', async () => {
    const client = await WebChatClient.start(first.url);
    await waitFor(async () => (await client.messages()).some((m) => m.author === 'bot'));
    const contact = await db().contact.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    // Stored, acknowledged, but no job was ever enqueued (as when Redis was down).
    await storeInboundEvents(db(), [
      {
        channel: 'WEB',
        externalId: `${contact.id}:orphan-1`,
        sourceKey: webSourceKey(contact.channelUserIdHash!),
        occurredAt: new Date(),
        payload: { type: 'text', channelUserId: contact.channelUserId!, clientMessageId: 'orphan-1', text: 'Redisが止まっていた時のメッセージ' },
      },
    ]);
    await db().$executeRaw`UPDATE "InboundEvent" SET "receivedAt" = now() - interval '1 minute' WHERE "externalId" = ${`${contact.id}:orphan-1`}`;
    const swept = await sweep({ db: db(), queues: first.runtime.queues, logger: first.runtime.logger });
    expect(swept.sources).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await client.messages()).some((m) => m.text === 'Redisが止まっていた時のメッセージ'), { timeoutMs: 10_000 });
  });
});
