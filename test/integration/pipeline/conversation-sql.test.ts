import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, dataCryptoOf, sqlPoolOf, type Db } from '../../../src/db/client.js';
import { inPgTransaction, poolExecutor, prismaExecutor } from '../../../src/db/sql.js';
import { takeNextEvent, touchContact, WriteBatch } from '../../../src/pipeline/conversation-sql.js';
import { storeInboundEvents } from '../../../src/pipeline/inbox.js';
import { createTestDatabase } from '../../support/databases.js';

// The worker's hand-written SQL must write exactly what Prisma and its encryption extension would
// read back: same times (UTC, whatever the process's time zone), sealed columns, derived columns.
describe('the pipeline SQL (src/pipeline/conversation-sql.ts)', () => {
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

  const person = (channelUserId: string, now: Date) => ({ channel: 'LINE' as const, channelUserId, now, unblock: false });

  it('writes rows that refer to each other in one statement, and Prisma reads them back alike', async () => {
    const crypto = dataCryptoOf(db);
    // 00:30 the next day in Kyoto.
    const now = new Date('2026-11-24T15:30:00.123Z');
    const state = { phase: 'intake', answers: { talk: '息子のことです' } };
    const ids = await inPgTransaction(sqlPoolOf(db), 'SELECT 1', async (sql) => {
      const found = await touchContact(sql, crypto, person('U-sql-1', now));
      expect(found.conversation).toBeNull();
      const writes = new WriteBatch(crypto);
      const conversationId = randomUUID();
      const caseId = randomUUID();
      writes.insertConversation({ id: conversationId, contactId: found.contactId, state, now, lastInboundAt: now, lastOutboundAt: null });
      const [messageId] = writes.insertMessages([
        { conversationId, direction: 'INBOUND', author: 'USER', kind: 'text', text: '家族のことで', payload: { type: 'text' }, channelMessageId: 'm1', createdAt: now },
      ]);
      writes.insertCase({ id: caseId, conversationId, channel: 'LINE', now, patch: { language: 'ja', consulterType: 'FAMILY', lastUserMessageAt: now } });
      writes.insertIntakeAnswers([{ caseId, flowId: 'intake', stepId: 'who', key: 'consulter', value: 'family', freeText: '家族のことで', createdAt: now }]);
      const [deliveryId] = writes.insertDeliveries([
        { conversationId, channel: 'LINE', recipient: 'U-sql-1', payload: { messages: [{ type: 'text', text: 'こんにちは' }] }, replyToken: { token: 'reply-1', expiresAt: now }, createdAt: now },
      ]);
      await writes.flush(sql);
      return { conversationId, caseId, messageId: messageId!, deliveryId: deliveryId!, contactId: found.contactId };
    });

    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: ids.conversationId }, include: { case: true, messages: true } });
    expect(conversation).toMatchObject({ state, phase: 'intake', createdAt: now, updatedAt: now, lastInboundAt: now, lastOutboundAt: null });
    expect(conversation.messages).toMatchObject([{ id: ids.messageId, text: '家族のことで', payload: { type: 'text' }, channelMessageId: 'm1', createdAt: now }]);
    expect(conversation.case).toMatchObject({ id: ids.caseId, status: 'INTAKE', consulterType: 'FAMILY', lastUserMessageAt: now, createdAt: now });
    expect(await db.intakeAnswer.findMany({ where: { caseId: ids.caseId } })).toMatchObject([{ value: 'family', freeText: '家族のことで', createdAt: now }]);
    const delivery = await db.outboundDelivery.findUniqueOrThrow({ where: { id: ids.deliveryId } });
    expect(delivery).toMatchObject({ recipient: 'U-sql-1', recipientHash: crypto.lookupHash('U-sql-1'), replyToken: 'reply-1', replyTokenExpiresAt: now, status: 'PENDING', attempts: 0 });
    const contact = await db.contact.findUniqueOrThrow({ where: { id: ids.contactId } });
    expect(contact).toMatchObject({ channelUserId: 'U-sql-1', channelUserIdHash: crypto.lookupHash('U-sql-1'), lastSeenAt: now });

    // What people wrote is sealed in the columns themselves.
    const raw = await poolExecutor(sqlPoolOf(db)).query<Record<string, unknown>>(
      `SELECT m."text", c."state"::text AS "state", a."freeText", d."recipient", k."channelUserId"
       FROM "Message" m, "Conversation" c, "IntakeAnswer" a, "OutboundDelivery" d, "Contact" k
       WHERE m."id" = $1::uuid AND c."id" = $2::uuid AND a."caseId" = $3::uuid AND d."id" = $4::uuid AND k."id" = $5::uuid`,
      [ids.messageId, ids.conversationId, ids.caseId, ids.deliveryId, ids.contactId],
    );
    expect(JSON.stringify(raw)).not.toMatch(/家族|息子|U-sql-1/);
    // Stored as UTC wall time, as Prisma stores it.
    const [stamp] = await poolExecutor(sqlPoolOf(db)).query<{ at: string }>(`SELECT to_char("createdAt", 'YYYY-MM-DD HH24:MI:SS.MS') AS "at" FROM "Message" WHERE "id" = $1::uuid`, [ids.messageId]);
    expect(stamp!.at).toBe('2026-11-24 15:30:00.123');
    // And read back as the same instant, whatever the process's time zone (tests run in Kyoto's).
    const [read] = await poolExecutor(sqlPoolOf(db)).query<{ createdAt: Date }>(`SELECT "createdAt" FROM "Message" WHERE "id" = $1::uuid`, [ids.messageId]);
    expect(read!.createdAt).toEqual(now);

    // Read back by the next event, on either path, the same.
    const later = new Date(now.getTime() + 60_000);
    const onPg = await inPgTransaction(sqlPoolOf(db), 'SELECT 1', (sql) => touchContact(sql, crypto, person('U-sql-1', later)));
    const onPrisma = await db.$transaction((tx) => touchContact(prismaExecutor(tx), crypto, person('U-sql-1', later)));
    expect(onPg).toEqual(onPrisma);
    expect(onPg).toEqual({
      contactId: ids.contactId,
      blockedAt: null,
      conversation: { id: ids.conversationId, state, case: { id: ids.caseId, status: 'INTAKE', urgency: 'NORMAL', assigneeId: null, waitingSince: null } },
    });
  });

  it('updates one conversation and case per statement, and looks ahead for the next event', async () => {
    const crypto = dataCryptoOf(db);
    const now = new Date('2026-11-25T01:00:00.000Z');
    const sourceKey = `line:${randomUUID()}`;
    const stored = await storeInboundEvents(db, [
      { channel: 'LINE', externalId: randomUUID(), sourceKey, occurredAt: now, payload: { n: 1 } },
      { channel: 'LINE', externalId: randomUUID(), sourceKey, occurredAt: new Date(now.getTime() + 1), payload: { n: 2 } },
    ]);
    const { contactId } = await inPgTransaction(sqlPoolOf(db), 'SELECT 1', (sql) => touchContact(sql, crypto, person('U-sql-2', now)));
    const conversationId = randomUUID();
    const caseId = randomUUID();
    const setup = new WriteBatch(crypto);
    setup.insertConversation({ id: conversationId, contactId, state: { phase: 'intake' }, now, lastInboundAt: null, lastOutboundAt: null });
    setup.insertCase({ id: caseId, conversationId, channel: 'LINE', now, patch: { status: 'WAITING_USER' } });
    await setup.flush(poolExecutor(sqlPoolOf(db)));

    const later = new Date(now.getTime() + 5_000);
    const more = await inPgTransaction(sqlPoolOf(db), 'SELECT 1', async (sql) => {
      const event = await takeNextEvent(sql, crypto, sourceKey, 10);
      expect(event).toMatchObject({ id: stored[0]!.id, channel: 'LINE', payload: { n: 1 } });
      const writes = new WriteBatch(crypto);
      writes.updateConversation({ id: conversationId, state: { phase: 'staff' }, now: later, lastInboundAt: later });
      writes.updateCase(caseId, later, { resumeIfWaitingForUser: true, waitingSinceUnlessSet: later, lastUserMessageAt: later, stage: 'contact' });
      writes.markProcessed(event!.id, later);
      return writes.flushAndLookAhead(sql, sourceKey, event!.id, 10);
    });
    expect(more).toBe(true);
    expect(await db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({
      state: { phase: 'staff' },
      phase: 'staff',
      updatedAt: later,
      lastInboundAt: later,
      lastOutboundAt: null,
    });
    expect(await db.case.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({ status: 'ACTIVE', waitingSince: later, lastUserMessageAt: later, stage: 'contact', updatedAt: later });
    expect((await db.inboundEvent.findUniqueOrThrow({ where: { id: stored[0]!.id } })).processedAt).toEqual(later);
    const seen = await inPgTransaction(sqlPoolOf(db), 'SELECT 1', (sql) => touchContact(sql, crypto, person('U-sql-2', later)));
    expect(seen.conversation?.case).toMatchObject({ id: caseId, status: 'ACTIVE', waitingSince: later });

    // Decided by the row when written: a case a counsellor closed meanwhile stays closed, and an
    // earlier waiting time stays.
    await db.case.update({ where: { id: caseId }, data: { status: 'CLOSED' } });
    const touch = new WriteBatch(crypto);
    touch.updateCase(caseId, new Date(later.getTime() + 1_000), { resumeIfWaitingForUser: true, waitingSinceUnlessSet: new Date(later.getTime() + 1_000) });
    await touch.flush(poolExecutor(sqlPoolOf(db)));
    expect(await db.case.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({ status: 'CLOSED', waitingSince: later });

    // The last event: nothing more to look at.
    const last = await inPgTransaction(sqlPoolOf(db), 'SELECT 1', async (sql) => {
      const event = await takeNextEvent(sql, crypto, sourceKey, 10);
      expect(event?.id).toBe(stored[1]!.id);
      const writes = new WriteBatch(crypto);
      writes.markProcessed(event!.id, later);
      return writes.flushAndLookAhead(sql, sourceKey, event!.id, 10);
    });
    expect(last).toBe(false);
  });

  it('leaves nothing behind when a statement of the transaction fails', async () => {
    const crypto = dataCryptoOf(db);
    const now = new Date();
    await expect(
      inPgTransaction(sqlPoolOf(db), 'SELECT 1', async (sql) => {
        await touchContact(sql, crypto, person('U-sql-3', now));
        const writes = new WriteBatch(crypto);
        // A message of a conversation that does not exist: the foreign key refuses the statement.
        writes.insertMessages([{ conversationId: randomUUID(), direction: 'INBOUND', author: 'USER', kind: 'text', text: 'x', payload: null, createdAt: now }]);
        await writes.flush(sql);
      }),
    ).rejects.toThrow(/foreign key/);
    expect(await db.contact.count({ where: { channelUserIdHash: crypto.lookupHash('U-sql-3') } })).toBe(0);
    // The connection went back to the pool clean: the next transaction works.
    await inPgTransaction(sqlPoolOf(db), 'SELECT 1', (sql) => touchContact(sql, crypto, person('U-sql-3', now)));
    expect(await db.contact.count({ where: { channelUserIdHash: crypto.lookupHash('U-sql-3') } })).toBe(1);
  });
});
