import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import { describeError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { queueDefinitions, type JobPayload, type QueueName, type Queues } from './queues.js';

export type Processors = { [Q in QueueName]: (payload: JobPayload<Q>, job: Job) => Promise<void> };

export interface WorkerSet {
  close(): Promise<void>;
}

export const SWEEP_EVERY_MS = 15_000;

/**
 * Jobs run at once per worker process, where the default (8) does not fit. Housekeeping runs one
 * at a time. Firing a reminder is a short transaction that mostly waits on PostgreSQL round
 * trips, and many fall due together (a desk's morning, a burst of queued cases): at 8 a worker
 * fires ~400/s and lateness piles up, at 32 it keeps ~500/s within a second (npm run bench).
 */
const QUEUE_CONCURRENCY: Partial<Record<QueueName, number>> = { maintenance: 1, retention: 1, reminders: 32 };
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
      { connection, prefix, concurrency: QUEUE_CONCURRENCY[name] ?? options.concurrency ?? 8 },
    );
    worker.on('failed', (job, error) => {
      logger.warn({ queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: describeError(error) }, 'job failed');
    });
    worker.on('error', (error) => logger.error({ queue: name, err: describeError(error) }, 'worker error'));
    return worker;
  });

  // One scheduler entry however many workers start: upsert is idempotent.
  const upsertSweep = () =>
    options.queues.maintenance.upsertJobScheduler('sweep', { every: SWEEP_EVERY_MS }, {
      name: 'maintenance',
      data: { task: 'sweep' },
    });
  // Retention runs once a day at night, Kyoto time, whatever the server's time zone.
  const upsertRetention = () =>
    options.queues.retention.upsertJobScheduler(RETENTION_SCHEDULER_ID, RETENTION_SCHEDULE, {
      name: 'retention',
      data: { task: 'anonymise' },
    });
  await upsertSweep();
  await upsertRetention();

  // A Redis that restarts empty (no persistence) forgets the schedulers too — and with the sweep
  // go the sweeper and the reminder reconciler that rebuild everything else Redis lost. Every
  // sweep interval, each worker puts back a scheduler that is missing (a new `every` scheduler
  // runs at once, so the sweep follows right away).
  const keepSchedulers = setInterval(() => {
    void (async () => {
      if (!(await options.queues.maintenance.getJobScheduler('sweep'))) {
        await upsertSweep();
        logger.warn('the sweep scheduler was missing from Redis (restarted empty?): restored');
      }
      if (!(await options.queues.retention.getJobScheduler(RETENTION_SCHEDULER_ID))) await upsertRetention();
    })().catch(() => {
      // Redis is still away: the next round tries again.
    });
  }, SWEEP_EVERY_MS);
  keepSchedulers.unref();

  return {
    async close() {
      clearInterval(keepSchedulers);
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}
