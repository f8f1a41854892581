// Redis frozen — its process stopped with SIGSTOP, so connections stay open and nothing answers
// (a hung host, a swap storm), which is worse than Redis down: a command waits forever. Web chat
// sends and staff replies must still answer within a bounded time, and no message is lost.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { startPrivateRedis, waitFor } from '../../support/services.js';
import { createStaff, queuedWebCase, StaffClient } from '../../support/staff.js';

/** Longer than any bounded wait in the app, far shorter than a hang. */
const ANSWER_WITHIN_MS = 6_000;

describe('Redis frozen', () => {
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let app: TestApp;
  let db: Db;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    app = await startTestApp({ env: { REDIS_URL: redis.url } });
    db = app.runtime.db;
  });
  afterAll(async () => {
    redis?.thaw();
    await app?.dispose();
    await redis?.stop();
  });

  it('web chat sends and staff replies answer in bounded time; every message arrives once Redis is back', async () => {
    const counselor = await StaffClient.login(app.url, await createStaff(db));
    const { chat, caseId } = await queuedWebCase(app.url, db, 'Redisが止まる前の相談');
    expect((await counselor.post(`/cases/${caseId}/claim`)).status).toBe(200);

    redis.freeze();
    try {
      const clientMessageId = `frozen-${randomUUID().slice(0, 8)}`;
      const send = await fetch(`${app.url}/api/chat/messages`, {
        method: 'POST',
        headers: chat.headers({ 'content-type': 'application/json' }),
        body: JSON.stringify({ clientMessageId, text: 'Redisが止まっている間のメッセージ' }),
        signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
      });
      // Stored in PostgreSQL, so accepted; if it could not be, a clear 503 the page retries.
      expect([202, 503]).toContain(send.status);

      const reply = await fetch(`${app.url}/api/staff/cases/${caseId}/messages`, {
        method: 'POST',
        headers: { cookie: counselor.cookie, 'x-csrf-token': counselor.csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Redisが止まっている間の返信', clientMessageId: `reply-${clientMessageId}` }),
        signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
      });
      expect([201, 503]).toContain(reply.status);
      const sendAccepted = send.status === 202;
      const replyStored = reply.status === 201;

      redis.thaw();
      // Nothing lost: what was accepted is processed (the sweeper re-enqueues what Redis missed),
      // and what was refused can be sent again with the same id.
      if (!sendAccepted) expect((await chat.send({ clientMessageId, text: 'Redisが止まっている間のメッセージ' })).status).toBe(202);
      if (!replyStored) expect((await counselor.post(`/cases/${caseId}/messages`, { text: 'Redisが止まっている間の返信', clientMessageId: `reply-${clientMessageId}` })).status).toBe(201);
      await waitFor(async () => {
        const texts = (await chat.messages()).map((m) => m.text);
        return texts.includes('Redisが止まっている間のメッセージ') && texts.includes('Redisが止まっている間の返信');
      }, { timeoutMs: 45_000, intervalMs: 250 });
      const texts = (await chat.messages()).map((m) => m.text);
      expect(texts.filter((t) => t === 'Redisが止まっている間のメッセージ')).toHaveLength(1);
      expect(texts.filter((t) => t === 'Redisが止まっている間の返信')).toHaveLength(1);
    } finally {
      redis.thaw();
    }
  }, 90_000);
});
