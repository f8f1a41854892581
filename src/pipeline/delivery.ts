import { dataCryptoOf, sqlPoolOf, type Channel, type Db, type OutboundDelivery } from '../db/client.js';
import { poolExecutor } from '../db/sql.js';
import { describeError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';

/** Thrown by a sender for a failure that retrying cannot fix (blocked user, invalid token, quota). */
export class PermanentDeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** Thrown by a sender told not to wait when an earlier message to the same person is unsent. */
export class EarlierDeliveryPending extends Error {
  constructor() {
    super('an earlier message to this person is not sent yet');
    this.name = 'EarlierDeliveryPending';
  }
}

export interface SendOptions {
  /** Wait (briefly) for earlier unsent messages to the same person; otherwise throw EarlierDeliveryPending. */
  waitForEarlier: boolean;
}

export interface OutboundSender {
  /** Sends one stored delivery. Throws to retry later, PermanentDeliveryError to give up. */
  send(delivery: OutboundDelivery, options?: SendOptions): Promise<void>;
}

/** How long a sender holds a delivery: longer than any send can take (ordering wait and call timeouts). */
export const DELIVERY_LEASE_MS = 60_000;

/** A delivery failing this often (across job retries and sweeps) is given up and shown to staff. */
export const MAX_DELIVERY_ATTEMPTS = 15;

async function auditFailure(deps: { db: Db }, delivery: OutboundDelivery, code: string) {
  if (!delivery.conversationId) return;
  const kase = await deps.db.case.findUnique({ where: { conversationId: delivery.conversationId }, select: { id: true } });
  await deps.db.auditEvent.create({
    data: { actorType: 'system', action: 'delivery.failed', caseId: kase?.id ?? null, detail: { deliveryId: delivery.id, code } },
  });
}

/**
 * Sends a stored delivery once: a SENT delivery is never sent again, a retried one reuses its
 * stored retry key, and a permanent failure is recorded for staff instead of retried forever.
 */
export async function deliver(
  deps: { db: Db; senders: Partial<Record<Channel, OutboundSender>>; logger: Logger },
  deliveryId: string,
  options: SendOptions = { waitForEarlier: true },
): Promise<void> {
  // Every message the bot sends passes here, so its own statements are plain SQL (src/db/sql.ts).
  const sql = poolExecutor(sqlPoolOf(deps.db));
  const crypto = dataCryptoOf(deps.db);
  // Claimed with a lease: a delivery another sender is sending right now is left to it (the
  // sweeper brings it back if that sender dies), so one message is never sent twice in parallel.
  const now = new Date();
  const [claimed] = await sql.query<OutboundDelivery>(
    `UPDATE "OutboundDelivery" SET "attempts" = "attempts" + (CASE WHEN "channel" = ANY($2::"Channel"[]) THEN 1 ELSE 0 END),
       "claimedUntil" = $4::timestamp(3)
     WHERE "id" = $1::uuid AND "status" = 'PENDING' AND ("claimedUntil" IS NULL OR "claimedUntil" < $3::timestamp(3)) RETURNING *`,
    [deliveryId, Object.keys(deps.senders), now.toISOString(), new Date(now.getTime() + DELIVERY_LEASE_MS).toISOString()],
  );
  if (!claimed) return;
  // As the encryption extension would have returned it: recipient and payload in the clear, attempts before this one.
  const delivery: OutboundDelivery = { ...claimed, recipient: crypto.decryptString(claimed.recipient), payload: crypto.decrypt(claimed.payload) as OutboundDelivery['payload'] };
  const sender = deps.senders[delivery.channel];
  if (!sender) {
    await deps.db.outboundDelivery.update({
      where: { id: delivery.id },
      data: { status: 'FAILED', lastError: `channel ${delivery.channel} is not configured` },
    });
    return;
  }
  delivery.attempts -= 1;
  try {
    await sender.send(delivery, options);
    await sql.query(`UPDATE "OutboundDelivery" SET "status" = 'SENT', "sentAt" = $2::timestamp(3), "lastError" = NULL WHERE "id" = $1::uuid`, [delivery.id, new Date().toISOString()]);
  } catch (error) {
    if (error instanceof PermanentDeliveryError) {
      deps.logger.warn({ deliveryId, code: error.code }, 'delivery failed permanently');
      await deps.db.outboundDelivery.update({
        where: { id: delivery.id },
        data: { status: 'FAILED', lastError: `${error.code}: ${error.message}`.slice(0, 500) },
      });
      await auditFailure(deps, delivery, error.code);
      return;
    }
    if (error instanceof EarlierDeliveryPending) {
      // Not an attempt: it waits its turn (the retry comes after the earlier one).
      await sql.query(`UPDATE "OutboundDelivery" SET "attempts" = "attempts" - 1, "claimedUntil" = NULL WHERE "id" = $1::uuid`, [delivery.id]);
      throw error;
    }
    const { name, code } = describeError(error);
    const lastError = code ? `${name} (${code})` : name;
    if (delivery.attempts + 1 >= MAX_DELIVERY_ATTEMPTS) {
      // Out of retries: give up visibly (staff see it) so later messages to this person can flow.
      await deps.db.outboundDelivery.update({ where: { id: delivery.id }, data: { status: 'FAILED', lastError } });
      await auditFailure(deps, delivery, 'retries_exhausted');
      deps.logger.error({ deliveryId, attempts: delivery.attempts + 1 }, 'delivery gave up after repeated failures');
      return;
    }
    // Given back (lease ended) for the retry.
    await deps.db.outboundDelivery.update({ where: { id: delivery.id }, data: { lastError, claimedUntil: null } });
    throw error;
  }
}
