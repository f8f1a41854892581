// The CI flake of pipeline.test.ts ("quick messages … across competing workers": a web chat send
// answered 500): jobs queued behind one person each held a pooled connection while blocked on
// the person's lock, and on a loaded host a send waited past the pool's connection timeout.
// Here each instance has a pool of 3 connections and 8 inbound jobs at once compete for one person.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { WebChatClient } from '../../support/web-client.js';

describe('a small connection pool under one person’s quick messages', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startTestApp({ env: { DATABASE_POOL_SIZE: '3' } });
    second = await startTestApp({ databaseUrl: first.config.databaseUrl, env: { REDIS_PREFIX: first.config.redisPrefix, DATABASE_POOL_SIZE: '3' } });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.dispose();
  });

  it('accepts every send (202) while workers wait for the person’s lock without holding connections', async () => {
    const client = await WebChatClient.start(first.url);
    await waitFor(async () => (await client.messages()).some((m) => m.author === 'bot'), { timeoutMs: 30_000 });
    const texts = Array.from({ length: 16 }, (_, i) => `急ぎのメッセージ${i + 1}`);
    // Watch PostgreSQL for sessions of this database parked on an advisory lock: each would be a
    // pooled connection held by a job that is only waiting.
    const watcher = new pg.Client({ connectionString: first.config.databaseUrl });
    await watcher.connect();
    let parked = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { rows } = await watcher.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
        );
        parked = Math.max(parked, rows[0].n);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const statuses: number[] = [];
    for (const [i, text] of texts.entries()) {
      const via = new WebChatClient(i % 2 ? second.url : first.url);
      via.token = client.token;
      statuses.push((await via.send({ text })).status);
    }
    expect(statuses).toEqual(texts.map(() => 202));
    await waitFor(async () => (await first.runtime.db.inboundEvent.count({ where: { processedAt: null } })) === 0, { timeoutMs: 30_000 });
    watching = false;
    await watch;
    await watcher.end();
    const userTexts = (await client.messages()).filter((m) => m.author === 'user').map((m) => m.text);
    expect(userTexts).toEqual(texts);
    expect(parked).toBe(0);
  }, 60_000);
});
