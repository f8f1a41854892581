import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Contact, Db } from '../../db/client.js';

// An anonymous web session is an unguessable bearer token kept by the browser. Only its SHA-256
// is stored, so a database leak does not let anyone read a conversation.

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createWebSession(db: Db): Promise<{ token: string; contactId: string; channelUserId: string }> {
  const token = randomBytes(32).toString('base64url');
  const channelUserId = randomUUID();
  const contact = await db.contact.create({
    data: { channel: 'WEB', channelUserId, webTokenHash: hashToken(token) },
  });
  return { token, contactId: contact.id, channelUserId };
}

/** The contact of a live session; a contact whose ids were removed (retention) has none. */
export async function findWebSession(db: Db, token: string): Promise<WebContact | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const contact = await db.contact.findUnique({ where: { webTokenHash: hashToken(token) } });
  if (!contact?.channelUserId || !contact.channelUserIdHash) return null;
  return { ...contact, channelUserId: contact.channelUserId, channelUserIdHash: contact.channelUserIdHash };
}

export type WebContact = Contact & { channelUserId: string; channelUserIdHash: string };
