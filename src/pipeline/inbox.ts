import type { Db } from '../db/client.js';
import { dataCryptoOf, Prisma, type Channel, type DataCrypto } from '../db/client.js';
import { prismaExecutor, type SqlExecutor } from '../db/sql.js';
import type { Queues } from '../jobs/queues.js';
import type { Logger } from '../platform/logger.js';

/**
 * Events of one person on one channel share a source key: they are processed in order. It is
 * built from the keyed hash of the channel user id (Contact.channelUserIdHash, or
 * `dataCryptoOf(db).lookupHash(id)`), so no identifier is stored in clear. It names the
 * person's lock too (source-lock.ts).
 */
export function sourceKeyFor(channel: Channel, channelUserIdHash: string): string {
  return `${channel.toLowerCase()}:${channelUserIdHash}`;
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
 * The JSON text of a payload as it is stored: sanitizeForStorage's result, serialised. JSON.stringify
 * writes NUL and lone surrogates as \u escapes (\u0000, \ud800–\udfff), so a text without any such
 * escape needs no rebuilding of the value — the common case, checked with one scan.
 */
function storablePayloadJson(payload: Prisma.InputJsonValue): string {
  const json = JSON.stringify(payload);
  return /\\u(?:0000|d[89a-f])/i.test(json) ? JSON.stringify(sanitizeForStorage(payload)) : json;
}

const INSERT_INBOUND_EVENTS = `
  INSERT INTO "InboundEvent" ("id", "channel", "externalId", "sourceKey", "occurredAt", "payload")
  SELECT gen_random_uuid(), e."channel"::"Channel", e."externalId", e."sourceKey", e."occurredAt"::timestamptz AT TIME ZONE 'UTC', e."payload"::jsonb
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS e("channel", "externalId", "sourceKey", "occurredAt", "payload")
  ON CONFLICT ("channel", "externalId") DO NOTHING
  RETURNING "id", "channel"::text AS "channel", "externalId", "sourceKey"`;

/**
 * Stores inbound events durably in one statement; duplicates (same channel + external id)
 * are ignored, so a redelivered webhook or a retried send never produces a second event.
 * Raw SQL, so the payload (the event as sent, with the person's words) is encrypted here.
 * Works on the client or inside the caller's transaction.
 */
export async function storeInboundEvents(db: Pick<Db, '$queryRawUnsafe'>, events: InboundEventInput[]): Promise<StoredEvent[]> {
  return insertInboundEvents(prismaExecutor(db), dataCryptoOf(db), events);
}

/**
 * storeInboundEvents on any SQL executor: the webhook sends it straight to the `pg` pool
 * (src/db/sql.ts), where it costs a fraction of a Prisma query. The rows go in as five array
 * parameters (UNNEST): one statement text for any number of events, with a cost that does not
 * grow by a bound parameter per column and row.
 */
export async function insertInboundEvents(sql: SqlExecutor, crypto: DataCrypto, events: InboundEventInput[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const channels: string[] = [];
  const externalIds: string[] = [];
  const sourceKeys: string[] = [];
  const occurredAts: string[] = [];
  const payloads: string[] = [];
  for (const e of events) {
    channels.push(e.channel);
    externalIds.push(sanitizeForStorage(e.externalId));
    sourceKeys.push(sanitizeForStorage(e.sourceKey));
    occurredAts.push(e.occurredAt.toISOString());
    // A jsonb string: the ciphertext (base64url and colons) needs no escaping inside the quotes.
    payloads.push(`"${crypto.encryptJsonText(storablePayloadJson(e.payload))}"`);
  }
  const inserted = await sql.query<{ id: string; channel: string; externalId: string; sourceKey: string }>(INSERT_INBOUND_EVENTS, [
    channels,
    externalIds,
    sourceKeys,
    occurredAts,
    payloads,
  ]);
  const insertedByKey = new Map(inserted.map((row) => [`${row.channel}:${row.externalId}`, row]));
  return events.map((event, index) => {
    const key = `${event.channel}:${externalIds[index]}`;
    const row = insertedByKey.get(key);
    if (!row) return { id: '', sourceKey: event.sourceKey, isNew: false };
    // A second copy of the same event in this call was not inserted: only the first is new.
    insertedByKey.delete(key);
    return { id: row.id, sourceKey: row.sourceKey, isNew: true };
  });
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
