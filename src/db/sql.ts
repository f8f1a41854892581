import pg from 'pg';
import type { Prisma } from '../generated/prisma/client.js';

// Hand-written SQL for the worker's hot path (an inbound event, a delivery). A Prisma model query
// costs this process about five times the CPU of the same statement sent with `pg`, and the
// hot path runs for every message of every person: there, statements go through the pool Prisma
// itself uses (src/db/client.ts), a few per event instead of a few dozen. Everything else stays on
// Prisma. Such SQL sees no encryption extension: callers seal and open encrypted columns
// themselves (dataCryptoOf) — as the other raw SQL sites do.

/** Runs one statement and returns its rows: on a `pg` connection, or inside a Prisma transaction. */
export interface SqlExecutor {
  query<T>(text: string, params: readonly unknown[]): Promise<T[]>;
}

// Prisma stores DateTime in `timestamp(3)` columns as UTC without a zone; `pg` would read them
// as local time. Parameters go as ISO strings cast with `::timestamp(3)`, which drops the "Z".
const TIMESTAMP_OID = 1114;
const parseUtcTimestamp = (value: string) => new Date(`${value.replace(' ', 'T')}Z`);
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === TIMESTAMP_OID && format !== 'binary' ? parseUtcTimestamp : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** The pool behind every Prisma client of the app (shared with the hot-path SQL). */
export function createPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    // Bounded, so a request answers (503) instead of hanging when PostgreSQL is gone; a refused
    // connection fails at once anyway. Not tighter: on a loaded 2-core host, opening a new
    // connection took over 3 s and web chat sends answered 500 (the CI flake of pipeline.test.ts).
    connectionTimeoutMillis: 10_000,
    // Columns are UTC wall time (as Prisma writes them): so is anything PostgreSQL itself stamps
    // (column defaults, now()), whatever time zone the server is set to.
    options: '-c TimeZone=UTC',
    types,
  });
  // An idle connection dropped by a PostgreSQL restart: the pool replaces it; never crash on it.
  pool.on('error', () => {});
  return pool;
}

/** The executor for Prisma's interactive transaction `tx` (same statements, slower, but one transaction). */
export function prismaExecutor(tx: Pick<Prisma.TransactionClient, '$queryRawUnsafe'>): SqlExecutor {
  return { query: <T>(text: string, params: readonly unknown[]) => tx.$queryRawUnsafe<T[]>(text, ...params) };
}

/** Statements outside a transaction, each on whichever pooled connection is free. */
export function poolExecutor(pool: pg.Pool): SqlExecutor {
  return { query: async <T>(text: string, params: readonly unknown[]) => (await pool.query({ text, values: params as unknown[], types })).rows as T[] };
}

function clientExecutor(client: pg.PoolClient): SqlExecutor {
  return { query: async <T>(text: string, params: readonly unknown[]) => (await client.query({ text, values: params as unknown[], types })).rows as T[] };
}

/**
 * Runs `fn` in a transaction on one pooled connection. `prelude` (SQL without parameters, e.g.
 * an advisory lock with an escaped literal) goes with BEGIN in the same round trip; `fn` gets
 * the rows of its last statement.
 */
export async function inPgTransaction<T>(pool: pg.Pool, prelude: string, fn: (sql: SqlExecutor, preludeRows: Record<string, unknown>[]) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection lost mid-transaction (PostgreSQL restarting) is reported by the next query;
  // the pool only listens while the connection is idle, and an unheard 'error' ends the process.
  let broken: unknown;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    const begun = (await client.query(prelude ? `BEGIN; ${prelude}` : 'BEGIN')) as pg.QueryResult | pg.QueryResult[];
    const last = Array.isArray(begun) ? begun.at(-1) : begun;
    const result = await fn(clientExecutor(client), (last?.rows ?? []) as Record<string, unknown>[]);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError;
    }
    throw error;
  } finally {
    client.off('error', onError);
    // A connection that failed or could not roll back is closed, not handed to the next caller.
    client.release(broken instanceof Error ? broken : undefined);
  }
}

/** Builds one statement with numbered parameters ($1, $2, …). */
export class SqlBuilder {
  readonly params: unknown[] = [];

  /** A parameter placeholder with a cast, e.g. p(id, 'uuid'). */
  p(value: unknown, cast?: string): string {
    this.params.push(value instanceof Date ? value.toISOString() : value);
    return cast ? `$${this.params.length}::${cast}` : `$${this.params.length}`;
  }

  /** A timestamp(3) parameter (null stays NULL). */
  time(value: Date | null): string {
    return this.p(value, 'timestamp(3)');
  }
}

/** Escapes a string as an SQL literal (for the parameterless prelude of a transaction). */
export function sqlLiteral(value: string): string {
  return pg.escapeLiteral(value);
}
