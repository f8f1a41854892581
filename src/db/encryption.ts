import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { DataCrypto } from './data-crypto.js';

// A Prisma client extension that encrypts what people wrote on every write and decrypts it on
// every read, so services keep working with plain values. What it cannot see: raw SQL
// ($queryRaw/$executeRaw) — those sites encrypt and decrypt explicitly (pipeline/inbox.ts,
// pipeline/sweeper.ts, cli/commands/keys.ts) — and filters on an encrypted column, which could
// never match a random-IV ciphertext: they throw, so a look-up goes through a hash column instead.

export type ColumnKind = 'string' | 'json';

/** Every encrypted column. Table and column names are the model and field names (no @@map). */
export const ENCRYPTED_COLUMNS = {
  Contact: { channelUserId: 'string' },
  Conversation: { state: 'json' },
  Message: { text: 'string', payload: 'json' },
  InboundEvent: { payload: 'json' },
  OutboundDelivery: { recipient: 'string', payload: 'json' },
  Case: { summary: 'json', assessment: 'json' },
  IntakeAnswer: { freeText: 'string' },
  Note: { text: 'string' },
  Handover: { summary: 'json', overrideReason: 'string', acknowledgedNote: 'string' },
  DeskContact: { summary: 'string' },
  AuditText: { text: 'string' },
} as const satisfies Record<string, Record<string, ColumnKind>>;

/** Plain columns derived from an encrypted one on every write. */
const HASH_COLUMNS: Record<string, Record<string, string>> = {
  Contact: { channelUserId: 'channelUserIdHash' },
  OutboundDelivery: { recipient: 'recipientHash' },
};

export class EncryptedFilterError extends Error {
  constructor(model: string, field: string) {
    const hint = HASH_COLUMNS[model]?.[field] ? ` (use ${HASH_COLUMNS[model][field]} with dataCryptoOf(db).lookupHash())` : ' (read the rows and compare after decryption)';
    super(`${model}.${field} is encrypted at rest: a query cannot filter on it${hint}`);
    this.name = 'EncryptedFilterError';
  }
}

type Fields = Map<string, { kind: string; type: string }>;
type DataModel = Map<string, Fields>;

const encryptedKind = (model: string, field: string): ColumnKind | undefined =>
  (ENCRYPTED_COLUMNS as Record<string, Record<string, ColumnKind>>)[model]?.[field];

const isNullType = (value: unknown) => value === Prisma.DbNull || value === Prisma.JsonNull || value === Prisma.AnyNull;
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

function readDataModel(client: PrismaClient): DataModel {
  const runtime = (client as unknown as { _runtimeDataModel?: { models: Record<string, { fields: { name: string; kind: string; type: string }[] }> } })._runtimeDataModel;
  if (!runtime) throw new Error('the Prisma client exposes no data model; the encryption extension cannot map relations');
  return new Map(Object.entries(runtime.models).map(([name, model]) => [name, new Map(model.fields.map((f) => [f.name, { kind: f.kind, type: f.type }]))]));
}

class Codec {
  constructor(
    readonly crypto: DataCrypto,
    private readonly models: DataModel,
  ) {}

  private encryptValue(kind: ColumnKind, value: unknown): unknown {
    if (value === undefined || value === null || isNullType(value)) return value;
    if (isPlainObject(value) && Object.keys(value).length === 1 && 'set' in value) return { set: this.encryptValue(kind, value.set) };
    if (kind === 'json') return this.crypto.encryptJson(value);
    if (typeof value !== 'string') throw new TypeError('an encrypted string column was given a non-string value');
    return this.crypto.encryptString(value);
  }

  private plainOf(value: unknown): unknown {
    return isPlainObject(value) && Object.keys(value).length === 1 && 'set' in value ? value.set : value;
  }

  /** A write's `data` for `model`, with encrypted columns sealed and their derived columns set. */
  encodeData(model: string, data: unknown): unknown {
    if (Array.isArray(data)) return data.map((item) => this.encodeData(model, item));
    if (!isPlainObject(data)) return data;
    const fields = this.models.get(model);
    const out: Record<string, unknown> = { ...data };
    for (const [key, value] of Object.entries(data)) {
      const kind = encryptedKind(model, key);
      if (kind) {
        out[key] = this.encryptValue(kind, value);
        const hashColumn = HASH_COLUMNS[model]?.[key];
        if (hashColumn && !(hashColumn in data) && value !== undefined) {
          const plain = this.plainOf(value);
          out[hashColumn] = typeof plain === 'string' ? this.crypto.lookupHash(plain) : null;
        }
        if (model === 'Conversation' && key === 'state' && !('phase' in data) && value !== undefined) {
          const plain = this.plainOf(value) as { phase?: unknown } | null;
          out.phase = isPlainObject(plain) && typeof plain.phase === 'string' ? plain.phase : null;
        }
        continue;
      }
      const field = fields?.get(key);
      if (field?.kind === 'object' && isPlainObject(value)) out[key] = this.encodeNested(field.type, value);
    }
    return out;
  }

  /** Nested writes through a relation (create, createMany, connectOrCreate, update, updateMany, upsert). */
  private encodeNested(model: string, ops: Record<string, unknown>): Record<string, unknown> {
    const each = (value: unknown, fn: (item: Record<string, unknown>) => unknown) =>
      Array.isArray(value) ? value.map((item) => fn(item as Record<string, unknown>)) : isPlainObject(value) ? fn(value) : value;
    const withData = (item: Record<string, unknown>) =>
      'data' in item && Object.keys(item).every((k) => k === 'data' || k === 'where') ? { ...item, data: this.encodeData(model, item.data) } : this.encodeData(model, item);
    const out: Record<string, unknown> = { ...ops };
    for (const [op, value] of Object.entries(ops)) {
      if (op === 'create') out[op] = this.encodeData(model, value);
      else if (op === 'createMany') out[op] = each(value, (v) => ({ ...v, data: this.encodeData(model, v.data) }));
      else if (op === 'connectOrCreate') out[op] = each(value, (v) => ({ ...v, create: this.encodeData(model, v.create) }));
      else if (op === 'update' || op === 'updateMany') out[op] = each(value, withData);
      else if (op === 'upsert') out[op] = each(value, (v) => ({ ...v, create: this.encodeData(model, v.create), update: this.encodeData(model, v.update) }));
    }
    return out;
  }

  /** Rejects filters on encrypted columns (a null check is fine: NULL is stored as NULL). */
  checkWhere(model: string, where: unknown): void {
    if (Array.isArray(where)) return where.forEach((w) => this.checkWhere(model, w));
    if (!isPlainObject(where)) return;
    const fields = this.models.get(model);
    for (const [key, value] of Object.entries(where)) {
      if (key === 'AND' || key === 'OR' || key === 'NOT') {
        this.checkWhere(model, value);
        continue;
      }
      if (encryptedKind(model, key)) {
        if (!isNullCheck(value)) throw new EncryptedFilterError(model, key);
        continue;
      }
      const field = fields?.get(key);
      if (field?.kind === 'object' && isPlainObject(value)) {
        const keys = Object.keys(value);
        const relationFilters = ['some', 'every', 'none', 'is', 'isNot'];
        if (keys.some((k) => relationFilters.includes(k))) for (const k of keys) this.checkWhere(field.type, value[k]);
        else this.checkWhere(field.type, value);
      }
    }
  }

  /** Decrypts the encrypted columns of a result (records of `model`, with their included relations). */
  decodeResult(model: string, result: unknown): unknown {
    if (Array.isArray(result)) {
      for (const item of result) this.decodeResult(model, item);
      return result;
    }
    if (!isPlainObject(result)) return result;
    const fields = this.models.get(model);
    if (!fields) return result;
    for (const [key, value] of Object.entries(result)) {
      if (value === null || value === undefined) continue;
      if (encryptedKind(model, key)) {
        result[key] = this.crypto.decrypt(value);
        continue;
      }
      const field = fields.get(key);
      if (field?.kind === 'object') this.decodeResult(field.type, value);
    }
    return result;
  }
}

function isNullCheck(value: unknown): boolean {
  if (value === null || isNullType(value)) return true;
  if (!isPlainObject(value)) return false;
  return Object.entries(value).every(([k, v]) => (k === 'equals' || k === 'not') && (v === null || isNullType(v)));
}

/** Operations whose result is records of the queried model. */
const RECORD_RESULTS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'create',
  'createManyAndReturn',
  'update',
  'updateManyAndReturn',
  'upsert',
  'delete',
]);

/**
 * The client with encryption applied. It also carries its DataCrypto (`dataCryptoOf`), inside
 * interactive transactions too, for the raw SQL sites and the look-up hashes.
 */
export function withEncryption(client: PrismaClient, crypto: DataCrypto) {
  const codec = new Codec(crypto, readDataModel(client));
  return client.$extends({
    name: 'encryption-at-rest',
    client: {
      $dataCrypto: () => crypto,
    },
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          const input = { ...(args as Record<string, unknown>) };
          if ('where' in input) codec.checkWhere(model, input.where);
          if ('data' in input) input.data = codec.encodeData(model, input.data);
          if (operation === 'upsert') {
            input.create = codec.encodeData(model, input.create);
            input.update = codec.encodeData(model, input.update);
          }
          const result = await query(input as typeof args);
          return RECORD_RESULTS.has(operation) ? codec.decodeResult(model, result) : result;
        },
      },
    },
  });
}

/** The DataCrypto of a client (or transaction) built by createDb. */
export function dataCryptoOf(db: object): DataCrypto {
  const get = (db as { $dataCrypto?: () => DataCrypto }).$dataCrypto;
  if (typeof get !== 'function') throw new Error('this Prisma client was not built by createDb(): it does not encrypt');
  return get();
}
