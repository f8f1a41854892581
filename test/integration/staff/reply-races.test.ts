// A person writing while a counsellor replies, many times at once, and a counsellor's double
// click: no deadlock, no 500, every message stored once.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, queuedWebCase, StaffClient } from '../../support/staff.js';
import type { WebChatClient } from '../../support/web-client.js';

describe('staff replies racing the pipeline', () => {
  let app: TestApp;
  let db: Db;
  let sql: pg.Client;
  let counselor: StaffClient;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    sql = new pg.Client({ connectionString: app.config.databaseUrl });
    await sql.connect();
    counselor = await StaffClient.login(app.url, await createStaff(db, { role: 'COUNSELOR' }));
  });
  afterAll(async () => {
    await sql?.end();
    await app?.dispose();
  });

  const deadlocks = async () => Number((await sql.query(`SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`)).rows[0].deadlocks);

  async function personSays(chat: WebChatClient, text: string, ip: string) {
    const response = await fetch(`${app.url}/api/chat/messages`, {
      method: 'POST',
      headers: chat.headers({ 'content-type': 'application/json', 'x-forwarded-for': ip }),
      body: JSON.stringify({ clientMessageId: randomUUID(), text }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('100 concurrent message/reply pairs: no deadlock, no 500, every message stored', async () => {
    const cases: { chat: WebChatClient; caseId: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const queued = await queuedWebCase(app.url, db, `相談${i}`);
      expect((await counselor.post(`/cases/${queued.caseId}/claim`)).status).toBe(200);
      cases.push(queued);
    }
    const before = await deadlocks();
    const pairs = Array.from({ length: 100 }, (_, i) => ({ kase: cases[i % cases.length]!, i }));
    const results = await Promise.all(
      pairs.map(async ({ kase, i }) => {
        const [person, reply] = await Promise.all([
          personSays(kase.chat, `本人のメッセージ${i}`, `198.18.0.${i % cases.length}`),
          counselor.post(`/cases/${kase.caseId}/messages`, { text: `相談員の返信${i}`, clientMessageId: `race-reply-${i}` }),
        ]);
        return { person, reply: reply.status };
      }),
    );
    expect(results.map((r) => r.person).filter((s) => s !== 202)).toEqual([]);
    expect(results.map((r) => r.reply).filter((s) => s !== 201)).toEqual([]);
    // Every reply stored once; every message of the person processed.
    expect(await db.message.count({ where: { author: 'STAFF', clientMessageId: { startsWith: 'race-reply-' } } })).toBe(100);
    await waitFor(async () => (await db.inboundEvent.count({ where: { processedAt: null } })) === 0, { timeoutMs: 60_000 });
    expect(await db.inboundEvent.count({ where: { lastError: { not: null } } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: 'event.dead_letter' } })).toBe(0);
    // PostgreSQL's own count of deadlocks it had to break in this database.
    expect(await deadlocks()).toBe(before);
  }, 120_000);

  it('concurrent replies with the same client message id: one stored and sent, every answer 2xx with the same message', async () => {
    const { caseId, chat } = await queuedWebCase(app.url, db, '二重送信の確認');
    expect((await counselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    const clientMessageId = `double-${randomUUID().slice(0, 8)}`;
    const answers = await Promise.all(Array.from({ length: 10 }, () => counselor.post(`/cases/${caseId}/messages`, { text: 'お返事です', clientMessageId })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    const ids = new Set(answers.map((a) => a.body.message.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(await db.message.count({ where: { clientMessageId } })).toBe(1);
    expect(await db.auditEvent.count({ where: { caseId, action: 'case.replied' } })).toBe(1);
    await waitFor(async () => (await chat.messages()).some((m) => m.text === 'お返事です'));
    expect((await chat.messages()).filter((m) => m.text === 'お返事です')).toHaveLength(1);
  }, 60_000);
});
