// storeInboundEvents and its coalesced form for the webhook: every event once per channel and
// external id, each caller told which of its events are new, times and payloads exactly as given.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, DataCrypto, type Db } from '../../../src/db/client.js';
import { batchedInboxStore } from '../../../src/pipeline/batching.js';
import { storeInboundEvents, type InboundEventInput } from '../../../src/pipeline/inbox.js';
import { createTestDatabase } from '../../support/databases.js';

describe('storing inbound events', () => {
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

  const event = (externalId: string, overrides: Partial<InboundEventInput> = {}): InboundEventInput => ({
    channel: 'LINE',
    externalId,
    sourceKey: `line:${externalId.slice(0, 8)}`,
    occurredAt: new Date('2026-01-05T00:00:00.123Z'),
    payload: { event: { message: { text: `テキスト ${externalId}` } } },
    ...overrides,
  });

  it('stores each event once per channel and external id, and says which ones are new', async () => {
    const id = randomUUID();
    const first = await storeInboundEvents(db, [event(id), event(id), event(id, { channel: 'WEB', sourceKey: 'web:x' })]);
    expect(first.map((e) => e.isNew)).toEqual([true, false, true]);
    expect(first[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first[2]!.id).not.toBe(first[0]!.id);
    expect(first[2]!.sourceKey).toBe('web:x');

    const again = await storeInboundEvents(db, [event(id)]);
    expect(again).toEqual([{ id: '', sourceKey: event(id).sourceKey, isNew: false }]);

    const rows = await db.inboundEvent.findMany({ where: { externalId: id }, orderBy: { channel: 'asc' } });
    expect(rows.map((r) => r.channel)).toEqual(['LINE', 'WEB']);
    expect(rows[0]).toMatchObject({ id: first[0]!.id, occurredAt: new Date('2026-01-05T00:00:00.123Z'), processedAt: null, attempts: 0 });
    expect(rows[0]!.payload).toEqual(event(id).payload);
  });

  it('keeps ids as they are, whatever characters they hold (they travel as array parameters)', async () => {
    const odd = `${randomUUID()} "quoted", back\\slash {braces} NULL ,`;
    for (const store of [(events: InboundEventInput[]) => storeInboundEvents(db, events), batchedInboxStore(db)]) {
      const id = `${odd}${randomUUID()}`;
      const [stored] = await store([event(id, { sourceKey: `line:${id}` })]);
      expect(stored).toMatchObject({ isNew: true, sourceKey: `line:${id}` });
      expect(await db.inboundEvent.findUniqueOrThrow({ where: { channel_externalId: { channel: 'LINE', externalId: id } } })).toMatchObject({ sourceKey: `line:${id}` });
    }
  });

  it('encrypts the payload at rest', async () => {
    const id = randomUUID();
    await storeInboundEvents(db, [event(id)]);
    const [raw] = await db.$queryRaw<{ payload: unknown }[]>`SELECT "payload" FROM "InboundEvent" WHERE "externalId" = ${id}`;
    expect(DataCrypto.isCiphertext(raw!.payload)).toBe(true);
    expect(JSON.stringify(raw)).not.toContain('テキスト');
  });

  it('joins the caller’s transaction', async () => {
    const id = randomUUID();
    await expect(
      db.$transaction(async (tx) => {
        await storeInboundEvents(tx as unknown as Db, [event(id)]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await db.inboundEvent.count({ where: { externalId: id } })).toBe(0);
  });

  it('coalesced: concurrent callers share statements and each learns exactly which of its events are new', async () => {
    const store = batchedInboxStore(db);
    const ids = Array.from({ length: 40 }, () => randomUUID());
    // Every id is sent by two callers at once (as when LINE redelivers while the first is in flight).
    const calls = ids.flatMap((id, i) => [store([event(id)]), store([event(ids[(i + 1) % ids.length]!), event(`${id}-own`)])]);
    const results = await Promise.all(calls);
    const newById = new Map<string, number>();
    results.forEach((stored, call) => {
      const sent = call % 2 === 0 ? [ids[call / 2]!] : [ids[((call - 1) / 2 + 1) % ids.length]!, `${ids[(call - 1) / 2]!}-own`];
      expect(stored).toHaveLength(sent.length);
      stored.forEach((s, i) => newById.set(sent[i]!, (newById.get(sent[i]!) ?? 0) + (s.isNew ? 1 : 0)));
    });
    expect([...newById.values()].every((n) => n === 1)).toBe(true);
    expect(newById.size).toBe(80);
    expect(await db.inboundEvent.count({ where: { externalId: { in: [...newById.keys()] } } })).toBe(80);
  });
});
