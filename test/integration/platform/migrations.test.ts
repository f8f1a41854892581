import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, MigrationError } from '../../../src/db/migrate.js';
import { createEmptyDatabase } from '../../support/databases.js';

describe('migrations on start', () => {
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  beforeAll(async () => {
    database = await createEmptyDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('creates the whole schema on an empty database, offline', async () => {
    await applyMigrations(database.url);
    const tables = (await query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).map((r) => r.table_name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'Contact', 'Conversation', 'Message', 'InboundEvent', 'OutboundDelivery', 'Case', 'IntakeAnswer',
        'Consent', 'StaffUser', 'StaffSession', 'Note', 'Handover', 'Reminder', 'AuditEvent', '_prisma_migrations',
      ]),
    );
    const applied = await query<{ count: string }>(`SELECT count(*) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`);
    expect(Number(applied[0]!.count)).toBeGreaterThan(0);
  });

  it('has the indexes the staff queue relies on', async () => {
    const indexes = (await query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE tablename = 'Case'`)).map((r) => r.indexdef);
    expect(indexes.some((d) => d.includes('(status, urgency, "waitingSince")'))).toBe(true);
  });

  it('is a no-op the second time', async () => {
    const before = await query<{ count: string }>(`SELECT count(*) FROM "_prisma_migrations"`);
    await applyMigrations(database.url);
    const after = await query<{ count: string }>(`SELECT count(*) FROM "_prisma_migrations"`);
    expect(after).toEqual(before);
  });

  it('keeps the audit log append-only', async () => {
    await query(`INSERT INTO "AuditEvent" ("actorType", "action") VALUES ('system', 'test.appended')`);
    await expect(query(`UPDATE "AuditEvent" SET "action" = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(query(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
  });

  it('fails with a clear error when the database cannot be reached', async () => {
    await expect(applyMigrations('postgresql://postgres@127.0.0.1:1/nothing')).rejects.toBeInstanceOf(MigrationError);
  });
});
