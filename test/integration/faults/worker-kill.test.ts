// The short fault test that runs with `npm test`: kill -9 the worker process mid-load, start a new
// one, and every acknowledged event is processed exactly once, in order. The events are in LINE
// standby mode (stored and processed, never answered), so the test does not wait for answers
// queued behind the killed worker's; test/faults/kill-worker.test.ts does, with the other long
// fault tests (`npm run test:faults`: app killed, Redis restarted, PostgreSQL cut, LINE API failing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.js';
import { account, createDeployment, LineTraffic, waitProcessed, type Deployment } from '../../faults/support/harness.js';

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
    const traffic = new LineTraffic(() => app.url, { users: 20, eventsPerSecond: 30, standby: true });
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
    const result = await account(deployment, acked);
    expect(result.missingMessages).toEqual([]);
    expect(result.duplicateMessages).toEqual([]);
    expect(result.outOfOrder).toBe(0);
    expect(result.deliveries).toBe(0);
  }, 60_000);
});
