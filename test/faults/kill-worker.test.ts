// kill -9 the worker process mid-load (processing and sending), start a new one: every
// acknowledged event is processed exactly once, in order, and every answer reaches LINE.
// (test/integration/faults/worker-kill.test.ts is the short version that runs with `npm test`.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { account, createDeployment, LineTraffic, waitDeliveriesSettled, waitProcessed, type Deployment } from './support/harness.js';

describe('fault: the worker is killed (SIGKILL) mid-load', () => {
  let deployment: Deployment;
  let app: TestApp;

  beforeAll(async () => {
    deployment = await createDeployment();
    // The webhook in this process (quick to start); the worker in its own, to be killed.
    app = await startTestApp({ databaseUrl: deployment.databaseUrl, worker: false, env: { ...deployment.env(), LOG_LEVEL: 'warn' } });
  });
  afterAll(async () => {
    await app?.stop();
    await deployment?.dispose();
  });

  it('processes every acknowledged event exactly once after a new worker starts', async () => {
    const worker = await deployment.startWorker();
    const traffic = new LineTraffic(() => app.url, { users: 30, eventsPerSecond: 25 });
    traffic.start();
    await new Promise((r) => setTimeout(r, 2_500));
    await worker.kill9();
    const processedAtKill = await deployment.db.inboundEvent.count({ where: { processedAt: { not: null } } });
    await new Promise((r) => setTimeout(r, 1_000));
    await deployment.startWorker('worker-restarted');
    await new Promise((r) => setTimeout(r, 1_500));
    await traffic.stop();

    const acked = traffic.acked;
    expect(processedAtKill).toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThan(60);
    expect(traffic.statuses['200']).toBe(acked.length);

    // Jobs the killed worker held are recovered by the sweeper (stored events with no progress).
    const { unprocessed, ms } = await waitProcessed(deployment.db, acked.map((e) => e.id), 25_000);
    expect(unprocessed, `acknowledged but not processed ${ms} ms after the load\n${deployment.logs()}`).toEqual([]);
    // A delivery the killed worker held is re-run by the sweeper (every 15 s, after 5 s without
    // progress); the person's later deliveries wait for it, to keep their order, and retry with
    // backoff meanwhile — so the last ones may take a minute.
    const settleStarted = Date.now();
    await waitDeliveriesSettled(deployment.db, 90_000);
    const settleMs = Date.now() - settleStarted;
    const result = await account(deployment, acked);
    expect(result.missingMessages).toEqual([]);
    expect(result.duplicateMessages).toEqual([]);
    expect(result.outOfOrder).toBe(0);
    expect(result.unsentDeliveries).toBe(0);
    expect(result.undelivered, result.details.join('\n')).toBe(0);
    // At least once: a reply LINE accepted just before the kill, not yet marked sent, goes out
    // again as a push (reply tokens have no retry key). Only that kind of duplicate, and only
    // for deliveries in flight at the kill (a worker sends 8 at a time).
    expect(result.duplicateDeliveries - result.replyThenPush, result.details.join('\n')).toBe(0);
    expect(result.replyThenPush, result.details.join('\n')).toBeLessThanOrEqual(8);
    console.info(`kill -9 worker: ${acked.length} acknowledged, all processed ${ms} ms after the load, ${result.deliveries} deliveries all sent ${settleMs} ms later (${result.replyThenPush} sent twice: reply accepted just before the kill, then pushed)`);
  }, 180_000);
});
