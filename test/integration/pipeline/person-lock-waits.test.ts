// Every path that takes a person's lock waits for it without a pooled connection (see
// src/pipeline/source-lock.ts): a job on the hand-written SQL path, a job on the Prisma path (a
// message to a claimed case needs a reminder), a counsellor's reply, a status change, and the
// person deleting their web conversation. The lock is held here from outside, for long enough
// that anything waiting inside PostgreSQL is seen in pg_stat_activity — unlike the timing-bound
// pool-pressure drill, this does not depend on which path a message happens to take.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webSourceKey } from '../../../src/channels/web/adapter.js';
import type { Db } from '../../../src/db/client.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, queuedWebCase, StaffClient } from '../../support/staff.js';
import { WebChatClient } from '../../support/web-client.js';

describe('waiting for a person’s lock', () => {
  let app: TestApp;
  let db: Db;
  let holder: pg.Client;
  let watcher: pg.Client;
  let counselor: StaffClient;

  beforeAll(async () => {
    app = await startTestApp({ env: { DATABASE_POOL_SIZE: '3' } });
    db = app.runtime.db;
    holder = new pg.Client({ connectionString: app.config.databaseUrl });
    watcher = new pg.Client({ connectionString: app.config.databaseUrl });
    await Promise.all([holder.connect(), watcher.connect()]);
    counselor = await StaffClient.login(app.url, await createStaff(db, { role: 'COUNSELOR' }));
  });
  afterAll(async () => {
    await holder?.end();
    await watcher?.end();
    await app?.dispose();
  });

  async function sourceKeyOf(contactId: string) {
    const contact = await db.contact.findUniqueOrThrow({ where: { id: contactId } });
    return webSourceKey(contact.channelUserIdHash!);
  }

  /** Holds the lock from outside while `during` runs; returns the most sessions seen waiting on it. */
  async function holdingLockOf(sourceKey: string, during: () => Promise<void>): Promise<number> {
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [sourceKey]);
    let parked = 0;
    try {
      const until = Date.now() + 1_500;
      await during();
      while (Date.now() < until) {
        const { rows } = await watcher.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
        );
        parked = Math.max(parked, rows[0].n);
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await holder.query('COMMIT');
    }
    return parked;
  }

  it('jobs, a reply and a status change wait off the pool, then all go through', async () => {
    const { chat, caseId, contactId } = await queuedWebCase(app.url, db, '家族のことで話を聞いてほしいです');
    expect((await counselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    await waitFor(async () => (await db.inboundEvent.count({ where: { processedAt: null } })) === 0);

    const clientMessageId = randomUUID();
    let reply!: Promise<{ status: number }>;
    let status!: Promise<{ status: number }>;
    let settled = 0;
    const parked = await holdingLockOf(await sourceKeyOf(contactId), async () => {
      // A message to a claimed case goes the Prisma path (the counsellor's reminder).
      expect((await chat.send({ text: 'まだ見てもらえていますか', clientMessageId })).status).toBe(202);
      reply = counselor.post(`/cases/${caseId}/messages`, { text: '見ています。ゆっくりで大丈夫です。', clientMessageId: `reply-${clientMessageId}` });
      status = counselor.post(`/cases/${caseId}/status`, { status: 'WAITING_USER', reason: '返事を待つ' });
      for (const pending of [reply, status]) void pending.finally(() => settled++);
    });
    // Nothing got through while the lock was held: they waited, and not inside PostgreSQL.
    expect(settled).toBe(0);
    expect(parked).toBe(0);

    expect((await reply).status).toBe(201);
    expect((await status).status).toBe(204);
    await waitFor(async () => (await db.inboundEvent.count({ where: { processedAt: null } })) === 0, { timeoutMs: 15_000 });
    expect(await db.message.count({ where: { clientMessageId } })).toBe(1);
    expect(await db.inboundEvent.count({ where: { lastError: { not: null } } })).toBe(0);
  }, 60_000);

  it('the person deleting their conversation waits off the pool too', async () => {
    const chat = await WebChatClient.start(app.url);
    const clientMessageId = randomUUID();
    expect((await chat.send({ text: 'こんにちは', clientMessageId })).status).toBe(202);
    let contactId = '';
    await waitFor(async () => {
      const message = await db.message.findFirst({ where: { clientMessageId }, include: { conversation: true } });
      contactId = message?.conversation.contactId ?? '';
      return contactId !== '';
    });
    let deletion!: Promise<Response>;
    let settled = false;
    const parked = await holdingLockOf(await sourceKeyOf(contactId), async () => {
      deletion = fetch(`${app.url}/api/chat/conversation`, { method: 'DELETE', headers: chat.headers() });
      void deletion.finally(() => (settled = true));
    });
    expect(settled).toBe(false);
    expect(parked).toBe(0);
    expect((await deletion).status).toBe(204);
  }, 60_000);
});
