// The LINE webhook's shapes, validated loosely: LINE adds fields and event types over time, and
// a new type must never make us reject (and so lose) the events around it. Unknown fields are
// kept as they are; only what Yorisoi reads is checked, where it reads it.
import { z } from 'zod';
import { sourceKeyFor } from '../../pipeline/inbox.js';

export const lineSourceSchema = z.looseObject({
  type: z.string(),
  userId: z.string().optional(),
  groupId: z.string().optional(),
  roomId: z.string().optional(),
});
export type LineSource = z.infer<typeof lineSourceSchema>;

/** The fields every event we store must have: an idempotency key and a time. */
export const lineEventSchema = z.looseObject({
  type: z.string(),
  webhookEventId: z.string().min(1).max(200),
  // Within the range of a Date (±8.64e15 ms): beyond it `new Date(timestamp)` is invalid.
  timestamp: z.number().int().nonnegative().max(8_640_000_000_000_000),
  mode: z.string().optional(),
  source: lineSourceSchema.optional(),
  replyToken: z.string().optional(),
  deliveryContext: z.looseObject({ isRedelivery: z.boolean().optional() }).optional(),
});
export type LineEvent = z.infer<typeof lineEventSchema>;

/**
 * Deeper than any LINE event is (the deepest, a message with quoted emojis, is under 10 levels);
 * what is deeper is refused before anything walks it recursively (zod, JSON.stringify,
 * encryption), which a nesting of 200,000 levels would overflow.
 */
export const MAX_EVENT_DEPTH = 64;

/** Whether `value` nests objects or arrays deeper than `limit`, found without recursion. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** The request body; each event is validated on its own so one odd event cannot sink the batch. */
export const lineWebhookBodySchema = z.looseObject({
  destination: z.string().optional(),
  events: z.array(z.unknown()),
});

/**
 * What the webhook stores as an InboundEvent payload: the event exactly as LINE sent it, plus
 * when it arrived (a reply token is valid for one minute from then, not from `timestamp`).
 */
export const storedLineEventSchema = z.looseObject({
  receivedAt: z.iso.datetime(),
  destination: z.string().optional(),
  event: lineEventSchema,
});
export type StoredLineEvent = z.infer<typeof storedLineEventSchema>;

/** The one-to-one chat partner, when the event comes from a user (not a group or room). */
export function lineUserId(event: Pick<LineEvent, 'source'>): string | null {
  return event.source?.type === 'user' && event.source.userId ? event.source.userId : null;
}

/**
 * Events of one user are processed in order; group and room events queue per group/room so the
 * "one-to-one only" notice follows the same path. Events without a source share one key. The id
 * goes in as its keyed hash (`lookupHash`), the same as Contact.channelUserIdHash.
 */
export function lineSourceKey(event: Pick<LineEvent, 'source'>, lookupHash: (id: string) => string): string {
  const source = event.source;
  const id =
    source?.type === 'user' ? source.userId : source?.type === 'group' ? source.groupId : source?.type === 'room' ? source.roomId : undefined;
  return sourceKeyFor('LINE', lookupHash(id ?? 'channel'));
}
