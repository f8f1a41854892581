import type { DataCrypto } from '../db/client.js';
import type { SqlExecutor } from '../db/sql.js';

// The person's recent earlier texts in one conversation, for triage to read a message in the
// light of what came before (after "I took all the pills", "still awake, I feel sick" is an
// emergency). One indexed read (Message: conversationId, createdAt) of a few rows on the hot
// path; texts are decrypted here and never logged.

/** How far back earlier messages count, and how many at most. */
export const TRIAGE_CONTEXT_WINDOW_MS = 24 * 60 * 60 * 1000;
export const TRIAGE_CONTEXT_MESSAGES = 4;

/** The person's own text messages of the last 24 h in the conversation, oldest first. */
export async function recentInboundTexts(sql: SqlExecutor, crypto: DataCrypto, conversationId: string, now: Date): Promise<string[]> {
  const since = new Date(now.getTime() - TRIAGE_CONTEXT_WINDOW_MS);
  const rows = await sql.query<{ text: string | null }>(
    `SELECT "text" FROM "Message"
     WHERE "conversationId" = $1::uuid AND "createdAt" >= $2::timestamp(3) AND "createdAt" <= $3::timestamp(3)
       AND "direction" = 'INBOUND' AND "author" = 'USER' AND "kind" = 'text' AND "hiddenAt" IS NULL AND "text" IS NOT NULL
     ORDER BY "createdAt" DESC LIMIT $4`,
    [conversationId, since.toISOString(), now.toISOString(), TRIAGE_CONTEXT_MESSAGES],
  );
  return rows.flatMap((row) => (row.text === null ? [] : [crypto.decryptString(row.text)])).reverse();
}
