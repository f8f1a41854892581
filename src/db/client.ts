import { PrismaPg } from '@prisma/adapter-pg';
import { loadConfig } from '../config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { DataCrypto, type DataEncryptionSettings } from './data-crypto.js';
import { withEncryption } from './encryption.js';

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
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    // Fail fast when PostgreSQL is gone so readiness and webhooks answer instead of hanging.
    connectionTimeoutMillis: 3_000,
  });
  const encryption = options.encryption ?? loadConfig(process.env).dataEncryption;
  const crypto = encryption instanceof DataCrypto ? encryption : new DataCrypto(encryption);
  // Query extensions leave every model type as it is: the extended client is used as a PrismaClient.
  return withEncryption(new PrismaClient({ adapter }), crypto) as unknown as Db;
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
