// A counsellor opened the conversation: their own "last seen" moves (queue unread counts), and
// when they work the case in chat mode the person's messages are marked read — 既読 on the web
// chat (a live `read` event and the stored readUpTo), mark-as-read on LINE (best effort: a lost
// mark only leaves LINE's 既読 off; nothing the person wrote is at stake).
import type { Logger } from '../platform/logger.js';
import { canViewCase, canWorkCase, type Actor } from './actor.js';
import { markCaseSeen } from './case-cards.js';
import { publishAll, type CaseDeps } from './deps.js';
import { caseNotFound } from './errors.js';

/** How many of the person's newest messages are looked at for a LINE mark-as-read token. */
const TOKEN_SCAN = 20;

export interface ReadDeps extends CaseDeps {
  /** LINE's mark-as-read by token; absent when LINE is not configured. */
  markLineRead?: ((token: string) => Promise<void>) | null;
}

export async function markConversationRead(deps: ReadDeps, actor: Actor, caseId: string, chat: boolean): Promise<{ seenAt: string; readUpTo: string | null }> {
  const { db } = deps;
  const now = deps.now();
  const kase = await db.case.findUnique({ where: { id: caseId }, include: { conversation: { include: { read: true } } } });
  if (!kase || !canViewCase(actor, kase)) throw caseNotFound();
  await markCaseSeen(db, actor.id, caseId, now);
  if (!chat || !canWorkCase(actor, kase) || (kase.channel !== 'LINE' && kase.channel !== 'WEB')) return { seenAt: now.toISOString(), readUpTo: null };

  const conversationId = kase.conversationId;
  const previous = kase.conversation.read?.readUpTo ?? null;
  await db.$executeRaw`
    INSERT INTO "ConversationRead" ("conversationId", "readUpTo", "updatedAt") VALUES (${conversationId}::uuid, ${now}, ${now})
    ON CONFLICT ("conversationId") DO UPDATE SET "readUpTo" = GREATEST("ConversationRead"."readUpTo", EXCLUDED."readUpTo"), "updatedAt" = EXCLUDED."updatedAt"`;

  const unread = await db.message.findMany({
    where: { conversationId, author: 'USER', hiddenAt: null, ...(previous ? { createdAt: { gt: previous } } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: TOKEN_SCAN,
    select: { payload: true },
  });
  if (unread.length > 0) {
    if (kase.channel === 'LINE') await markOnLine(deps, unread, deps.logger);
    await publishAll(deps, [[{ kind: 'contact', contactId: kase.conversation.contactId }, { type: 'read', conversationId, upTo: now.toISOString() }]]);
  }
  return { seenAt: now.toISOString(), readUpTo: now.toISOString() };
}

async function markOnLine(deps: ReadDeps, newestFirst: { payload: unknown }[], logger: Logger) {
  if (!deps.markLineRead) return;
  const token = newestFirst.map((m) => (m.payload as { markAsReadToken?: unknown } | null)?.markAsReadToken).find((t): t is string => typeof t === 'string' && t.length > 0);
  if (!token) return;
  try {
    await deps.markLineRead(token);
  } catch (error) {
    logger.warn({ err: { name: (error as Error).name } }, 'LINE mark-as-read failed');
  }
}

/** When the person's messages were last read by a counsellor (the web chat's 既読). */
export async function readUpToOf(db: CaseDeps['db'], contactId: string): Promise<string | null> {
  const rows = await db.conversationRead.findMany({ where: { conversation: { contactId } }, orderBy: { readUpTo: 'desc' }, take: 1 });
  return rows[0]?.readUpTo.toISOString() ?? null;
}

/** Typing goes live only: never stored. */
export async function announceStaffTyping(deps: CaseDeps, actor: Actor, caseId: string, on: boolean): Promise<void> {
  const kase = await deps.db.case.findUnique({ where: { id: caseId }, select: { assigneeId: true, status: true, channel: true, conversationId: true, conversation: { select: { contactId: true } } } });
  if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
  if (kase.channel !== 'WEB') return; // LINE shows no counsellor typing; phone and walk-in cases have no chat
  await publishAll(deps, [[{ kind: 'contact', contactId: kase.conversation.contactId }, { type: 'typing', conversationId: kase.conversationId, on, by: 'staff' }]]);
}
