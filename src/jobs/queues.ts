import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';

// Every queue, its job payload (validated when a worker takes a job) and its default options.
// Job ids are idempotency keys: adding a job whose id exists is a no-op in BullMQ.

export const queueDefinitions = {
  /** Process the stored, unprocessed inbound events of one source (one person on one channel). */
  inbound: {
    payload: z.object({ sourceKey: z.string().min(1) }),
    options: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    } satisfies JobsOptions,
  },
  /** Send one stored outbound delivery through its channel. */
  delivery: {
    payload: z.object({ deliveryId: z.string().uuid() }),
    options: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    } satisfies JobsOptions,
  },
  /** A reminder falls due (`fire`) or, ignored, goes to supervisors (`escalate`). */
  reminders: {
    payload: z.object({ reminderId: z.string().uuid(), stage: z.enum(['fire', 'escalate']) }),
    options: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { count: 5000 },
      removeOnFail: { count: 5000 },
    } satisfies JobsOptions,
  },
  /** Deliver a staff notification outside the console (webhook, e-mail). */
  notify: {
    payload: z.object({ notificationId: z.string().uuid() }),
    options: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 2_000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    } satisfies JobsOptions,
  },
  /** Page the on-call rota (`send`), or look again once the page timed out (`escalate`). */
  oncall: {
    payload: z.object({ pageId: z.string().uuid(), stage: z.enum(['send', 'escalate']) }),
    options: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    } satisfies JobsOptions,
  },
  /** Periodic housekeeping: re-enqueue what Redis lost, inactivity hand-offs. */
  maintenance: {
    payload: z.object({ task: z.enum(['sweep']) }),
    options: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } satisfies JobsOptions,
  },
  /** Daily: remove the free text of cases closed longer than RETENTION_DAYS (src/cases/retention.ts). */
  retention: {
    payload: z.object({ task: z.enum(['anonymise']) }),
    options: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } satisfies JobsOptions,
  },
} as const;

export type QueueName = keyof typeof queueDefinitions;
export type JobPayload<Q extends QueueName> = z.infer<(typeof queueDefinitions)[Q]['payload']>;

export type Queues = { [Q in QueueName]: Queue<JobPayload<Q>> } & {
  add<Q extends QueueName>(queue: Q, jobId: string, payload: JobPayload<Q>, options?: JobsOptions): Promise<void>;
  close(): Promise<void>;
};

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const make = <Q extends QueueName>(name: Q) => {
    const queue = new Queue<JobPayload<Q>>(name, {
      connection,
      prefix,
      defaultJobOptions: queueDefinitions[name].options,
    });
    // Connection errors surface on the calls that fail (and readiness reports them); an 'error'
    // event with no listener would otherwise crash the process while Redis restarts.
    queue.on('error', () => {});
    return queue;
  };
  const queues = {
    inbound: make('inbound'),
    delivery: make('delivery'),
    reminders: make('reminders'),
    notify: make('notify'),
    oncall: make('oncall'),
    maintenance: make('maintenance'),
    retention: make('retention'),
  };
  return {
    ...queues,
    async add(queue, jobId, payload, options) {
      const target = queues[queue] as unknown as Queue;
      await target.add(queue, payload, { ...options, jobId });
    },
    async close() {
      await Promise.all(Object.values(queues).map((queue) => queue.close()));
    },
  };
}
