// What a queue card needs beyond the case row, for one staff member: how many of the person's
// messages they have not seen (from their own last-seen marker, CaseSeen), the latest message
// shortened, whether the person came back, household links. One statement for the whole page.
import { dataCryptoOf, type Db, type Prisma } from '../db/client.js';
import type { Actor } from './actor.js';
import type { QueueEntry } from './queue.js';

/** Characters of the last message shown on a card: enough to recognise it, not to read it all. */
export const PREVIEW_CHARACTERS = 80;

export interface CaseCard extends QueueEntry {
  unread: number;
  newSinceSeen: boolean;
  seenAt: string | null;
  lastMessage: { author: 'user' | 'bot' | 'staff'; text: string; at: string } | null;
  returning: boolean;
  householdLinks: number;
}

const authorOf = (a: string) => (a === 'USER' ? 'user' : a === 'BOT' ? 'bot' : 'staff') as 'user' | 'bot' | 'staff';

export function shorten(text: string, max = PREVIEW_CHARACTERS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
}

export async function toCaseCards(db: Db, actor: Actor, entries: QueueEntry[]): Promise<CaseCard[]> {
  if (entries.length === 0) return [];
  const ids = entries.map((e) => e.id);
  const rows = await db.$queryRaw<
    { id: string; seenAt: Date | null; unread: bigint; lastAuthor: string | null; lastKind: string | null; lastText: unknown; lastAt: Date | null; returning: boolean; household: bigint }[]
  >`
    SELECT c."id",
           s."seenAt",
           (SELECT count(*) FROM "Message" m
             WHERE m."conversationId" = c."conversationId" AND m."author" = 'USER' AND m."hiddenAt" IS NULL
               AND m."createdAt" > COALESCE(s."seenAt", '-infinity'::timestamp)) AS "unread",
           lm."author"::text AS "lastAuthor", lm."kind" AS "lastKind", lm."text" AS "lastText", lm."createdAt" AS "lastAt",
           EXISTS (SELECT 1 FROM "CaseLink" l WHERE l."caseId" = c."id" AND l."kind" = 'continuation')
             OR EXISTS (SELECT 1 FROM "AuditEvent" a WHERE a."caseId" = c."id" AND a."action" = 'case.reopened') AS "returning",
           (SELECT count(*) FROM "CaseLink" l WHERE (l."caseId" = c."id" OR l."otherCaseId" = c."id") AND l."kind" = 'household') AS "household"
    FROM "Case" c
    LEFT JOIN "CaseSeen" s ON s."caseId" = c."id" AND s."staffId" = ${actor.id}::uuid
    LEFT JOIN LATERAL (
      SELECT "author", "kind", "text", "createdAt" FROM "Message"
      WHERE "conversationId" = c."conversationId" AND "hiddenAt" IS NULL
      ORDER BY "createdAt" DESC, "id" DESC LIMIT 1
    ) lm ON true
    WHERE c."id" = ANY(${ids}::uuid[])`;
  const crypto = dataCryptoOf(db);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return entries.map((entry) => {
    const r = byId.get(entry.id);
    const seenAt = r?.seenAt ?? null;
    let lastMessage: CaseCard['lastMessage'] = null;
    if (r?.lastAt && r.lastAuthor && !entry.preview.dataDeleted) {
      const text = r.lastText === null ? null : (crypto.decrypt(r.lastText) as string | null);
      lastMessage = { author: authorOf(r.lastAuthor), text: shorten(text ?? mediaWord(r.lastKind)), at: r.lastAt.toISOString() };
    }
    return {
      ...entry,
      unread: Number(r?.unread ?? 0),
      newSinceSeen: r?.lastAt ? seenAt === null || r.lastAt > seenAt : false,
      seenAt: seenAt ? seenAt.toISOString() : null,
      lastMessage,
      returning: r?.returning ?? false,
      householdLinks: Number(r?.household ?? 0),
    };
  });
}

function mediaWord(kind: string | null): string {
  const words: Record<string, string> = { sticker: '（スタンプ）', image: '（画像）', video: '（動画）', audio: '（音声）', file: '（ファイル）', location: '（位置情報）' };
  return (kind && words[kind]) || '（メッセージ）';
}

/** The actor has looked at the case now: their "new since you last looked" starts from here. */
export async function markCaseSeen(db: Pick<Prisma.TransactionClient, '$executeRaw'>, staffId: string, caseId: string, at: Date) {
  // One statement: two tabs opening the same case at once never collide; the marker only moves forward.
  await db.$executeRaw`
    INSERT INTO "CaseSeen" ("staffId", "caseId", "seenAt") VALUES (${staffId}::uuid, ${caseId}::uuid, ${at})
    ON CONFLICT ("staffId", "caseId") DO UPDATE SET "seenAt" = GREATEST("CaseSeen"."seenAt", EXCLUDED."seenAt")`;
}
