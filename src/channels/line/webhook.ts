// POST /webhooks/line: verify the signature over the raw bytes, store every event durably, answer
// 200, and only then ask a worker to process them. Nothing here waits for the conversation or
// for LINE's API: LINE wants the answer within two seconds.
import { validateSignature } from '@line/bot-sdk';
import { Router, type Request, type Response } from 'express';
import { dataCryptoOf, type Db } from '../../db/client.js';
import { HttpError } from '../../http/errors.js';
import type { Queues } from '../../jobs/queues.js';
import { requestProcessing, storeInboundEvents, type InboundEventInput, type StoredEvent } from '../../pipeline/inbox.js';
import type { Logger } from '../../platform/logger.js';
import { lineEventSchema, lineSourceKey, lineUserId, lineWebhookBodySchema, MAX_EVENT_DEPTH, nestsDeeperThan, type LineEvent, type StoredLineEvent } from './events.js';
import type { ShowLoading } from './loading.js';
import { describeError } from '../../platform/errors.js';

export const LINE_WEBHOOK_PATH = '/webhooks/line';
export const LINE_WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** Events after which the bot answers: the loading animation shows meanwhile. */
const ANSWERED_EVENT_TYPES = new Set(['message', 'postback', 'follow']);

export interface LineWebhookDeps {
  db: Db;
  /** Fail-fast queues: while Redis is down the enqueue fails at once and the sweeper catches up. */
  queues: Queues;
  logger: Logger;
  channelSecret: string;
  /** Resolves when the animation calls reached LINE (or were skipped): processing waits for it. */
  showLoading?: ShowLoading;
  /** Stores events durably before the 200 (default: storeInboundEvents; src/pipeline/batching.ts coalesces). */
  store?: (events: InboundEventInput[]) => Promise<StoredEvent[]>;
  /** Enqueues the stored events' processing, best effort (default: requestProcessing). */
  requestProcessing?: (events: StoredEvent[]) => Promise<void>;
}

/**
 * The body's bytes as they came: the signature is over exactly these. Read without a body parser
 * (its content-type and charset machinery showed in the webhook's profile and nothing here needs
 * it). Over `limit` → 413, answered once the rest was read off so the connection stays usable.
 * Compressed bodies are refused: LINE sends none, and inflating would sign other bytes.
 */
function readRawBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      req.resume();
      reject(new HttpError(415, 'unsupported_encoding', 'The request encoding is not supported.'));
      return;
    }
    let tooLarge = Number(req.headers['content-length']) > limit;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else {
        chunks.push(chunk);
      }
    });
    req.once('end', () => {
      if (tooLarge) reject(new HttpError(413, 'payload_too_large', 'The request body is too large.'));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.once('close', () => {
      if (!req.complete) reject(new HttpError(400, 'request_aborted', 'The request was aborted.'));
    });
    req.once('error', () => reject(new HttpError(400, 'request_aborted', 'The request was aborted.')));
  });
}

function verifiedBody(raw: Buffer, req: Request, channelSecret: string): unknown {
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

/**
 * The events worth storing, each once; events without an id or a valid time cannot be stored
 * idempotently, and malformed ones (nested absurdly deep) not at all: they are counted as
 * skipped and logged, and the valid events beside them are stored (LINE hears 200 either way;
 * a 5xx would make it redeliver the same odd event again).
 */
function toInboundEvents(events: unknown[], destination: string | undefined, receivedAt: Date, lookupHash: (id: string) => string) {
  const inputs: InboundEventInput[] = [];
  const parsed: LineEvent[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const candidate of events) {
    if (nestsDeeperThan(candidate, MAX_EVENT_DEPTH)) {
      skipped++;
      continue;
    }
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

/**
 * LINE reads only the status. Written directly: express's res.json() would also compute an ETag
 * of `{}` and check request freshness on every webhook call.
 */
function acknowledge(res: Response): void {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': '2' }).end('{}');
}

export function lineWebhookRoutes(deps: LineWebhookDeps): Router {
  const router = Router();
  const crypto = dataCryptoOf(deps.db);
  const lookupHash = (id: string) => crypto.lookupHash(id);
  const store = deps.store ?? ((events: InboundEventInput[]) => storeInboundEvents(deps.db, events));
  const enqueue = deps.requestProcessing ?? ((events: StoredEvent[]) => requestProcessing(deps.queues, events, deps.logger));
  router.post('/', async (req, res) => {
    const json = verifiedBody(await readRawBody(req, LINE_WEBHOOK_BODY_LIMIT), req, deps.channelSecret);
    const body = lineWebhookBodySchema.safeParse(json);
    if (!body.success) throw new HttpError(400, 'invalid_request', 'The body is not a LINE webhook request (no events array).');

    const { inputs, parsed, skipped } = toInboundEvents(body.data.events, body.data.destination, new Date(), lookupHash);
    if (skipped > 0) deps.logger.warn({ skipped }, 'malformed LINE events (no webhookEventId, no valid timestamp, or nested too deep) were not stored');
    // Stored before LINE hears 200: if PostgreSQL fails this throws, LINE sees 5xx and redelivers.
    const stored = await store(inputs);
    acknowledge(res);
    // The rest runs on its own, holding only what it needs: awaited here, it would keep the
    // request, the response and the router's state alive while Redis is busy.
    void afterAcknowledgement(deps.showLoading ? loadingChatIds(parsed, stored) : [], stored);
  });

  /** Loading animation, then the workers' jobs; best effort: the sweeper catches up on failures. */
  async function afterAcknowledgement(chatIds: string[], stored: StoredEvent[]): Promise<void> {
    try {
      if (chatIds.length > 0) await deps.showLoading!(chatIds).catch(() => {});
      await enqueue(stored);
    } catch (error) {
      deps.logger.warn({ err: describeError(error) }, 'after-acknowledgement work failed; the sweeper will catch up');
    }
  }
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
