import { sqlPoolOf, type Db, type Prisma } from '../db/client.js';
import { sqlLiteral } from '../db/sql.js';

// The per-person lock: one source's events (one person on one channel, see inbox.ts
// sourceKeyFor) are processed one at a time, and anything else that changes that person's
// conversation (a staff reply, a status change, deleting the conversation) takes it too.
//
// It is only ever *tried* (pg_try_advisory_xact_lock), never waited for inside PostgreSQL: a
// session blocked in pg_advisory_xact_lock holds a pooled connection while it only waits, and
// jobs queued behind one person's quick messages then held every connection of a small pool
// (test/integration/pipeline/pool-pressure.test.ts). A busy lock rolls the attempt back, which
// returns the connection, and the caller tries again after a pause. No blocking form is
// offered here, and test/unit/pipeline/source-lock.test.ts keeps one from appearing in src/.
// Trying also rules out deadlocks through this lock: nobody ever waits for it while holding rows.

/** How long a caller waits for a person's lock before giving up (a job is retried by BullMQ). */
export const SOURCE_LOCK_WAIT_MS = 20_000;

/** Another job or a staff transaction holds the person's lock (this attempt was rolled back). */
export class SourceBusy extends Error {
  constructor() {
    super('the person’s lock is held');
    this.name = 'SourceBusy';
  }
}

/** The lock stayed busy for SOURCE_LOCK_WAIT_MS. It passes with time: a 503, never a dead letter. */
export class SourceLockTimeout extends Error {
  // PostgreSQL's lock_not_available, which a lock_timeout raises: transient (platform/errors.ts).
  readonly code = '55P03';
  constructor(sourceKey: string, waitedMs: number) {
    super(`timed out after ${waitedMs} ms waiting for the lock of source ${sourceKey.slice(0, 12)}…`);
    this.name = 'SourceLockTimeout';
  }
}

/**
 * The lock, taken only if it is free, as an SQL statement without parameters (it goes with
 * BEGIN in one round trip on the hand-written SQL path): answers one row `{ locked: boolean }`.
 */
export function tryLockSourceStatement(sourceKey: string): string {
  return `SELECT pg_try_advisory_xact_lock(hashtextextended(${sqlLiteral(sourceKey)}, 0)) AS "locked"`;
}

/**
 * The callers for one person on one connection pool (one app instance), in arrival order: one
 * tries the lock at a time, so an instance polls PostgreSQL at most once per person and serves
 * its callers first come, first served, as they were while blocked in PostgreSQL. Other
 * instances still compete through the lock itself.
 */
const turnsByPool = new WeakMap<object, Map<string, Promise<void>>>();

/** Resolves true when `turn` resolves, false after `ms` (whichever comes first). */
function within(turn: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  return Promise.race([turn.then(() => true), late]).finally(() => clearTimeout(timer));
}

/**
 * Runs `attempt` until it gets the lock. `attempt` opens a transaction on `pool`, tries the lock
 * first and throws SourceBusy when it is taken; between attempts this waits without any
 * connection. Not re-entrant: an `attempt` must not wait for the same person's lock again.
 */
export async function underSourceLock<T>(pool: object, sourceKey: string, attempt: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let localTurns = turnsByPool.get(pool);
  if (!localTurns) turnsByPool.set(pool, (localTurns = new Map()));
  const previous = localTurns.get(sourceKey) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const turn = previous.then(() => mine);
  localTurns.set(sourceKey, turn);
  try {
    // Given up waiting, the caller still hands on in its place: the next waits for `previous`.
    if (!(await within(previous, SOURCE_LOCK_WAIT_MS))) throw new SourceLockTimeout(sourceKey, Date.now() - started);
    for (let pause = 2; ; pause = Math.min(pause * 2, 100)) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof SourceBusy)) throw error;
        const waited = Date.now() - started;
        if (waited > SOURCE_LOCK_WAIT_MS) throw new SourceLockTimeout(sourceKey, waited);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  } finally {
    release();
    // Forgotten once every caller before has finished too (at once, unless this one gave up).
    void turn.then(() => {
      if (localTurns.get(sourceKey) === turn) localTurns.delete(sourceKey);
    });
  }
}

/**
 * A Prisma interactive transaction that holds the person's lock from its first statement
 * (before any row is touched: the pipeline's order, person then rows) until it ends. `fn` runs
 * once, only with the lock held; the attempts before it do nothing but try the lock.
 */
export function inSourceTransaction<T>(
  db: Db,
  sourceKey: string,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
  options?: { timeout?: number; maxWait?: number },
): Promise<T> {
  return underSourceLock(sqlPoolOf(db), sourceKey, () =>
    db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${sourceKey}, 0)) AS "locked"`;
      if (row?.locked !== true) throw new SourceBusy();
      return fn(tx);
    }, options),
  );
}
