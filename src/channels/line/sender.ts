// Sends one stored delivery to LINE: reply while the token is fresh (free of the monthly quota),
// otherwise push with the delivery's stable retry key so that a retried push is never shown twice.
import type { messagingApi } from '@line/bot-sdk';
import { z } from 'zod';
import type { OutboundDelivery } from '../../db/client.js';
import { EarlierDeliveryPending, PermanentDeliveryError, type OutboundSender, type SendOptions } from '../../pipeline/delivery.js';
import type { Logger } from '../../platform/logger.js';
import { HTTPFetchError, LINE_CALL_TIMEOUT_MS, describeCallError, lineErrorMessage, withTimeout } from './client.js';

const payloadSchema = z.object({
  messages: z.array(z.looseObject({ type: z.string() })).min(1).max(5),
});

/** A failure worth retrying (rate limit, LINE 5xx, timeout, network): BullMQ backs off. */
export class LineRetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineRetryableError';
  }
}

const PERMANENT_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_token',
  403: 'forbidden',
  404: 'not_found',
};

/** LINE answers 429 both for the rate limit (retry) and for the spent monthly quota (don't). */
const MONTHLY_LIMIT = /monthly limit/i;

/** How long a delivery waits in its job for an earlier one before it gives the worker back. */
const ORDER_WAIT_MS = 5_000;
const ORDER_POLL_MS = 100;

export interface LineSenderDeps {
  client: Pick<messagingApi.MessagingApiClient, 'replyMessage' | 'pushMessage'>;
  /** Whether the recipient unfollowed (blocked) the account: pushes would silently vanish. */
  isBlocked(recipient: string): Promise<boolean>;
  /**
   * Whether an older delivery to the same recipient is still unsent. Deliveries run as parallel
   * jobs; LINE shows messages in arrival order, so a later batch waits for the earlier ones.
   */
  hasEarlierPending?(delivery: OutboundDelivery): Promise<boolean>;
  /**
   * Records, before the reply API is called, that this delivery's reply may reach the person
   * (committed first: a sender killed mid-call leaves the mark for the next attempt).
   */
  recordReplyAttempt?(deliveryId: string): Promise<void>;
  /** The reply token was refused (400): nothing was delivered; later attempts push. */
  forgetReplyToken?(deliveryId: string): Promise<void>;
  logger: Logger;
  timeoutMs?: number;
  now?: () => Date;
}

/** A reply token this close to its end is not used: the call could outlive it. */
const TOKEN_MARGIN_MS = 5_000;

/** Maps a failed LINE call to "retry" (thrown as is) or "give up" (PermanentDeliveryError). */
function classify(operation: 'reply' | 'push', error: unknown): Error {
  if (error instanceof HTTPFetchError) {
    const message = lineErrorMessage(error);
    if (error.status === 429) {
      return MONTHLY_LIMIT.test(message)
        ? new PermanentDeliveryError('quota_exhausted', `LINE ${operation}: monthly message quota used up`)
        : new LineRetryableError(`LINE ${operation}: rate limited (429)`);
    }
    if (error.status >= 500) return new LineRetryableError(`LINE ${operation}: ${error.status}`);
    const code = PERMANENT_CODES[error.status] ?? 'rejected';
    return new PermanentDeliveryError(code, `LINE ${operation} answered ${error.status}: ${message}`);
  }
  return new LineRetryableError(`LINE ${operation}: ${describeCallError(error)}`);
}

export function createLineSender(deps: LineSenderDeps): OutboundSender {
  const timeoutMs = deps.timeoutMs ?? LINE_CALL_TIMEOUT_MS;
  const now = deps.now ?? (() => new Date());
  // Delivery ids and outcomes only: no message text, token or user id reaches the log.
  const log = deps.logger.child({ channel: 'LINE' });

  return {
    async send(delivery: OutboundDelivery, options: SendOptions = { waitForEarlier: true }) {
      const parsed = payloadSchema.safeParse(delivery.payload);
      if (!parsed.success) throw new PermanentDeliveryError('invalid_payload', 'the stored delivery is not a LINE message batch');
      const messages = parsed.data.messages as unknown as messagingApi.Message[];

      if (await deps.isBlocked(delivery.recipient)) {
        throw new PermanentDeliveryError('blocked', 'the person has blocked the account (unfollow)');
      }
      if (deps.hasEarlierPending) {
        if (!options.waitForEarlier && (await deps.hasEarlierPending(delivery))) throw new EarlierDeliveryPending();
        const deadline = Date.now() + ORDER_WAIT_MS;
        while (await deps.hasEarlierPending(delivery)) {
          // Retried with backoff (the earlier one may itself be backing off).
          if (Date.now() > deadline) throw new LineRetryableError('an earlier message to this person is not sent yet');
          await new Promise((resolve) => setTimeout(resolve, ORDER_POLL_MS));
        }
      }

      const tokenFresh =
        delivery.replyToken !== null &&
        delivery.replyTokenExpiresAt !== null &&
        delivery.replyTokenExpiresAt.getTime() - TOKEN_MARGIN_MS > now().getTime();
      const reply = () => withTimeout('reply', deps.client.replyMessage({ replyToken: delivery.replyToken!, messages }), timeoutMs);

      // The reply API has no retry key: once it was called, LINE may have shown the messages
      // even if no answer came back (the sender was killed, the call timed out, LINE said 5xx).
      // Pushing them then, under a key LINE has never seen, could show them twice. Instead:
      // while the token lives, reply again with it — a token works once, so a 400 now means the
      // first call got through; once it has expired the outcome cannot be known, and the
      // delivery is given up for staff to check (shown in the case) rather than resent blindly.
      if (delivery.replyAttemptedAt) {
        if (!tokenFresh) {
          log.warn({ deliveryId: delivery.id }, 'LINE reply outcome unknown; not resent');
          throw new PermanentDeliveryError('outcome_unknown', 'a reply was sent to LINE but its answer never came, and the token has expired: it may or may not have been shown');
        }
        try {
          await reply();
          log.info({ deliveryId: delivery.id, via: 'reply', messages: messages.length }, 'LINE delivery sent');
        } catch (error) {
          if (!(error instanceof HTTPFetchError && error.status === 400)) throw classify('reply', error);
          log.info({ deliveryId: delivery.id, via: 'reply' }, 'reply token already used by the earlier attempt: delivered');
        }
        return;
      }

      if (tokenFresh) {
        await deps.recordReplyAttempt?.(delivery.id);
        try {
          await reply();
          log.info({ deliveryId: delivery.id, via: 'reply', messages: messages.length }, 'LINE delivery sent');
          return;
        } catch (error) {
          // 400: the token is invalid or expired and nothing was shown — push instead (and
          // from now on). Anything else leaves the outcome unknown: decided on the retry above.
          if (!(error instanceof HTTPFetchError && error.status === 400)) throw classify('reply', error);
          await deps.forgetReplyToken?.(delivery.id);
          log.info({ deliveryId: delivery.id }, 'reply token refused; pushing instead');
        }
      }

      try {
        await withTimeout('push', deps.client.pushMessage({ to: delivery.recipient, messages }, delivery.retryKey), timeoutMs);
        log.info({ deliveryId: delivery.id, via: 'push', messages: messages.length }, 'LINE delivery sent');
      } catch (error) {
        if (error instanceof HTTPFetchError && error.status === 409) {
          // The retry key was accepted before (an earlier attempt got through): it is delivered.
          log.info({ deliveryId: delivery.id, via: 'push', acceptedRequestId: error.headers.get('x-line-accepted-request-id') }, 'LINE delivery already accepted');
          return;
        }
        const classified = classify('push', error);
        if (classified instanceof PermanentDeliveryError) {
          log.warn({ deliveryId: delivery.id, code: classified.code }, 'LINE push refused');
        }
        throw classified;
      }
    },
  };
}
