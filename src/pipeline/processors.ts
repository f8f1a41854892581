import type { Processors } from '../jobs/worker.js';
import type { Runtime } from '../runtime.js';
import { deliver } from './delivery.js';
import { processSource } from './process-source.js';
import { signalInactiveIntakes, sweep } from './sweeper.js';
import { deliverNotification } from '../notifications/notifications.js';
import { applyRetention } from '../cases/retention.js';
import { escalateReminder, fireReminder, reconcileReminders } from '../reminders/reminders.js';
import { createPipelineDeps, type ChannelPlugin } from './wiring.js';

/** The job handlers of the worker process: each only orchestrates a domain service. */
export async function buildProcessors(runtime: Runtime, channels: ChannelPlugin[]): Promise<Processors> {
  const { pipeline: base, senders } = await createPipelineDeps(runtime, channels);
  const send = (deliveryId: string) => deliver({ db: runtime.db, senders, logger: runtime.logger }, deliveryId);
  // Answers go out from the job that wrote them; the delivery queue takes what fails.
  const pipeline = { ...base, deliverNow: send };
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
