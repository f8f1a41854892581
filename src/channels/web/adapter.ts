import { z } from 'zod';
import { LANGUAGES } from '../../flows/schema.js';
import type { ChannelAdapter, InterpretedEvent } from '../../pipeline/channel-adapter.js';
import { sourceKeyFor } from '../../pipeline/inbox.js';

/** What the web chat API stores as an inbound event's payload. */
export const webEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), channelUserId: z.string(), language: z.enum(LANGUAGES).optional() }),
  z.object({ type: z.literal('text'), channelUserId: z.string(), clientMessageId: z.string(), text: z.string() }),
  z.object({
    type: z.literal('choice'),
    channelUserId: z.string(),
    clientMessageId: z.string(),
    data: z.string(),
    label: z.string(),
  }),
]);

export type WebEvent = z.infer<typeof webEventSchema>;

/** The source key of a web contact, from its Contact.channelUserIdHash. */
export const webSourceKey = (channelUserIdHash: string) => sourceKeyFor('WEB', channelUserIdHash);

/** The web page reads stored messages itself (history + SSE), so nothing is rendered for sending. */
export const webAdapter: ChannelAdapter = {
  channel: 'WEB',
  interpret(payload): InterpretedEvent {
    const parsed = webEventSchema.safeParse(payload);
    if (!parsed.success) return { kind: 'ignore', reason: 'malformed web event' };
    const event = parsed.data;
    switch (event.type) {
      case 'start':
        return {
          kind: 'conversation',
          channelUserId: event.channelUserId,
          input: event.language ? { kind: 'start', language: event.language } : { kind: 'start' },
          record: null,
        };
      case 'text':
        return {
          kind: 'conversation',
          channelUserId: event.channelUserId,
          input: { kind: 'text', text: event.text },
          record: { kind: 'text', text: event.text, clientMessageId: event.clientMessageId },
        };
      case 'choice':
        return {
          kind: 'conversation',
          channelUserId: event.channelUserId,
          input: { kind: 'choice', data: event.data },
          record: { kind: 'choice', text: event.label, payload: { data: event.data }, clientMessageId: event.clientMessageId },
        };
    }
  },
  render: () => null,
};
