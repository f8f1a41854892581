import type { Channel, Prisma } from '../db/client.js';
import type { ConversationInput, OutboundMessage } from '../conversation/types.js';

/** What the user sent, as stored for staff (never sent back to the channel). */
export interface InboundRecord {
  kind: string;
  text?: string | null;
  payload?: Prisma.InputJsonValue;
  channelMessageId?: string;
  clientMessageId?: string;
}

export type InterpretedEvent =
  | {
      kind: 'conversation';
      channelUserId: string;
      input: ConversationInput;
      record: InboundRecord | null;
      replyToken?: { token: string; expiresAt: Date };
      /** LINE standby mode: another channel holds the chat. Store, never answer. */
      silent?: boolean;
    }
  /** The user retracted a message: hide the stored copy from staff. */
  | { kind: 'unsend'; channelUserId: string; channelMessageId: string }
  /** A message outside a one-to-one chat (a LINE group or room): answer with a notice only. */
  | { kind: 'notice'; recipient: string; notice: 'one_to_one_only'; replyToken?: { token: string; expiresAt: Date } }
  | { kind: 'ignore'; reason: string };

/**
 * A channel translates its events into core inputs and the core's messages into its own
 * message objects. It decides nothing about the conversation.
 */
export interface ChannelAdapter {
  channel: Channel;
  interpret(payload: unknown): InterpretedEvent;
  /**
   * Rendered request payloads, one per channel call, or null when the channel reads the stored
   * messages itself (the web chat).
   */
  render(messages: OutboundMessage[]): Prisma.InputJsonValue[] | null;
  /** Rendered notice for `notice` events. */
  renderNotice?(notice: 'one_to_one_only'): Prisma.InputJsonValue[];
}
