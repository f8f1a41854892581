// POST /webhooks/line: verify the signature over the raw bytes, store every event durably, answer
// 200, and only then ask a worker to process them. Nothing here waits for the conversation or
// for LINE's API: LINE wants the answer within two seconds.
import { validateSignature } from '@line/bot-sdk';
import express, { Router, type Request } from 'express';
import { dataCryptoOf, type Db } from '../../db/client.js';
import { HttpError } from '../../http/errors.js';
import type { Queues } from '../../jobs/queues.js';
import { requestProcessing, storeInboundEvents, type InboundEventInput, type StoredEvent } from '../../pipeline/inbox.js';
import type { Logger } from '../../platform/logger.js';
import { lineEventSchema, lineSourceKey, lineUserId, lineWebhookBodySchema, type LineEvent, type StoredLineEvent } from './events.js';
import type { ShowLoading } from './loading.js';
import { describeError } from '../../platform/errors.js';

export const LINE_WEBHOOK_PATH = '/webhooks/line';
export const LINE_WEBHOOK_BODY_LIMIT = '1mb';

/** Events after which the bot answers: the loading animation shows meanwhile. */
const ANSWERED_EVENT_TYPES = new Set(['message', 'postback', 'follow']);
/** How long processing waits for the loading animation call, so it reaches LINE before the answer. */
const LOADING_HEAD_START_MS = 250;

export interface LineWebhookDeps {
  db: Db;
  /** Fail-fast queues: while Redis is down the enqueue fails at once and the sweeper catches up. */
  queues: Queues;
  logger: Logger;
  channelSecret: string;
  showLoading?: ShowLoading;
  /** Stores events durably before the 200 (default: storeInboundEvents; src/pipeline/batching.ts coalesces). */
  store?: (events: InboundEventInput[]) => Promise<StoredEvent[]>;
  /** Enqueues the stored events' processing, best effort (default: requestProcessing). */
  requestProcessing?: (events: StoredEvent[]) => Promise<void>;
}

function verifiedBody(req: Request, channelSecret: string): unknown {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const signature = req.get('x-line-signature');
  if (!signature || !validateSignature(raw, channelSecret, signature)) {
    throw new HttpError(401, 'invalid_signature', 'The x-line-signature header is missing or does not match the request body.');
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'malformed_json', 'The request body is not valid JSON.');
  }
}

/** The events worth storing, each once; events without an id or time cannot be stored idempotently. */
function toInboundEvents(events: unknown[], destination: string | undefined, receivedAt: Date, lookupHash: (id: string) => string) {
  const inputs: InboundEventInput[] = [];
  const parsed: LineEvent[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const candidate of events) {
    const result = lineEventSchema.safeParse(candidate);
    if (!result.success) {
      skipped++;
      continue;
    }
    const event = result.data;
    if (seen.has(event.webhookEventId)) continue;
    seen.add(event.webhookEventId);
    const payload: StoredLineEvent = { receivedAt: receivedAt.toISOString(), ...(destination ? { destination } : {}), event };
    inputs.push({
      channel: 'LINE',
      externalId: event.webhookEventId,
      sourceKey: lineSourceKey(event, lookupHash),
      occurredAt: new Date(event.timestamp),
      payload: payload as unknown as InboundEventInput['payload'],
    });
    parsed.push(event);
  }
  return { inputs, parsed, skipped };
}

/** One-to-one chats whose new events the bot will answer (not standby, not groups). */
function loadingChatIds(events: LineEvent[], stored: StoredEvent[]): string[] {
  const ids = new Set<string>();
  events.forEach((event, index) => {
    const userId = lineUserId(event);
    if (userId && stored[index]?.isNew && event.mode !== 'standby' && ANSWERED_EVENT_TYPES.has(event.type)) ids.add(userId);
  });
  return [...ids];
}

export function lineWebhookRoutes(deps: LineWebhookDeps): Router {
  const router = Router();
  const store = deps.store ?? ((events: InboundEventInput[]) => storeInboundEvents(deps.db, events));
  const enqueue = deps.requestProcessing ?? ((events: StoredEvent[]) => requestProcessing(deps.queues, events, deps.logger));
  router.post('/', express.raw({ type: '*/*', limit: LINE_WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const json = verifiedBody(req, deps.channelSecret);
    const body = lineWebhookBodySchema.safeParse(json);
    if (!body.success) throw new HttpError(400, 'invalid_request', 'The body is not a LINE webhook request (no events array).');

    const crypto = dataCryptoOf(deps.db);
    const { inputs, parsed, skipped } = toInboundEvents(body.data.events, body.data.destination, new Date(), (id) => crypto.lookupHash(id));
    if (skipped > 0) deps.logger.warn({ skipped }, 'LINE events without webhookEventId or timestamp were not stored');
    // Stored before LINE hears 200: if PostgreSQL fails this throws, LINE sees 5xx and redelivers.
    const stored = await store(inputs);
    res.status(200).json({});

    try {
      const chatIds = deps.showLoading ? loadingChatIds(parsed, stored) : [];
      if (chatIds.length > 0) {
        const loading = deps.showLoading!(chatIds).catch(() => {});
        await Promise.race([loading, new Promise((resolve) => setTimeout(resolve, LOADING_HEAD_START_MS).unref())]);
      }
      await enqueue(stored);
    } catch (error) {
      deps.logger.warn({ err: describeError(error) }, 'after-acknowledgement work failed; the sweeper will catch up');
    }
  });
  return router;
}

/** Without credentials the webhook says so clearly instead of 404 (LINE's console shows it). */
export function lineNotConfiguredRoutes(): Router {
  const router = Router();
  router.post('/', () => {
    throw new HttpError(
      503,
      'line_not_configured',
      'LINE is not configured on this server: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN and restart.',
    );
  });
  return router;
}
