// Bulk data with generate_series: 100,000 cases (with their contacts and conversations),
// 1,000,000 messages and handovers, in a realistic mix, plus pending reminders.
import pg from 'pg';

async function columns(client: pg.Client, table: string): Promise<Set<string>> {
  const result = await client.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = $1', [table]);
  return new Set(result.rows.map((r) => r.column_name));
}

export interface SeedResult {
  cases: number;
  openCases: number;
  messages: number;
  ms: number;
}

/**
 * The mix (by case): 80 % CLOSED, 5 % INTAKE, 4 % QUEUED, 5 % ACTIVE, 3 % WAITING_USER,
 * 1 % INFO_GIVEN, 2 % HANDED_OVER (half of them not yet acknowledged by the center); urgency 2 %
 * EMERGENCY, 10 % HIGH; waiting since up to a week; claimed cases spread over `staffIds`.
 */
export async function seedQueue(databaseUrl: string, options: { cases: number; messages: number; staffIds: string[]; onProgress?: (m: string) => void }): Promise<SeedResult> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Prisma keeps timestamps as UTC in "timestamp without time zone" columns.
    await client.query("SET TIME ZONE 'UTC'");
    const n = options.cases;
    const staff = `ARRAY[${options.staffIds.map((id) => `'${id}'::uuid`).join(',')}]`;
    const contactColumns = await columns(client, 'Contact');
    const hash = contactColumns.has('channelUserIdHash');
    options.onProgress?.('contacts');
    await client.query(`
      INSERT INTO "Contact" ("id", "channel", "channelUserId"${hash ? ', "channelUserIdHash"' : ''}, "createdAt", "lastSeenAt")
      SELECT md5('contact' || i)::uuid,
             (CASE WHEN i % 3 = 0 THEN 'WEB' ELSE 'LINE' END)::"Channel",
             'seed-' || i${hash ? `, md5('seed-hash-' || i)` : ''},
             now() - (i % 2592000) * interval '1 second', now() - (i % 86400) * interval '1 second'
      FROM generate_series(1, ${n}) AS i`);
    options.onProgress?.('conversations');
    await client.query(`
      INSERT INTO "Conversation" ("id", "contactId", "createdAt", "updatedAt", "lastInboundAt")
      SELECT md5('conv' || i)::uuid, md5('contact' || i)::uuid,
             now() - (i % 2592000) * interval '1 second', now(), now() - (i % 86400) * interval '1 second'
      FROM generate_series(1, ${n}) AS i`);
    options.onProgress?.('cases');
    // r decides the status, u the urgency; both spread evenly but not in step with each other.
    await client.query(`
      INSERT INTO "Case" ("id", "conversationId", "channel", "status", "urgency", "consulterType", "language",
                          "waitingSince", "queuedAt", "claimedAt", "assigneeId", "lastUserMessageAt", "closedAt", "createdAt", "updatedAt", "markers")
      SELECT md5('case' || i)::uuid, md5('conv' || i)::uuid,
             (CASE WHEN i % 3 = 0 THEN 'WEB' ELSE 'LINE' END)::"Channel",
             s.status::"CaseStatus",
             (CASE WHEN (i * 31) % 50 = 0 THEN 'EMERGENCY' WHEN (i * 31) % 10 = 1 THEN 'HIGH' ELSE 'NORMAL' END)::"Urgency",
             (ARRAY['SELF','FAMILY','FAMILY','AGENCY','NEIGHBOUR','UNSURE'])[1 + i % 6]::"ConsulterType",
             'ja',
             CASE WHEN s.status IN ('QUEUED','ACTIVE','WAITING_USER','INFO_GIVEN') OR (s.status = 'HANDED_OVER' AND i % 2 = 0)
                  THEN now() - ((i * 7) % 604800) * interval '1 second' END,
             CASE WHEN s.status NOT IN ('INTAKE') THEN now() - ((i * 7) % 604800 + 600) * interval '1 second' END,
             CASE WHEN s.status IN ('ACTIVE','WAITING_USER','INFO_GIVEN','HANDED_OVER','CLOSED') THEN now() - ((i * 7) % 604800) * interval '1 second' END,
             CASE WHEN s.status IN ('ACTIVE','WAITING_USER','INFO_GIVEN','HANDED_OVER') THEN (${staff})[1 + i % ${options.staffIds.length}] END,
             now() - (i % 86400) * interval '1 second',
             CASE WHEN s.status = 'CLOSED' THEN now() - (i % 2592000) * interval '1 second' END,
             now() - (i % 2592000 + 3600) * interval '1 second', now(),
             CASE WHEN i % 7 = 0 THEN '{"signals":["isolation"]}'::jsonb END
      FROM generate_series(1, ${n}) AS i,
           LATERAL (SELECT CASE
             WHEN (i * 17) % 100 < 80 THEN 'CLOSED'
             WHEN (i * 17) % 100 < 85 THEN 'INTAKE'
             WHEN (i * 17) % 100 < 89 THEN 'QUEUED'
             WHEN (i * 17) % 100 < 94 THEN 'ACTIVE'
             WHEN (i * 17) % 100 < 97 THEN 'WAITING_USER'
             WHEN (i * 17) % 100 < 98 THEN 'INFO_GIVEN'
             ELSE 'HANDED_OVER' END AS status) AS s`);
    options.onProgress?.('handovers');
    await client.query(`
      INSERT INTO "Handover" ("id", "caseId", "centerCode", "createdById", "basis", "summary", "createdAt", "acknowledgedAt")
      SELECT gen_random_uuid(), c."id", 'nakagyo', c."assigneeId", 'consent', '{}'::jsonb, c."claimedAt",
             CASE WHEN c."waitingSince" IS NULL AND random() < 0.5 THEN c."claimedAt" + interval '1 day' END
      FROM "Case" c WHERE c."status" = 'HANDED_OVER'`);
    options.onProgress?.(`${options.messages.toLocaleString()} messages`);
    const chunk = 250_000;
    for (let from = 1; from <= options.messages; from += chunk) {
      const to = Math.min(options.messages, from + chunk - 1);
      await client.query(`
        INSERT INTO "Message" ("id", "conversationId", "direction", "author", "kind", "text", "createdAt")
        SELECT gen_random_uuid(), md5('conv' || (1 + i % ${n}))::uuid,
               (CASE WHEN i % 2 = 0 THEN 'INBOUND' ELSE 'OUTBOUND' END)::"Direction",
               (CASE WHEN i % 2 = 0 THEN 'USER' WHEN i % 5 = 1 THEN 'STAFF' ELSE 'BOT' END)::"Author",
               'text',
               CASE WHEN i % 2 = 0 THEN '家族のことで相談したいです。息子が部屋から出てこなくなって三年になります。' ELSE 'お話しくださってありがとうございます。いくつか質問してもいいですか。' END,
               now() - (i % 2592000) * interval '1 second'
        FROM generate_series(${from}, ${to}) AS i`);
      options.onProgress?.(`messages ${to.toLocaleString()}/${options.messages.toLocaleString()}`);
    }
    options.onProgress?.('analyze');
    await client.query('ANALYZE "Contact", "Conversation", "Case", "Handover", "Message"');
    const open = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Case" WHERE "status" IN ('QUEUED','ACTIVE','WAITING_USER','INFO_GIVEN','HANDED_OVER')`);
    return { cases: n, openCases: Number(open.rows[0]!.n), messages: options.messages, ms: Date.now() - started };
  } finally {
    await client.end();
  }
}

/**
 * `count` FOLLOW_UP reminders on open seeded cases, due evenly from `firstDue` over `spreadMs`.
 * Returns their ids and due times.
 */
export async function seedReminders(databaseUrl: string, options: { count: number; firstDue: Date; spreadMs: number }): Promise<{ id: string; dueAt: Date }[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SET TIME ZONE 'UTC'");
    const result = await client.query<{ id: string; due_ms: string }>(
      `INSERT INTO "Reminder" ("id", "kind", "caseId", "dueAt", "urgency", "createdAt")
       SELECT gen_random_uuid(), 'FOLLOW_UP', c."id", ($1::timestamptz AT TIME ZONE 'UTC') + (c.n - 1) * ($2::float8 / $3::float8) * interval '1 millisecond', c."urgency", now()
       FROM (SELECT "id", "urgency", row_number() OVER (ORDER BY "id") AS n FROM "Case" WHERE "status" IN ('QUEUED','ACTIVE','WAITING_USER') ORDER BY "id" LIMIT $4::int) c
       RETURNING "id", (extract(epoch FROM "dueAt") * 1000)::bigint AS due_ms`,
      [options.firstDue.toISOString(), options.spreadMs, options.count, options.count],
    );
    return result.rows.map((r) => ({ id: r.id, dueAt: new Date(Number(r.due_ms)) }));
  } finally {
    await client.end();
  }
}
