import { dataCryptoOf, sqlPoolOf, type Db } from '../db/client.js';
import type { SqlExecutor } from '../db/sql.js';
import type { Queues } from '../jobs/queues.js';
import type { Logger } from '../platform/logger.js';
import { insertInboundEvents, type InboundEventInput, type StoredEvent } from './inbox.js';

// Under load, the webhook's per-request work is dominated by fixed costs: one INSERT statement
// and one commit per request, one Redis script call per event. Requests that arrive while
// earlier writes are in flight are therefore coalesced: they leave together, in one statement
// (one commit) and one Redis round trip. Nothing is delayed at low load — a lone request goes at
// once — and nothing changes in what a caller is promised: its events are committed before its
// promise resolves, exactly as with storeInboundEvents.

interface Waiting<T, R> {
  items: T[];
  resolve(results: R[]): void;
  reject(error: unknown): void;
}

export interface CoalesceOptions {
  /** Batches running at once; further calls wait and leave together in the next batch. */
  maxInFlight: number;
  /** Items per batch at most. */
  maxBatch: number;
}

/**
 * Wraps `run` (items → one result per item, in order) so that concurrent calls share batches.
 * Calls made in the same event-loop turn leave together too. When a batch made of several
 * calls fails, each call is retried on its own, so one bad call cannot fail the others.
 */
export function coalesce<T, R>(run: (items: T[]) => Promise<R[]>, options: CoalesceOptions): (items: T[]) => Promise<R[]> {
  const waiting: Waiting<T, R>[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function flush(batch: Waiting<T, R>[]) {
    if (batch.length === 1) {
      const only = batch[0]!;
      await run(only.items).then(only.resolve, only.reject);
      return;
    }
    let results: R[];
    try {
      results = await run(batch.flatMap((w) => w.items));
    } catch {
      await Promise.all(batch.map((w) => run(w.items).then(w.resolve, w.reject)));
      return;
    }
    let offset = 0;
    for (const w of batch) {
      w.resolve(results.slice(offset, offset + w.items.length));
      offset += w.items.length;
    }
  }

  function pump() {
    scheduled = false;
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const batch: Waiting<T, R>[] = [];
      let size = 0;
      while (waiting.length > 0 && (batch.length === 0 || size + waiting[0]!.items.length <= options.maxBatch)) {
        const next = waiting.shift()!;
        batch.push(next);
        size += next.items.length;
      }
      inFlight++;
      void flush(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return (items) => {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      waiting.push({ items, resolve, reject });
      if (!scheduled && inFlight < options.maxInFlight) {
        scheduled = true;
        setImmediate(pump);
      }
    });
  };
}

/**
 * storeInboundEvents for many concurrent requests: one statement per batch, sent on the `pg`
 * pool under `db` (src/db/sql.ts). Two batches in flight: one is written while the next forms,
 * so neither the app nor PostgreSQL waits for the other. The statement text is the same for every
 * batch, so it is a named prepared statement: each connection parses and plans it once.
 */
export function batchedInboxStore(db: Db, options: CoalesceOptions = { maxInFlight: 2, maxBatch: 500 }) {
  const pool = sqlPoolOf(db);
  const names = new Map<string, string>();
  const sql: SqlExecutor = {
    async query<T>(text: string, params: readonly unknown[]) {
      let name = names.get(text);
      if (!name) names.set(text, (name = `yorisoi-inbox-${names.size + 1}`));
      return (await pool.query({ name, text, values: params as unknown[] })).rows as T[];
    },
  };
  const crypto = dataCryptoOf(db);
  return coalesce<InboundEventInput, StoredEvent>((events) => insertInboundEvents(sql, crypto, events), options);
}

/**
 * requestProcessing for many concurrent requests: the jobs of a batch are added in one Redis
 * round trip (Queue.addBulk). Best effort like requestProcessing — the sweeper catches up.
 */
export function batchedProcessingRequests(queues: Queues, logger: Logger, options: CoalesceOptions = { maxInFlight: 1, maxBatch: 500 }) {
  const add = coalesce<StoredEvent, true>(async (events) => {
    await queues.inbound.addBulk(events.map((e) => ({ name: 'inbound', data: { sourceKey: e.sourceKey }, opts: { jobId: e.id } })));
    return events.map(() => true as const);
  }, options);
  return async (events: StoredEvent[]): Promise<void> => {
    const fresh = events.filter((e) => e.isNew);
    try {
      await add(fresh);
    } catch {
      logger.warn({ failed: fresh.length }, 'could not enqueue stored events; the sweeper will pick them up');
    }
  };
}
