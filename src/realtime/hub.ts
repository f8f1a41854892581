import type { Logger } from '../platform/logger.js';
import { createRedis, type Redis } from '../platform/redis.js';
import type { RealtimeEvent } from './bus.js';
import { describeError } from '../platform/errors.js';

type Listener = (event: RealtimeEvent) => void;

/**
 * One Redis subscriber per app instance, dispatching published events to the live connections
 * (SSE) this instance holds. Any instance may publish; every instance's listeners hear it.
 */
export class RealtimeHub {
  private readonly subscriber: Redis;
  private readonly contacts = new Map<string, Set<Listener>>();
  private readonly staff = new Set<Listener>();
  private readonly ready: Promise<unknown>;

  constructor(redisUrl: string, private readonly prefix: string, logger: Logger) {
    this.subscriber = createRedis(redisUrl);
    this.subscriber.on('error', () => {});
    this.ready = this.subscriber.psubscribe(`${prefix}:rt:*`).catch((error: Error) => {
      logger.warn({ err: describeError(error) }, 'realtime subscribe failed');
    });
    this.subscriber.on('pmessage', (_pattern: string, channel: string, raw: string) => this.dispatch(channel, raw));
  }

  whenReady(): Promise<unknown> {
    return this.ready;
  }

  private dispatch(channel: string, raw: string) {
    let event: RealtimeEvent;
    try {
      event = JSON.parse(raw) as RealtimeEvent;
    } catch {
      return;
    }
    const rest = channel.slice(this.prefix.length + ':rt:'.length);
    const listeners = rest === 'staff' ? this.staff : rest.startsWith('contact:') ? this.contacts.get(rest.slice(8)) : undefined;
    for (const listener of listeners ?? []) listener(event);
  }

  onContact(contactId: string, listener: Listener): () => void {
    const set = this.contacts.get(contactId) ?? new Set();
    set.add(listener);
    this.contacts.set(contactId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.contacts.delete(contactId);
    };
  }

  onStaff(listener: Listener): () => void {
    this.staff.add(listener);
    return () => this.staff.delete(listener);
  }

  close(): void {
    this.subscriber.disconnect();
  }
}
