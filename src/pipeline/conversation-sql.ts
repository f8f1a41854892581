import { randomUUID } from 'node:crypto';
import type { Channel, DataCrypto, Prisma } from '../db/client.js';
import { SqlBuilder, type SqlExecutor } from '../db/sql.js';

// The statements the pipeline runs for one inbound event (src/pipeline/process-source.ts): read
// the next event, read the person and their conversation, then write everything the event
// changed in one statement (two when the effects need the Prisma path in between). Ids are made here (as Prisma would make them), so rows that refer to
// each other are inserted together; encrypted columns are sealed here, as src/db/encryption.ts
// would on a Prisma write.

export interface StoredInboundEvent {
  id: string;
  channel: Channel;
  payload: unknown;
}

/** The oldest unprocessed event of a source. Call it only under the source's lock (source-lock.ts). */
export async function takeNextEvent(sql: SqlExecutor, crypto: DataCrypto, sourceKey: string, maxAttempts: number): Promise<StoredInboundEvent | null> {
  const [row] = await sql.query<StoredInboundEvent>(
    `SELECT "id", "channel"::text AS "channel", "payload" FROM "InboundEvent"
     WHERE "sourceKey" = $1 AND "processedAt" IS NULL AND "attempts" < $2
     ORDER BY "occurredAt", "receivedAt" LIMIT 1`,
    [sourceKey, maxAttempts],
  );
  return row ? { ...row, payload: crypto.decrypt(row.payload) } : null;
}

export interface CaseSnapshot {
  id: string;
  status: string;
  urgency: 'EMERGENCY' | 'HIGH' | 'NORMAL';
  assigneeId: string | null;
  waitingSince: Date | null;
}

export interface PersonSnapshot {
  contactId: string;
  blockedAt: Date | null;
  /** The person's latest conversation, if any, with its case. */
  conversation: { id: string; state: unknown; case: CaseSnapshot | null } | null;
}

/**
 * Finds or creates the contact (by the keyed hash of the channel user id), marks it seen, and
 * reads its latest conversation and case: one statement.
 */
export async function touchContact(
  sql: SqlExecutor,
  crypto: DataCrypto,
  input: { channel: Channel; channelUserId: string; now: Date; unblock: boolean },
): Promise<PersonSnapshot> {
  const b = new SqlBuilder();
  const now = b.time(input.now);
  const [row] = await sql.query<{
    contactId: string;
    blockedAt: Date | null;
    conversationId: string | null;
    state: unknown;
    caseId: string | null;
    status: string | null;
    urgency: CaseSnapshot['urgency'] | null;
    assigneeId: string | null;
    waitingSince: Date | null;
  }>(
    `WITH contact AS (
       INSERT INTO "Contact" ("id", "channel", "channelUserId", "channelUserIdHash", "createdAt", "lastSeenAt")
       VALUES (${b.p(randomUUID(), 'uuid')}, ${b.p(input.channel, '"Channel"')}, ${b.p(crypto.encryptString(input.channelUserId))}, ${b.p(crypto.lookupHash(input.channelUserId))}, ${now}, ${now})
       ON CONFLICT ("channel", "channelUserIdHash") DO UPDATE SET
         "lastSeenAt" = EXCLUDED."lastSeenAt",
         -- Following again (LINE unblock) makes the person reachable again.
         "blockedAt" = CASE WHEN ${b.p(input.unblock, 'boolean')} THEN NULL ELSE "Contact"."blockedAt" END
       RETURNING "id", "blockedAt")
     SELECT contact."id" AS "contactId", contact."blockedAt", conversation."id" AS "conversationId", conversation."state",
            kase."id" AS "caseId", kase."status"::text AS "status", kase."urgency"::text AS "urgency", kase."assigneeId", kase."waitingSince"
     FROM contact
     LEFT JOIN LATERAL (
       SELECT "id", "state" FROM "Conversation" WHERE "contactId" = contact."id" ORDER BY "createdAt" DESC LIMIT 1
     ) conversation ON true
     LEFT JOIN "Case" kase ON kase."conversationId" = conversation."id"`,
    b.params,
  );
  if (!row) throw new Error('the contact upsert returned no row');
  return {
    contactId: row.contactId,
    blockedAt: row.blockedAt,
    conversation: row.conversationId
      ? {
          id: row.conversationId,
          state: crypto.decrypt(row.state) ?? null,
          case: row.caseId
            ? { id: row.caseId, status: row.status!, urgency: row.urgency!, assigneeId: row.assigneeId, waitingSince: row.waitingSince }
            : null,
        }
      : null,
  };
}

export interface MessageRow {
  conversationId: string;
  direction: 'INBOUND' | 'OUTBOUND';
  author: 'USER' | 'BOT' | 'STAFF';
  kind: string;
  text: string | null;
  payload: Prisma.InputJsonValue | null;
  channelMessageId?: string | null;
  clientMessageId?: string | null;
  createdAt: Date;
}

export interface DeliveryRow {
  conversationId: string | null;
  channel: Channel;
  recipient: string;
  payload: Prisma.InputJsonValue;
  replyToken?: { token: string; expiresAt: Date } | null;
  createdAt: Date;
}

/** Case columns the pipeline sets (undefined: left as it is). */
export interface CasePatch {
  language?: string;
  consulterType?: string;
  stage?: string;
  status?: string;
  lastUserMessageAt?: Date;
  /** Set unless the case is already waiting (decided by the row as it is when written). */
  waitingSinceUnlessSet?: Date;
  /** WAITING_USER becomes ACTIVE (the person answered); any other status stays. */
  resumeIfWaitingForUser?: boolean;
}

/** What a new case is created with (it has no earlier row to decide against). */
export type NewCaseColumns = Pick<CasePatch, 'language' | 'consulterType' | 'stage' | 'status' | 'lastUserMessageAt'>;

/**
 * Writes collected while an event is handled, sent as one statement of data-modifying CTEs. A
 * statement cannot change one row twice, so each row is written once (patches are merged first).
 */
export class WriteBatch {
  private b = new SqlBuilder();
  private ctes: string[] = [];

  constructor(private readonly crypto: DataCrypto) {}

  private add(cte: string) {
    this.ctes.push(cte);
  }

  private json(value: unknown | null | undefined): string {
    return value === null || value === undefined ? 'NULL' : this.b.p(JSON.stringify(this.crypto.encryptJson(value)), 'jsonb');
  }

  private conversationColumns(state: unknown) {
    const phase = state && typeof state === 'object' && typeof (state as { phase?: unknown }).phase === 'string' ? (state as { phase: string }).phase : null;
    return { state: this.json(state), phase: this.b.p(phase, 'text') };
  }

  insertConversation(row: { id: string; contactId: string; state: unknown; now: Date; lastInboundAt: Date | null; lastOutboundAt: Date | null }) {
    const { state, phase } = this.conversationColumns(row.state);
    const now = this.b.time(row.now);
    this.add(`INSERT INTO "Conversation" ("id", "contactId", "state", "phase", "createdAt", "updatedAt", "lastInboundAt", "lastOutboundAt")
      VALUES (${this.b.p(row.id, 'uuid')}, ${this.b.p(row.contactId, 'uuid')}, ${state}, ${phase}, ${now}, ${now}, ${this.b.time(row.lastInboundAt)}, ${this.b.time(row.lastOutboundAt)})`);
  }

  /** Updates a conversation; `state` undefined leaves state and phase as they are. */
  updateConversation(row: { id: string; state?: unknown; now: Date; lastInboundAt?: Date; lastOutboundAt?: Date }) {
    const sets = [`"updatedAt" = ${this.b.time(row.now)}`];
    if (row.state !== undefined) {
      const { state, phase } = this.conversationColumns(row.state);
      sets.push(`"state" = ${state}`, `"phase" = ${phase}`);
    }
    if (row.lastInboundAt) sets.push(`"lastInboundAt" = ${this.b.time(row.lastInboundAt)}`);
    if (row.lastOutboundAt) sets.push(`"lastOutboundAt" = ${this.b.time(row.lastOutboundAt)}`);
    this.add(`UPDATE "Conversation" SET ${sets.join(', ')} WHERE "id" = ${this.b.p(row.id, 'uuid')}`);
  }

  /** Inserts messages; returns their ids in order. */
  insertMessages(rows: MessageRow[]): string[] {
    if (rows.length === 0) return [];
    const ids = rows.map(() => randomUUID());
    const values = rows.map(
      (m, i) =>
        `(${this.b.p(ids[i], 'uuid')}, ${this.b.p(m.conversationId, 'uuid')}, ${this.b.p(m.direction, '"Direction"')}, ${this.b.p(m.author, '"Author"')}, ${this.b.p(m.kind, 'text')}, ` +
        `${m.text === null ? 'NULL' : this.b.p(this.crypto.encryptString(m.text), 'text')}, ${this.json(m.payload)}, ${this.b.p(m.channelMessageId ?? null, 'text')}, ${this.b.p(m.clientMessageId ?? null, 'text')}, ${this.b.time(m.createdAt)})`,
    );
    this.add(`INSERT INTO "Message" ("id", "conversationId", "direction", "author", "kind", "text", "payload", "channelMessageId", "clientMessageId", "createdAt") VALUES ${values.join(', ')}`);
    return ids;
  }

  /** Keyed hashes of phone numbers a person wrote (src/cases/phone-lookup.ts), in the same statement. */
  insertPhoneLookups(rows: { hash: string; contactId: string; messageId: string; createdAt: Date }[]) {
    if (rows.length === 0) return;
    const values = rows.map(
      (r) => `(${this.b.p(randomUUID(), 'uuid')}, ${this.b.p(r.hash, 'text')}, ${this.b.p(r.contactId, 'uuid')}, 'message', ${this.b.p(r.messageId, 'uuid')}, ${this.b.time(r.createdAt)})`,
    );
    this.add(`INSERT INTO "PhoneLookup" ("id", "hash", "contactId", "source", "sourceId", "createdAt") VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`);
  }

  /** Creates the case of a conversation with `patch` applied. */
  insertCase(row: { id: string; conversationId: string; channel: Channel; now: Date; patch: NewCaseColumns }) {
    const columns = ['"id"', '"conversationId"', '"channel"', '"createdAt"', '"updatedAt"'];
    const values = [this.b.p(row.id, 'uuid'), this.b.p(row.conversationId, 'uuid'), this.b.p(row.channel, '"Channel"'), this.b.time(row.now), this.b.time(row.now)];
    for (const [column, value] of this.patchAssignments(row.patch)) {
      columns.push(column);
      values.push(value);
    }
    this.add(`INSERT INTO "Case" (${columns.join(', ')}) VALUES (${values.join(', ')})`);
  }

  updateCase(id: string, now: Date, patch: CasePatch) {
    const sets = [`"updatedAt" = ${this.b.time(now)}`, ...this.patchAssignments(patch).map(([column, value]) => `${column} = ${value}`)];
    this.add(`UPDATE "Case" SET ${sets.join(', ')} WHERE "id" = ${this.b.p(id, 'uuid')}`);
  }

  private patchAssignments(patch: CasePatch): [string, string][] {
    const out: [string, string][] = [];
    if (patch.language !== undefined) out.push(['"language"', this.b.p(patch.language, 'text')]);
    if (patch.consulterType !== undefined) out.push(['"consulterType"', this.b.p(patch.consulterType, '"ConsulterType"')]);
    if (patch.stage !== undefined) out.push(['"stage"', this.b.p(patch.stage, 'text')]);
    if (patch.status !== undefined) out.push(['"status"', this.b.p(patch.status, '"CaseStatus"')]);
    if (patch.lastUserMessageAt !== undefined) out.push(['"lastUserMessageAt"', this.b.time(patch.lastUserMessageAt)]);
    // Written against the row itself, not the copy read earlier: a counsellor closing the case
    // meanwhile is not undone.
    if (patch.waitingSinceUnlessSet !== undefined) out.push(['"waitingSince"', `COALESCE("waitingSince", ${this.b.time(patch.waitingSinceUnlessSet)})`]);
    if (patch.resumeIfWaitingForUser) out.push(['"status"', `CASE WHEN "status" = 'WAITING_USER' THEN 'ACTIVE'::"CaseStatus" ELSE "status" END`]);
    return out;
  }

  insertIntakeAnswers(rows: { caseId: string; flowId: string; stepId: string; key: string; value: string | null; freeText: string | null; createdAt: Date }[]) {
    if (rows.length === 0) return;
    const values = rows.map(
      (a) =>
        `(${this.b.p(randomUUID(), 'uuid')}, ${this.b.p(a.caseId, 'uuid')}, ${this.b.p(a.flowId, 'text')}, ${this.b.p(a.stepId, 'text')}, ${this.b.p(a.key, 'text')}, ${this.b.p(a.value, 'text')}, ` +
        `${a.freeText === null ? 'NULL' : this.b.p(this.crypto.encryptString(a.freeText), 'text')}, ${this.b.time(a.createdAt)})`,
    );
    this.add(`INSERT INTO "IntakeAnswer" ("id", "caseId", "flowId", "stepId", "key", "value", "freeText", "createdAt") VALUES ${values.join(', ')}`);
  }

  /** Funnel events: coded, nothing to encrypt. */
  insertStepEvents(rows: { caseId: string; flowId: string; stepId: string; event: string; createdAt: Date }[]) {
    if (rows.length === 0) return;
    const values = rows.map(
      (e) =>
        `(${this.b.p(e.caseId, 'uuid')}, ${this.b.p(e.flowId, 'text')}, ${this.b.p(e.stepId, 'text')}, ${this.b.p(e.event, 'text')}, ${this.b.time(e.createdAt)})`,
    );
    // The serial id follows the order of the VALUES rows: the order the core produced them.
    this.add(`INSERT INTO "IntakeStepEvent" ("caseId", "flowId", "stepId", "event", "createdAt") VALUES ${values.join(', ')}`);
  }

  /** Inserts channel calls to make (src/pipeline/delivery.ts sends them); returns their ids in order. */
  insertDeliveries(rows: DeliveryRow[]): string[] {
    if (rows.length === 0) return [];
    const ids = rows.map(() => randomUUID());
    const values = rows.map(
      (d, i) =>
        `(${this.b.p(ids[i], 'uuid')}, ${this.b.p(d.conversationId, 'uuid')}, ${this.b.p(d.channel, '"Channel"')}, ${this.b.p(this.crypto.encryptString(d.recipient), 'text')}, ${this.b.p(this.crypto.lookupHash(d.recipient), 'text')}, ` +
        `${this.json(d.payload)}, ${this.b.p(d.replyToken?.token ?? null, 'text')}, ${this.b.time(d.replyToken?.expiresAt ?? null)}, ${this.b.p(randomUUID(), 'uuid')}, ${this.b.time(d.createdAt)})`,
    );
    this.add(
      `INSERT INTO "OutboundDelivery" ("id", "conversationId", "channel", "recipient", "recipientHash", "payload", "replyToken", "replyTokenExpiresAt", "retryKey", "createdAt") VALUES ${values.join(', ')}`,
    );
    return ids;
  }

  markProcessed(eventId: string, at: Date) {
    this.add(`UPDATE "InboundEvent" SET "processedAt" = ${this.b.time(at)} WHERE "id" = ${this.b.p(eventId, 'uuid')}`);
  }

  /** Sends the collected writes (nothing when there are none). */
  async flush(sql: SqlExecutor): Promise<void> {
    if (this.ctes.length === 0) return;
    await this.run(sql, 'SELECT 1');
  }

  /**
   * Sends the collected writes and answers, in the same statement, whether the source has another
   * unprocessed event than `eventId` (an event stored after this look has its own job).
   */
  async flushAndLookAhead(sql: SqlExecutor, sourceKey: string, eventId: string, maxAttempts: number): Promise<boolean> {
    const select = `SELECT EXISTS (SELECT 1 FROM "InboundEvent" WHERE "sourceKey" = ${this.b.p(sourceKey, 'text')} AND "processedAt" IS NULL
      AND "attempts" < ${this.b.p(maxAttempts, 'int')} AND "id" <> ${this.b.p(eventId, 'uuid')}) AS "more"`;
    const [row] = await this.run<{ more: boolean }>(sql, select);
    return row?.more === true;
  }

  private async run<T>(sql: SqlExecutor, select: string): Promise<T[]> {
    const text = this.ctes.length > 0 ? `WITH ${this.ctes.map((cte, i) => `w${i} AS (${cte})`).join(',\n')}\n${select}` : select;
    const params = this.b.params;
    this.b = new SqlBuilder();
    this.ctes = [];
    return sql.query<T>(text, params);
  }
}
