// PostgreSQL goes away (the app and the worker are cut off through a TCP proxy) under load: the
// webhook answers 5xx — never 200 for an event it could not store — so LINE redelivers, and
// everything recovers by itself when PostgreSQL is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, waitFor } from '../support/services.js';
import { account, createDeployment, LineTraffic, waitDeliveriesSettled, waitProcessed, type Deployment } from './support/harness.js';

describe('fault: PostgreSQL is unreachable for a while under load', () => {
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let deployment: Deployment;

  beforeAll(async () => {
    proxy = await startTcpProxy(5432);
    deployment = await createDeployment({
      databaseUrl: (url) => {
        const viaProxy = new URL(url);
        viaProxy.port = String(proxy.port);
        return viaProxy.toString();
      },
    });
  });
  afterAll(async () => {
    await deployment?.dispose();
    await proxy?.close();
  });

  it('answers 5xx while PostgreSQL is gone, recovers when it is back, and loses nothing', async () => {
    const app = await deployment.startApp();
    await deployment.startWorker();
    // LINE redelivers what got no 2xx (the redelivery setting on): every event must end up processed.
    const traffic = new LineTraffic(() => app.url!, { users: 20, eventsPerSecond: 40, redeliver: true, redeliverAfterMs: 1_000 });
    traffic.start();
    await new Promise((r) => setTimeout(r, 3_000));

    proxy.cut();
    const cutAt = Date.now();
    // The process knows: readiness goes down (a load balancer would stop sending).
    await waitFor(async () => (await fetch(`${app.url}/readyz`)).status === 503, { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 5_000));
    proxy.restore();
    const restoredAt = Date.now();
    await waitFor(async () => (await fetch(`${app.url}/readyz`)).status === 200, { timeoutMs: 20_000 });
    const readyAfterMs = Date.now() - restoredAt;
    await new Promise((r) => setTimeout(r, 3_000));
    await traffic.stop();
    await traffic.settle(30_000);
    traffic.close();

    // While cut off (after in-flight requests drained): only 5xx or refused, never a 200.
    const during = traffic.log.filter((l) => l.at > cutAt + 500 && l.at + l.ms < restoredAt);
    expect(during.length).toBeGreaterThan(10);
    expect(during.filter((l) => l.status === 200)).toEqual([]);
    expect(during.filter((l) => l.status >= 500).length, JSON.stringify(traffic.statuses)).toBeGreaterThan(0);
    // LINE wants an answer within 2 s: the webhook fails fast rather than hanging.
    const slowest = Math.max(...during.map((l) => l.ms));
    expect(slowest).toBeLessThan(4_000);
    // After the restore: accepted again, and every event eventually acknowledged through redelivery.
    expect(traffic.log.some((l) => l.at > restoredAt && l.status === 200)).toBe(true);
    expect(traffic.unacked).toEqual([]);

    const acked = traffic.acked;
    const { unprocessed, ms } = await waitProcessed(deployment.db, acked.map((e) => e.id), 60_000);
    expect(unprocessed, `acknowledged but not processed ${ms} ms after the load\n${deployment.logs()}`).toEqual([]);
    await waitDeliveriesSettled(deployment.db, 30_000);
    const result = await account(deployment, acked);
    expect(result.missingMessages).toEqual([]);
    expect(result.duplicateMessages).toEqual([]);
    expect(result.outOfOrder).toBe(0);
    expect(result.unsentDeliveries).toBe(0);
    expect(result.undelivered, result.details.join('\n')).toBe(0);
    // At least once: a reply LINE accepted while PostgreSQL was gone could not be marked sent,
    // and its retry pushed it again (reply tokens have no retry key). Only that kind, and only
    // for the deliveries in flight when PostgreSQL went away (a worker sends 8 at a time).
    expect(result.duplicateDeliveries - result.replyThenPush, result.details.join('\n')).toBe(0);
    expect(result.replyThenPush, result.details.join('\n')).toBeLessThanOrEqual(8);
    const fivexx = during.filter((l) => l.status >= 500).length;
    console.info(`PostgreSQL cut: ${during.length} requests while cut (${fivexx} × 5xx, slowest ${slowest} ms), ready again ${readyAfterMs} ms after the restore, ${acked.length} events acknowledged in the end (statuses ${JSON.stringify(traffic.statuses)}), all processed ${ms} ms after the load; ${result.deliveries} deliveries, ${result.replyThenPush} sent twice (reply accepted while the database was away, then pushed)`);
  }, 180_000);
});
