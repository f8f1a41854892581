// Message text, payloads and channel user ids are encrypted at rest (random IV), so a query
// cannot filter on them: tests look rows up by the keyed hash, or read and compare in JS.
import { dataCryptoOf, type Db, type Prisma } from '../../src/db/client.js';

/** The keyed hash stored beside a channel user id (Contact.channelUserIdHash, OutboundDelivery.recipientHash). */
export function lookupHash(db: Db, channelUserId: string): string {
  return dataCryptoOf(db).lookupHash(channelUserId);
}

/** Messages (matching `where`) whose decrypted text is `text`. */
export async function messagesWithText(db: Db, text: string, where: Prisma.MessageWhereInput = {}) {
  const messages = await db.message.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return messages.filter((m) => m.text === text);
}

export async function countMessagesWithText(db: Db, text: string, where: Prisma.MessageWhereInput = {}): Promise<number> {
  return (await messagesWithText(db, text, where)).length;
}
