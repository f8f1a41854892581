import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, dataCryptoOf, sqlPoolOf, type Db } from '../../../src/db/client.js';
import { inPgTransaction, poolExecutor } from '../../../src/db/sql.js';
import { touchContact, WriteBatch, type MessageRow } from '../../../src/pipeline/conversation-sql.js';
import { recentInboundTexts, TRIAGE_CONTEXT_MESSAGES } from '../../../src/pipeline/recent-texts.js';
import { createTestDatabase } from '../../support/databases.js';

// Triage reads a message with the person's recent earlier texts (issue #14): only their own text
// messages, in this conversation, of the last 24 hours, oldest first, decrypted, a few at most.
describe('recent inbound texts for triage', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(database.url);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it('returns the last few texts the person wrote in the conversation, oldest first, within 24 hours', async () => {
    const crypto = dataCryptoOf(db);
    const now = new Date('2026-12-01T12:00:00.000Z');
    const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);
    const { conversationId, otherConversationId } = await inPgTransaction(sqlPoolOf(db), 'SELECT 1', async (sql) => {
      const person = await touchContact(sql, crypto, { channel: 'LINE', channelUserId: 'U-recent-1', now, unblock: false });
      const writes = new WriteBatch(crypto);
      const conversationId = randomUUID();
      const otherConversationId = randomUUID();
      writes.insertConversation({ id: conversationId, contactId: person.contactId, state: null, now, lastInboundAt: now, lastOutboundAt: null });
      writes.insertConversation({ id: otherConversationId, contactId: person.contactId, state: null, now, lastInboundAt: now, lastOutboundAt: null });
      const row = (text: string, minutesAgo: number, extra: Partial<MessageRow> = {}): MessageRow => ({
        conversationId,
        direction: 'INBOUND',
        author: 'USER',
        kind: 'text',
        text,
        payload: null,
        createdAt: at(minutesAgo),
        ...extra,
      });
      writes.insertMessages([
        row('昨日より前のこと', 25 * 60),
        row('一つ目', 60),
        row('ボットの返事', 50, { direction: 'OUTBOUND', author: 'BOT' }),
        row('二つ目', 40),
        row('スタンプ', 35, { kind: 'sticker' }),
        row('三つ目', 30),
        row('四つ目', 20),
        row('五つ目：薬をたくさん飲んだ', 10),
        row('別の会話', 5, { conversationId: otherConversationId }),
        row('これから書かれる', -1),
      ]);
      await writes.flush(sql);
      return { conversationId, otherConversationId };
    });

    const sql = poolExecutor(sqlPoolOf(db));
    const texts = await recentInboundTexts(sql, crypto, conversationId, now);
    expect(texts).toHaveLength(TRIAGE_CONTEXT_MESSAGES);
    expect(texts).toEqual(['二つ目', '三つ目', '四つ目', '五つ目：薬をたくさん飲んだ']);
    expect(await recentInboundTexts(sql, crypto, otherConversationId, now)).toEqual(['別の会話']);
    expect(await recentInboundTexts(sql, crypto, randomUUID(), now)).toEqual([]);
    // What the query reads is sealed in the column: the plain text is nowhere in the table.
    const raw = await sql.query<{ text: string }>(`SELECT "text" FROM "Message" WHERE "conversationId" = $1::uuid`, [conversationId]);
    expect(raw.some((r) => r.text.includes('薬'))).toBe(false);
  });
});
