// `yorisoi keys rotate [--batch-size N]`: re-encrypts every stored value that is not under the
// primary key (the first of DATA_ENCRYPTION_KEYS) — values under an older key, and plain text
// written before encryption existed — and fills the look-up hashes those old rows lack.
//
// Safe to interrupt and to run while the app runs: each batch is one transaction over rows it
// locks, and only rows whose key id differs from the primary are selected, so a second run
// continues where the first stopped and a finished run finds nothing to do.
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import type { ResolvedConfig } from '../../config.js';
import { createDb, DataCrypto, Prisma, type Db } from '../../db/client.js';
import { ciphertextPrefix, DecryptionError } from '../../db/data-crypto.js';
import { ENCRYPTED_COLUMNS, type ColumnKind } from '../../db/encryption.js';

export interface KeysRotateOptions {
  /** Rows per transaction. */
  batchSize: number;
  /** Where the progress bar and the summary go (stderr in the CLI). */
  output: Writable & { isTTY?: boolean };
}

export interface KeysRotateResult {
  primaryKeyId: string;
  /** Values re-encrypted (or encrypted for the first time), by `Table.column`. */
  byColumn: Record<string, number>;
  total: number;
}

interface Target {
  table: string;
  column: string;
  kind: ColumnKind;
  /** A look-up hash computed from the plain value, filled where missing. */
  hashColumn?: string;
}

const TARGETS: Target[] = Object.entries(ENCRYPTED_COLUMNS).flatMap(([table, columns]) =>
  Object.entries(columns).map(([column, kind]) => ({
    table,
    column,
    kind: kind as ColumnKind,
    ...(table === 'Contact' && column === 'channelUserId' ? { hashColumn: 'channelUserIdHash' } : {}),
    ...(table === 'OutboundDelivery' && column === 'recipient' ? { hashColumn: 'recipientHash' } : {}),
  })),
);

const ident = (name: string) => Prisma.raw(`"${name.replaceAll('"', '')}"`);

/** Rows of a target whose value is not under the primary key (or whose hash is missing). */
function needsWork(target: Target, primaryKeyId: string): Prisma.Sql {
  const column = ident(target.column);
  const prefix = ciphertextPrefix(target.kind, primaryKeyId);
  const underPrimary =
    target.kind === 'json'
      ? Prisma.sql`(jsonb_typeof(${column}) = 'null' OR (jsonb_typeof(${column}) = 'string' AND left(${column} #>> '{}', ${prefix.length}) = ${prefix}))`
      : Prisma.sql`left(${column}, ${prefix.length}) = ${prefix}`;
  const missingHash = target.hashColumn ? Prisma.sql` OR ${ident(target.hashColumn)} IS NULL` : Prisma.empty;
  return Prisma.sql`${column} IS NOT NULL AND (NOT ${underPrimary}${missingHash})`;
}

/** A legacy source key held the raw channel id (`line:U…`); now it holds its keyed hash. */
function rekeySource(sourceKey: string, crypto: DataCrypto): string {
  const match = /^(line|web):(.+)$/.exec(sourceKey);
  if (!match || /^[0-9a-f]{64}$/.test(match[2]!)) return sourceKey;
  return `${match[1]}:${crypto.lookupHash(match[2]!)}`;
}

async function rotateBatch(db: Db, crypto: DataCrypto, target: Target, batchSize: number): Promise<number> {
  return db.$transaction(
    async (tx) => {
      const table = ident(target.table);
      const column = ident(target.column);
      const value = target.kind === 'json' ? Prisma.sql`${column} #>> '{}'` : column;
      const isString = target.kind === 'json' ? Prisma.sql`jsonb_typeof(${column}) = 'string'` : Prisma.sql`true`;
      const rows = await tx.$queryRaw<{ id: string; value: string; json: unknown; sourceKey: string | null }[]>`
        SELECT "id", CASE WHEN ${isString} THEN ${value} END AS "value", ${column} AS "json",
               ${target.table === 'InboundEvent' ? Prisma.sql`"sourceKey"` : Prisma.sql`NULL`} AS "sourceKey"
        FROM ${table}
        WHERE ${needsWork(target, crypto.primaryKeyId)}
        ORDER BY "id"
        LIMIT ${batchSize}
        FOR UPDATE`;
      if (rows.length === 0) return 0;
      const updates = rows.map((row) => {
        const legacy = row.value === null || DataCrypto.keyIdOf(row.value) === null;
        let sealed: string;
        let plain: unknown;
        try {
          // A JSON column's legacy plain value is the JSON itself (an object, or a bare string).
          plain = legacy ? (target.kind === 'json' ? row.json : row.value) : crypto.decrypt(row.value);
          sealed = target.kind === 'json' ? crypto.encryptJson(plain) : crypto.encryptString(plain as string);
        } catch (error) {
          if (error instanceof DecryptionError) throw new DecryptionError(`${target.table}.${target.column} (id ${row.id}): ${error.message}`);
          throw error;
        }
        return {
          id: row.id,
          sealed,
          hash: target.hashColumn && typeof plain === 'string' ? crypto.lookupHash(plain) : null,
          sourceKey: legacy && row.sourceKey ? rekeySource(row.sourceKey, crypto) : row.sourceKey,
        };
      });
      const values = Prisma.join(updates.map((u) => Prisma.sql`(${u.id}::uuid, ${u.sealed}::text, ${u.hash}::text, ${u.sourceKey}::text)`));
      const newValue = target.kind === 'json' ? Prisma.sql`to_jsonb(v."sealed")` : Prisma.sql`v."sealed"`;
      const hashSet = target.hashColumn ? Prisma.sql`, ${ident(target.hashColumn)} = COALESCE(v."hash", t.${ident(target.hashColumn)})` : Prisma.empty;
      const sourceSet = target.table === 'InboundEvent' ? Prisma.sql`, "sourceKey" = v."sourceKey"` : Prisma.empty;
      await tx.$executeRaw`
        UPDATE ${table} AS t SET ${column} = ${newValue}${hashSet}${sourceSet}
        FROM (VALUES ${values}) AS v("id", "sealed", "hash", "sourceKey")
        WHERE t."id" = v."id"`;
      return rows.length;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

export async function runKeysRotate(config: ResolvedConfig, options: KeysRotateOptions): Promise<KeysRotateResult> {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > 10_000) {
    throw new RangeError('--batch-size must be a whole number from 1 to 10000');
  }
  const crypto = new DataCrypto(config.dataEncryption);
  const db = createDb(config.databaseUrl, { encryption: crypto, poolSize: 2 });
  const out = options.output;
  try {
    const pending = new Map<Target, number>();
    for (const target of TARGETS) {
      const [row] = await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS "count" FROM ${ident(target.table)} WHERE ${needsWork(target, crypto.primaryKeyId)}`;
      pending.set(target, Number(row?.count ?? 0));
    }
    const total = [...pending.values()].reduce((a, b) => a + b, 0);
    const result: KeysRotateResult = { primaryKeyId: crypto.primaryKeyId, byColumn: {}, total: 0 };
    if (total === 0) {
      out.write(`keys rotate: every value is already under key "${crypto.primaryKeyId}"; nothing to do.\n`);
      return result;
    }
    out.write(`keys rotate: ${total} values to re-encrypt under key "${crypto.primaryKeyId}" (batches of ${options.batchSize}; safe to interrupt and run again)\n`);
    const bar = new cliProgress.SingleBar(
      {
        format: 'keys rotate [{bar}] {percentage}% | {value}/{total} values | {column}',
        stream: out,
        // Logs and CI have no terminal: print a progress line every half second instead.
        noTTYOutput: true,
        notTTYSchedule: 500,
        hideCursor: out.isTTY === true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { column: '' });
    try {
      for (const target of TARGETS) {
        const name = `${target.table}.${target.column}`;
        if (!pending.get(target)) continue;
        for (;;) {
          const done = await rotateBatch(db, crypto, target, options.batchSize);
          if (done === 0) break;
          result.byColumn[name] = (result.byColumn[name] ?? 0) + done;
          result.total += done;
          // Rows written meanwhile by an old process may add to the count: the bar stretches.
          if (result.total > bar.getTotal()) bar.setTotal(result.total);
          bar.update(result.total, { column: name });
        }
      }
    } finally {
      bar.stop();
    }
    await db.auditEvent.create({ data: { actorType: 'system', action: 'keys.rotated', detail: { primaryKeyId: crypto.primaryKeyId, total: result.total, byColumn: result.byColumn } } });
    out.write(`keys rotate: done — ${result.total} values now under key "${crypto.primaryKeyId}". Older keys can be removed from DATA_ENCRYPTION_KEYS once every process runs with this keyring.\n`);
    return result;
  } finally {
    await db.$disconnect();
  }
}
