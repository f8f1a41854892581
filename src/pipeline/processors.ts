import type { Processors } from '../jobs/worker.js';
import type { Runtime } from '../runtime.js';
import { deliver, EarlierDeliveryPending, type SendOptions } from './delivery.js';
import { processSource } from './process-source.js';
import { signalInactiveIntakes, sweep } from './sweeper.js';
import { deliverNotification } from '../notifications/notifications.js';
import { applyRetention } from '../cases/retention.js';
import { escalateReminder, fireReminder, reconcileReminders } from '../reminders/reminders.js';
import { createPipelineDeps, type ChannelPlugin } from './wiring.js';
import { escalatePage, sendPage, type OnCallDeps } from '../oncall/paging.js';

/** After a failed send from a processing job, answers go through the delivery queue for this long. */
const INLINE_PAUSE_MS = 30_000;

/**
 * Answers go out from the job that wrote them (no second job, no waiting in a queue); the
 * delivery queue takes what fails. A send that must wait for an earlier message goes to the
 * queue at once, and after a failure (LINE slow or down) sending from processing jobs pauses,
 * so that a LINE outage never holds up the handling of new messages — a crisis among them.
 */
function inlineSender(send: (deliveryId: string, options: SendOptions) => Promise<void>) {
  let pausedUntil = 0;
  return async (deliveryId: string) => {
    if (Date.now() < pausedUntil) throw new Error('sending from processing jobs is paused after a failure');
    try {
      await send(deliveryId, { waitForEarlier: false });
    } catch (error) {
      if (!(error instanceof EarlierDeliveryPending)) pausedUntil = Date.now() + INLINE_PAUSE_MS;
      throw error;
    }
  };
}

/** The job handlers of the worker process: each only orchestrates a domain service. */
export async function buildProcessors(runtime: Runtime, channels: ChannelPlugin[]): Promise<Processors> {
  const { pipeline: base, senders } = await createPipelineDeps(runtime, channels);
  const send = (deliveryId: string, options?: SendOptions) => deliver({ db: runtime.db, senders, logger: runtime.logger }, deliveryId, options);
  const pipeline = { ...base, deliverNow: inlineSender(send) };
  const onCallDeps: OnCallDeps | null = pipeline.oncall
    ? { db: runtime.db, queues: runtime.queues, realtime: pipeline.realtime, logger: runtime.logger, oncall: pipeline.oncall, publicBaseUrl: runtime.config.publicBaseUrl, secret: runtime.config.sessionSecret }
    : null;
  const reminderDeps = { db: runtime.db, queues: runtime.queues, realtime: pipeline.realtime, policy: pipeline.reminderPolicy, logger: runtime.logger };
  return {
    inbound: async ({ sourceKey }) => {
      await processSource(pipeline, sourceKey);
    },
    delivery: async ({ deliveryId }) => {
      await send(deliveryId);
    },
    reminders: async ({ reminderId, stage }) => {
      if (stage === 'fire') await fireReminder(reminderDeps, reminderId);
      else await escalateReminder(reminderDeps, reminderId);
    },
    notify: async ({ notificationId }) => {
      await deliverNotification({ db: runtime.db, config: runtime.config, logger: runtime.logger }, notificationId);
    },
    oncall: async ({ pageId, stage }) => {
      if (!onCallDeps) return;
      if (stage === 'send') await sendPage(onCallDeps, pageId);
      else await escalatePage(onCallDeps, pageId);
    },
    retention: async () => {
      await applyRetention({ db: runtime.db, logger: runtime.logger }, { retentionDays: runtime.config.retentionDays });
    },
    maintenance: async () => {
      await sweep({ db: runtime.db, queues: runtime.queues, logger: runtime.logger });
      await signalInactiveIntakes({ db: runtime.db, queues: runtime.queues, logger: runtime.logger });
      await reconcileReminders(reminderDeps);
    },
  };
}
