import { dataCryptoOf, type Db } from '../db/client.js';
import type { JobPayload, Queues } from '../jobs/queues.js';
import type { Logger } from '../platform/logger.js';
import { findUnprocessedSources, requestProcessing, sourceKeyFor, storeInboundEvents } from './inbox.js';
import type { SystemEvent } from './system-events.js';
import { MAX_EVENT_ATTEMPTS } from './process-source.js';

/** Events and deliveries older than this with no progress are assumed lost from Redis. */
export const SWEEP_GRACE_MS = 5_000;

/**
 * Re-enqueues stored work that has no live job: events stored while Redis was down, and whatever
 * a Redis restart (which keeps nothing on disk here) forgot. Work whose job is still waiting,
 * running or backing off, and a delivery leased to its sender, are left alone, so a slow
 * delivery is never sent twice in parallel; a
 * job that finished or failed without finishing the work is replaced under the same id.
 */
export async function sweep(deps: { db: Db; queues: Queues; logger: Logger }, now = new Date()): Promise<{ sources: number; deliveries: number }> {
  const olderThan = new Date(now.getTime() - SWEEP_GRACE_MS);
  let sources = 0;
  for (const source of await findUnprocessedSources(deps.db, olderThan, MAX_EVENT_ATTEMPTS)) {
    if (await ensureJob(deps.queues, 'inbound', source.id, { sourceKey: source.sourceKey })) sources++;
  }
  let deliveries = 0;
  const pending = await deps.db.outboundDelivery.findMany({
    // A leased delivery is being sent right now (its sender gives it back or the lease ends).
    where: { status: 'PENDING', createdAt: { lt: olderThan }, OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: 500,
  });
  for (const delivery of pending) {
    if (await ensureJob(deps.queues, 'delivery', delivery.id, { deliveryId: delivery.id })) deliveries++;
  }
  let notifications = 0;
  const undelivered = await deps.db.notification.findMany({
    where: { deliveredAt: null, createdAt: { lt: olderThan, gt: new Date(now.getTime() - 24 * 60 * 60_000) } },
    select: { id: true },
    take: 500,
  });
  for (const notification of undelivered) {
    if (await ensureJob(deps.queues, 'notify', notification.id, { notificationId: notification.id })) notifications++;
  }
  if (sources + deliveries + notifications > 0) {
    deps.logger.info({ sources, deliveries, notifications }, 'sweeper re-enqueued stored work');
  }
  return { sources, deliveries };
}

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** Adds the job unless one with this id is still live; true when it was (re-)added. */
async function ensureJob<Q extends 'inbound' | 'delivery' | 'notify'>(queues: Queues, queue: Q, jobId: string, payload: JobPayload<Q>): Promise<boolean> {
  const existing = await queues[queue].getJob(jobId);
  if (existing) {
    if (LIVE_STATES.has(await existing.getState())) return false;
    await existing.remove().catch(() => {});
  }
  await queues.add(queue, jobId, payload);
  return true;
}

/** An intake nobody has touched for this long goes to staff with what was collected. */
export const INTAKE_INACTIVITY_MS = 30 * 60_000;

/**
 * Finds intakes left half-way (the person stopped answering) and puts an `inactivity` event in
 * the person's own queue, so the core hands what was collected to staff, in order with anything
 * the person writes. One event per idle period: its id carries the time of the last message.
 */
export async function signalInactiveIntakes(deps: { db: Db; queues: Queues; logger: Logger }, now = new Date()): Promise<number> {
  const idleSince = new Date(now.getTime() - INTAKE_INACTIVITY_MS);
  // Raw SQL: the state is encrypted, so the plain `phase` column kept beside it is what is queried,
  // and the channel user id comes back as ciphertext.
  const idle = await deps.db.$queryRaw<{ conversationId: string; lastInboundAt: Date; channel: 'LINE' | 'WEB'; channelUserId: string; channelUserIdHash: string | null }[]>`
    SELECT c."id" AS "conversationId", c."lastInboundAt", ct."channel", ct."channelUserId", ct."channelUserIdHash"
    FROM "Conversation" c
    JOIN "Contact" ct ON ct."id" = c."contactId"
    LEFT JOIN "Case" k ON k."conversationId" = c."id"
    WHERE c."lastInboundAt" < ${idleSince}
      AND c."phase" = 'intake'
      AND (k."id" IS NULL OR k."status" = 'INTAKE')
      AND ct."blockedAt" IS NULL
      AND ct."channelUserId" IS NOT NULL
    LIMIT 500`;
  if (idle.length === 0) return 0;
  const crypto = dataCryptoOf(deps.db);
  const stored = await storeInboundEvents(
    deps.db,
    idle.map((row) => {
      const channelUserId = crypto.decryptString(row.channelUserId);
      return {
        channel: row.channel,
        externalId: `inactivity:${row.conversationId}:${row.lastInboundAt.getTime()}`,
        sourceKey: sourceKeyFor(row.channel, row.channelUserIdHash ?? crypto.lookupHash(channelUserId)),
        occurredAt: now,
        payload: { system: 'inactivity', channelUserId } satisfies SystemEvent,
      };
    }),
  );
  await requestProcessing(deps.queues, stored, deps.logger);
  return stored.filter((s) => s.isNew).length;
}
