import type { Db } from '../db/client.js';
import { dataCryptoOf, Prisma, type Channel } from '../db/client.js';
import { sqlLiteral } from '../db/sql.js';
import type { Queues } from '../jobs/queues.js';
import type { Logger } from '../platform/logger.js';

/**
 * Events of one person on one channel share a source key: they are processed in order. It is
 * built from the keyed hash of the channel user id (Contact.channelUserIdHash, or
 * `dataCryptoOf(db).lookupHash(id)`), so no identifier is stored in clear.
 */
export function sourceKeyFor(channel: Channel, channelUserIdHash: string): string {
  return `${channel.toLowerCase()}:${channelUserIdHash}`;
}

/**
 * Holds, until the transaction ends, the lock under which one source's events are processed:
 * anything else that changes that person's conversation takes it too, so it never interleaves.
 */
export async function lockSource(tx: Pick<Db, '$queryRaw'>, sourceKey: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(${sourceKey}, 0))) AS locked`;
}

/** The same lock as an SQL statement without parameters (it goes with BEGIN in one round trip). */
export function lockSourceStatement(sourceKey: string): string {
  return `SELECT pg_advisory_xact_lock(hashtextextended(${sqlLiteral(sourceKey)}, 0))`;
}

export interface InboundEventInput {
  channel: Channel;
  /** The channel's idempotency key (LINE webhookEventId, web client message id). */
  externalId: string;
  /** Events with the same source are processed one at a time, in `occurredAt` order. */
  sourceKey: string;
  occurredAt: Date;
  payload: Prisma.InputJsonValue;
}

export interface StoredEvent {
  id: string;
  sourceKey: string;
  /** False when the event had been stored before (a redelivery or a retried send). */
  isNew: boolean;
}

/**
 * PostgreSQL text and jsonb refuse NUL characters and lone UTF-16 surrogates; a message with
 * either must still be stored (never lose a message), so they become U+FFFD.
 */
export function sanitizeForStorage<T>(value: T): T {
  if (typeof value === 'string') return value.toWellFormed().replaceAll('\u0000', '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(sanitizeForStorage) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [sanitizeForStorage(k), sanitizeForStorage(v)])) as T;
  }
  return value;
}

/**
 * Stores inbound events durably in one statement; duplicates (same channel + external id)
 * are ignored, so a redelivered webhook or a retried send never produces a second event.
 * Raw SQL, so the payload (the event as sent, with the person's words) is encrypted here.
 */
export async function storeInboundEvents(db: Pick<Db, '$queryRaw'>, events: InboundEventInput[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const crypto = dataCryptoOf(db);
  const rows = events.map(
    (e) => Prisma.sql`(gen_random_uuid(), ${e.channel}::"Channel", ${sanitizeForStorage(e.externalId)}, ${sanitizeForStorage(e.sourceKey)}, ${e.occurredAt}, ${JSON.stringify(crypto.encryptJson(sanitizeForStorage(e.payload)))}::jsonb)`,
  );
  const inserted = await db.$queryRaw<{ id: string; externalId: string; sourceKey: string }[]>`
    INSERT INTO "InboundEvent" ("id", "channel", "externalId", "sourceKey", "occurredAt", "payload")
    VALUES ${Prisma.join(rows)}
    ON CONFLICT ("channel", "externalId") DO NOTHING
    RETURNING "id", "externalId", "sourceKey"`;
  const insertedByExternalId = new Map(inserted.map((row) => [row.externalId, row]));
  const result: StoredEvent[] = [];
  for (const event of events) {
    const row = insertedByExternalId.get(event.externalId);
    if (row) {
      result.push({ id: row.id, sourceKey: row.sourceKey, isNew: true });
      insertedByExternalId.delete(event.externalId);
    } else {
      result.push({ id: '', sourceKey: event.sourceKey, isNew: false });
    }
  }
  return result;
}

/**
 * Asks a worker to process the given sources. Best effort: if Redis is down the events are
 * already stored and the sweeper enqueues them when Redis is back, so this never throws.
 */
export async function requestProcessing(queues: Queues, events: StoredEvent[], logger: Logger): Promise<void> {
  const fresh = events.filter((e) => e.isNew);
  const results = await Promise.allSettled(
    fresh.map((e) => queues.add('inbound', e.id, { sourceKey: e.sourceKey })),
  );
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed > 0) logger.warn({ failed }, 'could not enqueue stored events; the sweeper will pick them up');
}

/** Stored events that no worker has processed yet, oldest first (for the sweeper). */
export async function findUnprocessedSources(db: Db, olderThan: Date, maxAttempts: number, limit = 500) {
  return db.$queryRaw<{ id: string; sourceKey: string }[]>`
    SELECT DISTINCT ON ("sourceKey") "id", "sourceKey"
    FROM "InboundEvent"
    WHERE "processedAt" IS NULL AND "receivedAt" < ${olderThan} AND "attempts" < ${maxAttempts}
    ORDER BY "sourceKey", "receivedAt"
    LIMIT ${limit}`;
}
