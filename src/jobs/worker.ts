import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { describeError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { queueDefinitions, type JobPayload, type QueueName, type Queues } from './queues.js';

export type Processors = { [Q in QueueName]: (payload: JobPayload<Q>, job: Job) => Promise<void> };

export interface WorkerSet {
  close(): Promise<void>;
}

export const SWEEP_EVERY_MS = 15_000;
export const RETENTION_SCHEDULER_ID = 'retention-daily';
export const RETENTION_SCHEDULE = { pattern: '30 3 * * *', tz: 'Asia/Tokyo' };

/**
 * Starts one BullMQ worker per queue. Workers only orchestrate: each job's payload is parsed
 * with its zod schema and handed to a domain service.
 */
export async function startWorkers(options: {
  connection: ConnectionOptions;
  prefix: string;
  queues: Queues;
  processors: Processors;
  logger: Logger;
  concurrency?: number;
}): Promise<WorkerSet> {
  const { connection, prefix, processors, logger } = options;
  const workers = (Object.keys(queueDefinitions) as QueueName[]).map((name) => {
    const worker = new Worker(
      name,
      async (job: Job) => {
        const payload = queueDefinitions[name].payload.parse(job.data);
        await (processors[name] as (p: typeof payload, j: Job) => Promise<void>)(payload, job);
      },
      { connection, prefix, concurrency: name === 'maintenance' || name === 'retention' ? 1 : (options.concurrency ?? 8) },
    );
    worker.on('failed', (job, error) => {
      logger.warn({ queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: describeError(error) }, 'job failed');
    });
    worker.on('error', (error) => logger.error({ queue: name, err: describeError(error) }, 'worker error'));
    return worker;
  });

  // One scheduler entry however many workers start: upsert is idempotent.
  await options.queues.maintenance.upsertJobScheduler('sweep', { every: SWEEP_EVERY_MS }, {
    name: 'maintenance',
    data: { task: 'sweep' },
  });
  // Retention runs once a day at night, Kyoto time, whatever the server's time zone.
  await options.queues.retention.upsertJobScheduler(RETENTION_SCHEDULER_ID, RETENTION_SCHEDULE, {
    name: 'retention',
    data: { task: 'anonymise' },
  });

  return {
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}
