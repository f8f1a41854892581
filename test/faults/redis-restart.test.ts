// Redis restarts under load and comes back empty (no persistence): nothing stored in PostgreSQL
// is lost — the sweeper re-enqueues stored events and deliveries, the reconciler restores the
// delayed jobs of pending reminders — and nothing is done twice.
import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues } from '../../src/jobs/queues.js';
import { createRedis } from '../../src/platform/redis.js';
import { fireJobId } from '../../src/reminders/reminders.js';
import { fakeLineUserId, lineEvents, postLineWebhook } from '../fakes/fake-line-api.js';
import { startPrivateRedis } from '../support/services.js';
import { account, createDeployment, LineTraffic, SECRET, waitDeliveriesSettled, waitProcessed, type Deployment } from './support/harness.js';

describe('fault: Redis restarts empty under load', () => {
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let deployment: Deployment;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    deployment = await createDeployment({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await deployment?.dispose();
    await redis?.stop();
  });

  /** Pending FOLLOW_UP reminders on an open case, with their delayed jobs (as the app schedules them). */
  async function pendingReminders(count: number, dueInMs: number) {
    const { db } = deployment;
    const contact = await db.contact.create({ data: { channel: 'WEB', channelUserId: randomUUID() } });
    const conversation = await db.conversation.create({ data: { contactId: contact.id } });
    const now = new Date();
    const kase = await db.case.create({ data: { conversationId: conversation.id, channel: 'WEB', status: 'QUEUED', queuedAt: now, waitingSince: now } });
    const reminders = [];
    for (let i = 0; i < count; i++) {
      reminders.push(await db.reminder.create({ data: { kind: 'FOLLOW_UP', caseId: kase.id, dueAt: new Date(now.getTime() + dueInMs + i * 100) } }));
    }
    const connection = createRedis(redis.url);
    const queues = createQueues(connection as unknown as ConnectionOptions, deployment.prefix);
    for (const r of reminders) {
      await queues.add('reminders', fireJobId(r.id), { reminderId: r.id, stage: 'fire' }, { delay: r.dueAt.getTime() - Date.now() });
    }
    await queues.close();
    connection.disconnect();
    return reminders;
  }

  it('loses no acknowledged event, restores pending reminders, and sends every delivery once', async () => {
    const app = await deployment.startApp();
    await deployment.startWorker();
    const reminders = await pendingReminders(5, 12_000);
    const traffic = new LineTraffic(() => app.url!, { users: 20, eventsPerSecond: 40 });
    traffic.start();
    await new Promise((r) => setTimeout(r, 3_000));

    // Redis goes away (kill -9, no persistence) and comes back empty on the same port.
    await redis.stop();
    const downAt = Date.now();
    // People who write only while Redis is down, and never again: only the sweeper can find
    // their stored events (nothing later of theirs will drain their queue).
    const loners: string[] = [];
    for (let i = 0; i < 10; i++) {
      const follow = lineEvents.follow(fakeLineUserId());
      const response = await postLineWebhook(app.url!, SECRET, { events: [follow] });
      expect(response.status).toBe(200);
      loners.push(follow.webhookEventId);
    }
    await new Promise((r) => setTimeout(r, 2_500));
    const ackedWhileDown = traffic.acked.filter((e) => e.ackedAt! > downAt).length;
    redis = await startPrivateRedis(redis.port);
    await new Promise((r) => setTimeout(r, 4_000));
    await traffic.stop();

    const acked = traffic.acked;
    // The webhook does not need Redis to acknowledge: events are stored in PostgreSQL first.
    expect(ackedWhileDown, JSON.stringify(traffic.statuses)).toBeGreaterThan(20);
    expect(traffic.statuses['200']).toBe(acked.length);

    const { unprocessed, ms } = await waitProcessed(deployment.db, [...acked.map((e) => e.id), ...loners], 60_000);
    expect(unprocessed, `acknowledged but not processed ${ms} ms after the load\n${deployment.logs()}`).toEqual([]);

    // The reminders' delayed jobs died with Redis; the reconciler rebuilt them from PostgreSQL.
    const deadline = Date.now() + 45_000;
    let fired = 0;
    while (Date.now() < deadline) {
      fired = await deployment.db.reminder.count({ where: { id: { in: reminders.map((r) => r.id) }, firedAt: { not: null } } });
      if (fired === reminders.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(fired, `pending reminders fired after the Redis restart\n${deployment.logs()}`).toBe(reminders.length);
    expect(await deployment.db.notification.count({ where: { reminderId: { in: reminders.map((r) => r.id) } } })).toBe(reminders.length);

    await waitDeliveriesSettled(deployment.db, 30_000);
    const result = await account(deployment, acked);
    expect(result.missingMessages).toEqual([]);
    expect(result.duplicateMessages).toEqual([]);
    expect(result.outOfOrder).toBe(0);
    expect(result.unsentDeliveries).toBe(0);
    expect(result.undelivered, result.details.join('\n')).toBe(0);
    expect(result.duplicateDeliveries, result.details.join('\n')).toBe(0);
    console.info(`Redis restart: ${acked.length} acknowledged (${ackedWhileDown} while Redis was down), all processed ${ms} ms after the load, ${fired} reminders fired, ${result.deliveries} deliveries once each`);
  }, 180_000);
});
