import { dataCryptoOf, sqlPoolOf } from '../../db/client.js';
import { poolExecutor } from '../../db/sql.js';
import type { ChannelPlugin } from '../../pipeline/wiring.js';
import type { Runtime } from '../../runtime.js';
import type { HttpHooks } from '../http-hooks.js';
import { createLineAdapter } from './adapter.js';
import { createLineClient } from './client.js';
import { createLoadingAnimation, createLoadingClient } from './loading.js';
import { createLineSender } from './sender.js';
import { batchedInboxStore, batchedProcessingRequests } from '../../pipeline/batching.js';
import { LINE_WEBHOOK_PATH, lineNotConfiguredRoutes, lineWebhookRoutes } from './webhook.js';

export { createLineAdapter } from './adapter.js';

/**
 * The LINE channel: webhook in, reply/push out. Without credentials only the adapter is there
 * (so nothing stored earlier becomes unreadable; deliveries fail as "not configured") and the
 * webhook answers 503 `line_not_configured`.
 */
export function createLineChannel(runtime: Runtime, http: HttpHooks | null): ChannelPlugin {
  const { config, db, logger } = runtime;
  const adapter = createLineAdapter(config.publicBaseUrl);
  const { channelSecret, channelAccessToken } = config.line;
  if (!channelSecret || !channelAccessToken) {
    return { adapter, ...(http ? { rawBodyRoutes: [{ path: LINE_WEBHOOK_PATH, handler: lineNotConfiguredRoutes() }] } : {}) };
  }

  const client = createLineClient({ ...config.line, channelAccessToken });
  // The recipient is stored encrypted: look-ups go through its keyed hash.
  const crypto = dataCryptoOf(db);
  const sql = poolExecutor(sqlPoolOf(db));
  const sender = createLineSender({
    client,
    logger,
    async recordReplyAttempt(deliveryId) {
      await sql.query(`UPDATE "OutboundDelivery" SET "replyAttemptedAt" = now() WHERE "id" = $1::uuid`, [deliveryId]);
    },
    async forgetReplyToken(deliveryId) {
      await sql.query(`UPDATE "OutboundDelivery" SET "replyToken" = NULL, "replyAttemptedAt" = NULL WHERE "id" = $1::uuid`, [deliveryId]);
    },
    // Asked before every send: plain SQL on the hot path (src/db/sql.ts).
    async isBlocked(recipient) {
      const [row] = await sql.query<{ blocked: boolean }>(
        `SELECT "blockedAt" IS NOT NULL AS "blocked" FROM "Contact" WHERE "channel" = 'LINE' AND "channelUserIdHash" = $1`,
        [crypto.lookupHash(recipient)],
      );
      return row?.blocked === true;
    },
    async hasEarlierPending(delivery) {
      const [row] = await sql.query<{ earlier: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM "OutboundDelivery" WHERE "channel" = 'LINE' AND "recipientHash" = $1 AND "status" = 'PENDING'
           AND "createdAt" < $2::timestamp(3) AND "id" <> $3::uuid) AS "earlier"`,
        [delivery.recipientHash ?? crypto.lookupHash(delivery.recipient), delivery.createdAt.toISOString(), delivery.id],
      );
      return row?.earlier === true;
    },
  });
  if (!http) return { adapter, sender };
  return {
    adapter,
    sender,
    rawBodyRoutes: [
      {
        path: LINE_WEBHOOK_PATH,
        handler: lineWebhookRoutes({
          db,
          queues: runtime.queuesFailFast,
          logger,
          channelSecret,
          showLoading: createLoadingAnimation(createLoadingClient({ apiBaseUrl: config.line.apiBaseUrl, channelAccessToken }), logger),
          // Concurrent webhook requests share one INSERT (and commit) and one Redis round trip.
          store: batchedInboxStore(db),
          requestProcessing: batchedProcessingRequests(runtime.queuesFailFast, logger),
        }),
      },
    ],
  };
}
