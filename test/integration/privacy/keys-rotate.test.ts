// `yorisoi keys rotate` as an operator runs it: the real CLI on a seeded database, killed with
// SIGKILL once progress has started, then run again — every value ends under the new key,
// decryptable, unchanged; old plain-text rows are encrypted and get their look-up hashes.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, DataCrypto, type Db } from '../../../src/db/client.js';
import { ciphertextPrefix } from '../../../src/db/data-crypto.js';
import { ENCRYPTED_COLUMNS } from '../../../src/db/encryption.js';
import { createTestDatabase } from '../../support/databases.js';

const cli = fileURLToPath(new URL('../../../bin/yorisoi.js', import.meta.url));

const key = () => randomBytes(32);
const K1 = key();
const K2 = key();
const LOOKUP = key();
const settings = (keys: { id: string; key: Buffer }[]) => ({ keys, lookupKey: LOOKUP, development: false });

const MESSAGES = 3_000;
const CONTACTS = 150;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs `yorisoi keys rotate`; `killWhen` sees the output so far and may ask for SIGKILL. */
function rotate(databaseUrl: string, killWhen?: (output: string) => boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'keys', 'rotate', '--batch-size', '10'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: databaseUrl,
        DATA_ENCRYPTION_KEYS: `k2:${K2.toString('base64')},k1:${K1.toString('base64')}`,
        LOOKUP_HASH_KEY: LOOKUP.toString('base64'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let killed = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!killed && killWhen?.(output)) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

describe('yorisoi keys rotate', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let oldDb: Db;
  let sql: pg.Client;
  const written = new Map<string, string>();
  let legacyContactId = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    oldDb = createDb(database.url, { encryption: settings([{ id: 'k1', key: K1 }]) });
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();

    // Everything written while k1 was the only key.
    const staff = await oldDb.staffUser.create({ data: { email: 'rotate@staff.test', name: '相談員', role: 'COUNSELOR', passwordHash: 'x' } });
    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({ id: randomUUID(), channel: 'LINE' as const, channelUserId: `U${i.toString(16).padStart(32, '0')}` }));
    await oldDb.contact.createMany({ data: contacts });
    const conversations = contacts.map((c) => ({ id: randomUUID(), contactId: c.id, state: { version: 1, phase: 'intake', answers: { age_band: '20s' }, freeText: { worries: ['家のこと'] } } }));
    await oldDb.conversation.createMany({ data: conversations });
    const cases = conversations.map((c) => ({ id: randomUUID(), conversationId: c.id, channel: 'LINE' as const, summary: { answers: { age_band: '20s' }, freeText: { worries: ['家のこと'] } } }));
    await oldDb.case.createMany({ data: cases });
    const messages = Array.from({ length: MESSAGES }, (_, i) => {
      const id = randomUUID();
      const text = `相談メッセージ ${i}：夜になると不安になります`;
      written.set(id, text);
      return { id, conversationId: conversations[i % CONTACTS]!.id, direction: 'INBOUND' as const, author: 'USER' as const, kind: 'text', text, payload: { text } };
    });
    for (let i = 0; i < messages.length; i += 500) await oldDb.message.createMany({ data: messages.slice(i, i + 500) });
    await oldDb.intakeAnswer.createMany({ data: cases.map((c) => ({ caseId: c.id, flowId: 'self', stepId: 'worries', key: 'household_worries', value: 'money', freeText: '家賃が払えない' })) });
    await oldDb.note.createMany({ data: cases.slice(0, 50).map((c) => ({ caseId: c.id, authorId: staff.id, text: '母親と二人暮らし' })) });
    await oldDb.outboundDelivery.createMany({ data: contacts.map((c) => ({ channel: 'LINE' as const, recipient: c.channelUserId, payload: { messages: [{ type: 'text', text: 'こんにちは' }] } })) });

    // A row from before encryption existed: plain text, no hash, a raw id in the source key.
    legacyContactId = randomUUID();
    const legacyUser = `U${'f'.repeat(32)}`;
    await sql.query(`INSERT INTO "Contact" ("id", "channel", "channelUserId") VALUES ($1, 'LINE', $2)`, [legacyContactId, legacyUser]);
    await sql.query(
      `INSERT INTO "InboundEvent" ("id", "channel", "externalId", "sourceKey", "occurredAt", "payload", "processedAt") VALUES (gen_random_uuid(), 'LINE', 'legacy-1', $1, now(), $2::jsonb, now())`,
      [`line:${legacyUser}`, JSON.stringify({ event: { type: 'message', message: { text: '昔のメッセージ' } } })],
    );
  }, 120_000);

  afterAll(async () => {
    await sql?.end();
    await oldDb?.$disconnect();
    await database?.drop();
  });

  /** Counts, over every encrypted column, of values under each key id (`plain` for plain text). */
  async function keyCensus(): Promise<Record<string, number>> {
    const census: Record<string, number> = {};
    for (const [table, columns] of Object.entries(ENCRYPTED_COLUMNS)) {
      for (const [column, kind] of Object.entries(columns)) {
        const value = kind === 'json' ? `CASE WHEN jsonb_typeof("${column}") = 'string' THEN "${column}" #>> '{}' ELSE "${column}"::text END` : `"${column}"`;
        const { rows } = await sql.query(`SELECT ${value} AS v FROM "${table}" WHERE "${column}" IS NOT NULL`);
        for (const { v } of rows as { v: string }[]) {
          const id = DataCrypto.keyIdOf(v) ?? 'plain';
          census[id] = (census[id] ?? 0) + 1;
        }
      }
    }
    return census;
  }

  it('survives a SIGKILL in the middle and finishes on the next run, everything under the new key', async () => {
    const before = await keyCensus();
    expect(before.k1).toBeGreaterThan(MESSAGES);
    expect(before.plain).toBe(2);

    // Killed as soon as the bar shows work done (never a clean stop).
    const interrupted = await rotate(database.url, (output) => /\| (\d+)\/\d+ values/.test(output) && [...output.matchAll(/\| (\d+)\/\d+ values/g)].some((m) => Number(m[1]) > 0));
    expect(interrupted.signal).toBe('SIGKILL');
    expect(interrupted.output).toContain('values to re-encrypt under key "k2"');
    const halfway = await keyCensus();
    expect(halfway.k2).toBeGreaterThan(0);
    expect((halfway.k1 ?? 0) + (halfway.plain ?? 0)).toBeGreaterThan(0);

    const resumed = await rotate(database.url);
    expect(resumed.code).toBe(0);
    expect(resumed.output).toContain('done');
    const after = await keyCensus();
    expect(after).toEqual({ k2: Object.values(before).reduce((a, b) => a + b, 0) });

    // Decryptable with the new key alone, and unchanged.
    const newDb = createDb(database.url, { encryption: settings([{ id: 'k2', key: K2 }]) });
    try {
      const messages = await newDb.message.findMany();
      expect(messages).toHaveLength(MESSAGES);
      for (const m of messages) {
        expect(m.text).toBe(written.get(m.id));
        expect(m.payload).toEqual({ text: written.get(m.id) });
      }
      const answers = await newDb.intakeAnswer.findMany();
      expect(new Set(answers.map((a) => a.freeText))).toEqual(new Set(['家賃が払えない']));
      const conversation = await newDb.conversation.findFirstOrThrow();
      expect(conversation.state).toMatchObject({ phase: 'intake', freeText: { worries: ['家のこと'] } });

      // The legacy row: encrypted, found by its hash, its raw event re-keyed.
      const crypto = new DataCrypto(settings([{ id: 'k2', key: K2 }]));
      const legacy = await newDb.contact.findUniqueOrThrow({ where: { channel_channelUserIdHash: { channel: 'LINE', channelUserIdHash: crypto.lookupHash(`U${'f'.repeat(32)}`) } } });
      expect(legacy.id).toBe(legacyContactId);
      const event = await newDb.inboundEvent.findFirstOrThrow({ where: { externalId: 'legacy-1' } });
      expect(event.sourceKey).toBe(`line:${crypto.lookupHash(`U${'f'.repeat(32)}`)}`);
      expect(event.payload).toEqual({ event: { type: 'message', message: { text: '昔のメッセージ' } } });
      const { rows } = await sql.query(`SELECT "channelUserId" FROM "Contact" WHERE "id" = $1`, [legacyContactId]);
      expect(rows[0].channelUserId.startsWith(ciphertextPrefix('string', 'k2'))).toBe(true);
      expect(await newDb.auditEvent.count({ where: { action: 'keys.rotated' } })).toBe(1);
    } finally {
      await newDb.$disconnect();
    }

    // A third run finds nothing to do.
    const again = await rotate(database.url);
    expect(again.code).toBe(0);
    expect(again.output).toContain('nothing to do');
  }, 180_000);
});
