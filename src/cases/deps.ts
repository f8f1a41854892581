import type { Channel, Db } from '../db/client.js';
import type { Queues } from '../jobs/queues.js';
import type { ChannelAdapter } from '../pipeline/channel-adapter.js';
import type { Logger } from '../platform/logger.js';
import type { RealtimeEvent, Topic } from '../realtime/bus.js';
import type { ReminderPolicy } from '../reminders/policy.js';
import { scheduleReminderJob } from '../reminders/reminders.js';

/** What the case services need from the outside world. */
export interface CaseDeps {
  db: Db;
  /** Live updates for staff consoles and the person's chat page (best effort). */
  publish(topic: Topic, event: RealtimeEvent): Promise<void>;
  /** Enqueues work; a failure is tolerated because the sweeper re-enqueues stored work. */
  queues: Queues;
  /** Channel adapters render staff replies for channels that send by API (LINE). */
  adapters: Partial<Record<Channel, ChannelAdapter>>;
  logger: Logger;
  /** When reminders fall due (data/reminders.yaml, desk hours). */
  reminderPolicy: ReminderPolicy;
  now(): Date;
}

/** Gives reminders created in a transaction their delayed jobs, after the commit (best effort). */
export async function scheduleReminders(deps: CaseDeps, reminders: ({ id: string; dueAt: Date } | null)[]): Promise<void> {
  for (const reminder of reminders) if (reminder) await scheduleReminderJob({ queues: deps.queues, logger: deps.logger, now: deps.now }, reminder);
}

/** Publishes the given events after a commit; never throws (publishing is best effort). */
export async function publishAll(deps: CaseDeps, events: [Topic, RealtimeEvent][]): Promise<void> {
  await Promise.allSettled(events.map(([topic, event]) => deps.publish(topic, event)));
}

/** After commit: each new notification rings the bells at once and is queued for delivery. */
export async function announceNotifications(deps: CaseDeps, notificationIds: string[]): Promise<void> {
  for (const notificationId of notificationIds) {
    await deps.publish({ kind: 'staff' }, { type: 'notification', notificationId });
    try {
      await deps.queues.add('notify', notificationId, { notificationId });
    } catch {
      deps.logger.warn({ notificationId }, 'could not enqueue notification delivery; the sweeper will retry');
    }
  }
}
