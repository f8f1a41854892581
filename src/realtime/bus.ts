import type { Redis } from '../platform/redis.js';
import type { Logger } from '../platform/logger.js';
import { describeError } from '../platform/errors.js';

// Fan-out between app instances through Redis pub/sub: a worker or instance publishes, every
// instance holding a live connection (web chat page, staff console) receives.

/** A person's live chat pages (all their conversations), or the staff consoles. */
export type Topic = { kind: 'contact'; contactId: string } | { kind: 'staff' };

export type RealtimeEvent =
  | { type: 'message'; conversationId: string; messageId: string }
  /** `by: 'staff'` a counsellor is writing (to the web chat); `by: 'user'` the person is (to consoles, with caseId). */
  | { type: 'typing'; conversationId: string; on: boolean; by?: 'staff' | 'user'; caseId?: string }
  /** A counsellor read the person's messages up to `upTo` (web chat 既読). */
  | { type: 'read'; conversationId: string; upTo: string }
  | { type: 'conversation-deleted'; conversationId: string }
  | {
      type: 'case';
      caseId: string;
      change: string;
      /** Who may open the case right after this change (staff/stream-audience.ts); never sent to a browser. */
      audience?: { status: string; assigneeId: string | null; centerCodes: string[] };
    }
  | { type: 'notification'; notificationId: string };

export function topicChannel(prefix: string, topic: Topic): string {
  return topic.kind === 'staff' ? `${prefix}:rt:staff` : `${prefix}:rt:contact:${topic.contactId}`;
}

export class RealtimePublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /** Best effort: clients also re-read from the database on reconnect, so a lost publish delays, never loses. */
  async publish(topic: Topic, event: RealtimeEvent): Promise<void> {
    try {
      await this.redis.publish(topicChannel(this.prefix, topic), JSON.stringify(event));
    } catch (error) {
      this.logger.warn({ err: describeError(error), topic: topic.kind }, 'realtime publish failed');
    }
  }
}
