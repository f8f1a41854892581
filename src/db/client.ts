import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

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

export function createDb(databaseUrl: string, options: { poolSize?: number } = {}): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    // Fail fast when PostgreSQL is gone so readiness and webhooks answer instead of hanging.
    connectionTimeoutMillis: 3_000,
  });
  return new PrismaClient({ adapter });
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
