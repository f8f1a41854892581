// kill -9 the app (the webhook) under load: whatever it acknowledged is processed after the
// restart, once, in order; what it did not acknowledge LINE redelivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/services.js';
import { account, createDeployment, LineTraffic, waitDeliveriesSettled, waitProcessed, type Deployment } from './support/harness.js';

describe('fault: the app is killed (SIGKILL) under load', () => {
  let deployment: Deployment;

  beforeAll(async () => {
    deployment = await createDeployment();
  });
  afterAll(async () => {
    await deployment?.dispose();
  });

  it('every acknowledged event is processed after the restart, exactly once and in order', async () => {
    const port = await freePort();
    let app = await deployment.startApp({ port, label: 'app' });
    await deployment.startWorker();
    // Without redelivery: only what the app acknowledged is owed (LINE would resend the rest).
    const traffic = new LineTraffic(() => app.url!, { users: 25, eventsPerSecond: 60 });
    traffic.start();
    await new Promise((r) => setTimeout(r, 3_000));

    await app.kill9();
    const killedAt = Date.now();
    const ackedBeforeKill = traffic.acked.length;
    await new Promise((r) => setTimeout(r, 1_000));
    app = await deployment.startApp({ port, label: 'app-restarted' });
    const downMs = Date.now() - killedAt;
    await new Promise((r) => setTimeout(r, 3_000));
    await traffic.stop();

    const acked = traffic.acked;
    expect(ackedBeforeKill).toBeGreaterThan(50);
    expect(acked.length).toBeGreaterThan(ackedBeforeKill + 50); // the restarted app took traffic again
    expect(traffic.statuses.error ?? 0, 'requests failed while the app was down').toBeGreaterThan(0);

    const { unprocessed, ms } = await waitProcessed(deployment.db, acked.map((e) => e.id), 40_000);
    expect(unprocessed, `acknowledged but not processed ${ms} ms after the load\n${deployment.logs()}`).toEqual([]);
    await waitDeliveriesSettled(deployment.db, 20_000);
    const result = await account(deployment, acked);
    expect(result.missingMessages).toEqual([]);
    expect(result.duplicateMessages).toEqual([]);
    expect(result.outOfOrder).toBe(0);
    expect(result.unsentDeliveries).toBe(0);
    expect(result.undelivered, result.details.join('\n')).toBe(0);
    // The worker was not killed: no delivery was interrupted, so none may arrive twice.
    expect(result.duplicateDeliveries, result.details.join('\n')).toBe(0);
    console.info(`kill -9 app: ${acked.length} acknowledged (${ackedBeforeKill} before the kill), down ${downMs} ms, statuses ${JSON.stringify(traffic.statuses)}, all processed ${ms} ms after the load, ${result.deliveries} deliveries once each`);
  }, 120_000);
});
