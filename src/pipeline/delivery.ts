import type { Db } from '../db/client.js';
import type { Channel, OutboundDelivery } from '../db/client.js';
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

export interface OutboundSender {
  /** Sends one stored delivery. Throws to retry later, PermanentDeliveryError to give up. */
  send(delivery: OutboundDelivery): Promise<void>;
}

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
): Promise<void> {
  const delivery = await deps.db.outboundDelivery.findUnique({ where: { id: deliveryId } });
  if (!delivery || delivery.status !== 'PENDING') return;
  const sender = deps.senders[delivery.channel];
  if (!sender) {
    await deps.db.outboundDelivery.update({
      where: { id: delivery.id },
      data: { status: 'FAILED', lastError: `channel ${delivery.channel} is not configured` },
    });
    return;
  }
  await deps.db.outboundDelivery.update({ where: { id: delivery.id }, data: { attempts: { increment: 1 } } });
  try {
    await sender.send(delivery);
    await deps.db.outboundDelivery.update({ where: { id: delivery.id }, data: { status: 'SENT', sentAt: new Date(), lastError: null } });
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
    const { name, code } = describeError(error);
    const lastError = code ? `${name} (${code})` : name;
    if (delivery.attempts + 1 >= MAX_DELIVERY_ATTEMPTS) {
      // Out of retries: give up visibly (staff see it) so later messages to this person can flow.
      await deps.db.outboundDelivery.update({ where: { id: delivery.id }, data: { status: 'FAILED', lastError } });
      await auditFailure(deps, delivery, 'retries_exhausted');
      deps.logger.error({ deliveryId, attempts: delivery.attempts + 1 }, 'delivery gave up after repeated failures');
      return;
    }
    await deps.db.outboundDelivery.update({ where: { id: delivery.id }, data: { lastError } });
    throw error;
  }
}
