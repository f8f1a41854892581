import type { Prisma } from '../db/client.js';
import { lockSource, sourceKeyFor } from '../pipeline/inbox.js';

type Tx = Pick<Prisma.TransactionClient, '$queryRaw'>;

/**
 * Takes, until the transaction ends, the per-person lock the inbound pipeline holds while it
 * handles that person's message (pipeline/inbox.ts lockSource). A staff transaction that writes
 * a case's conversation and case rows takes it first: the pipeline's one write statement and the
 * staff transaction then never hold those rows in opposite orders (no deadlock), they simply
 * queue one behind the other. A person without a channel id (removed by retention) sends
 * nothing more, so there is nothing to wait for.
 */
export async function lockPersonOfCase(tx: Tx, caseId: string): Promise<void> {
  const [person] = await tx.$queryRaw<{ channel: 'LINE' | 'WEB'; hash: string | null }[]>`
    SELECT ct."channel"::text AS "channel", ct."channelUserIdHash" AS "hash"
    FROM "Case" c JOIN "Conversation" cv ON cv."id" = c."conversationId" JOIN "Contact" ct ON ct."id" = cv."contactId"
    WHERE c."id" = ${caseId}::uuid`;
  if (person?.hash) await lockSource(tx, sourceKeyFor(person.channel, person.hash));
}
