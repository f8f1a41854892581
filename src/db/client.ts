import { PrismaPg } from '@prisma/adapter-pg';
import { loadConfig } from '../config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { DataCrypto, type DataEncryptionSettings } from './data-crypto.js';
import { withEncryption } from './encryption.js';
import { createPool } from './sql.js';
import type pg from 'pg';

export type Db = PrismaClient;
export { Prisma } from '../generated/prisma/client.js';
export * from '../generated/prisma/enums.js';
export type {
  AuditEvent,
  Case,
  Contact,
  Conversation,
  Handover,
  Message,
  OutboundDelivery,
  Reminder,
  StaffUser,
  DeskContact, // ── people ──
} from '../generated/prisma/client.js';

export { DataCrypto } from './data-crypto.js';
export { dataCryptoOf } from './encryption.js';

/**
 * Every PrismaClient of the app is built here: it encrypts what people wrote on write and
 * decrypts it on read (src/db/encryption.ts). The keys come from the config (`encryption`);
 * without them, from the environment (DATA_ENCRYPTION_KEYS, or the development keys outside
 * production).
 */
export function createDb(databaseUrl: string, options: { poolSize?: number; encryption?: DataEncryptionSettings | DataCrypto } = {}): Db {
  // One pool for Prisma and for the hot path's own SQL (src/db/sql.ts): no second set of connections.
  const pool = createPool(databaseUrl, options.poolSize ?? 10);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const encryption = options.encryption ?? loadConfig(process.env).dataEncryption;
  const crypto = encryption instanceof DataCrypto ? encryption : new DataCrypto(encryption);
  // Query extensions leave every model type as it is: the extended client is used as a PrismaClient.
  // A transaction may wait up to 5 s for a pooled connection (Prisma's 2 s default turned short
  // bursts — a login storm, a test file's set-up on a busy machine — into 500s).
  return withEncryption(new PrismaClient({ adapter, transactionOptions: { maxWait: 5_000 } }), crypto).$extends({ name: 'sql-pool', client: { $sqlPool: () => pool } }) as unknown as Db;
}

/** The `pg` pool under a client built by createDb (for src/db/sql.ts). */
export function sqlPoolOf(db: object): pg.Pool {
  const get = (db as { $sqlPool?: () => pg.Pool }).$sqlPool;
  if (typeof get !== 'function') throw new Error('this Prisma client was not built by createDb(): it has no SQL pool');
  return get();
}

/** Resolves within `timeoutMs` with whether PostgreSQL answered a trivial query. */
export async function databaseIsReachable(db: Db, timeoutMs = 1_500): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([db.$queryRaw`SELECT 1`.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
