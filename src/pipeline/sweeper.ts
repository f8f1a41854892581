import type { Db } from '../db/client.js';
import type { Queues } from '../jobs/queues.js';
import type { Logger } from '../platform/logger.js';
import { findUnprocessedSources } from './inbox.js';
import { MAX_EVENT_ATTEMPTS } from './process-source.js';

/** Events and deliveries older than this with no progress are assumed lost from Redis. */
export const SWEEP_GRACE_MS = 5_000;

/**
 * Re-enqueues stored work that has no job: events stored while Redis was down, and whatever a
 * Redis restart (which keeps nothing on disk here) forgot. Job ids carry a time bucket so a
 * re-enqueue is never swallowed by a finished job of the same id; the advisory lock and the
 * PENDING status make duplicates harmless.
 */
export async function sweep(deps: { db: Db; queues: Queues; logger: Logger }, now = new Date()): Promise<{ sources: number; deliveries: number }> {
  const olderThan = new Date(now.getTime() - SWEEP_GRACE_MS);
  const bucket = Math.floor(now.getTime() / SWEEP_GRACE_MS);
  const sources = await findUnprocessedSources(deps.db, olderThan, MAX_EVENT_ATTEMPTS);
  for (const source of sources) {
    await deps.queues.add('inbound', `${source.id}-s${bucket}`, { sourceKey: source.sourceKey });
  }
  const deliveries = await deps.db.outboundDelivery.findMany({
    where: { status: 'PENDING', createdAt: { lt: olderThan } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: 500,
  });
  for (const delivery of deliveries) {
    await deps.queues.add('delivery', `${delivery.id}-s${bucket}`, { deliveryId: delivery.id });
  }
  if (sources.length + deliveries.length > 0) {
    deps.logger.info({ sources: sources.length, deliveries: deliveries.length }, 'sweeper re-enqueued stored work');
  }
  return { sources: sources.length, deliveries: deliveries.length };
}
