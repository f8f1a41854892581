import type { Channel, Db, Prisma } from '../db/client.js';
import { sourceKeyFor } from '../pipeline/inbox.js';
import { inSourceTransaction } from '../pipeline/source-lock.js';

/**
 * Runs `fn` in a transaction that holds, from its first statement, the per-person lock the
 * inbound pipeline holds while it handles that person's message (pipeline/source-lock.ts). A
 * staff transaction that writes a case's conversation and case rows goes through here: the
 * pipeline and the staff transaction then take the person first and rows after, never in
 * opposite orders, and simply queue one behind the other — the waiting one without a pooled
 * connection. The person is looked up before the transaction; a person without a channel id
 * (removed by retention) sends nothing more, so there is nothing to wait for.
 */
export async function inCasePersonTransaction<T>(db: Db, caseId: string, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  const [person] = await db.$queryRaw<{ channel: Channel; hash: string | null }[]>`
    SELECT ct."channel"::text AS "channel", ct."channelUserIdHash" AS "hash"
    FROM "Case" c JOIN "Conversation" cv ON cv."id" = c."conversationId" JOIN "Contact" ct ON ct."id" = cv."contactId"
    WHERE c."id" = ${caseId}::uuid`;
  if (!person?.hash) return db.$transaction(fn);
  return inSourceTransaction(db, sourceKeyFor(person.channel, person.hash), fn);
}
