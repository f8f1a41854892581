import { createCipheriv, createDecipheriv, createHmac, randomFillSync } from 'node:crypto';

// Encryption at rest for what a person wrote (要配慮個人情報 is routine in an intake: the law asks
// for security in proportion to the sensitivity). AES-256-GCM with keys from the environment, a
// keyring so keys can be rotated (`yorisoi keys rotate`), and a keyed hash for look-ups by an
// identifier (a LINE user id) that is itself stored encrypted.
//
// Stored forms (every part base64url):
//   String column  enc:<keyId>:<iv>:<tag>:<ciphertext>
//   Json column    "encj:<keyId>:<iv>:<tag>:<ciphertext>"   (a JSON string; the plain text is JSON)
// The prefix and key id are authenticated (GCM additional data), so neither can be swapped.

export interface DataKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export interface DataEncryptionSettings {
  /** The keyring; the first key encrypts, every key decrypts. */
  keys: DataKey[];
  /** HMAC-SHA256 key of the look-up hashes. Never rotated: the hashes are unique keys. */
  lookupKey: Buffer;
  /** True when the fixed development keys are in use (never in production). */
  development: boolean;
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const STRING_PREFIX = 'enc';
const JSON_PREFIX = 'encj';
const CIPHERTEXT = /^(encj?):([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]*)$/;

/**
 * GCM's IVs: 96 random bits each, never reused under a key. They are cut from a pool filled by
 * one CSPRNG call per 1,024 IVs (one call per encryption showed in the webhook's profile); each
 * slice is handed out once, and the pool is refilled only after every slice was used. A slice
 * never leaves `seal`, which copies it into the cipher and the output synchronously.
 */
const IV_BYTES = 12;
const IV_POOL_BYTES = IV_BYTES * 1024;
const ivPool = Buffer.allocUnsafeSlow(IV_POOL_BYTES);
let ivPoolOffset = IV_POOL_BYTES;

function nextIv(): Buffer {
  if (ivPoolOffset === IV_POOL_BYTES) {
    randomFillSync(ivPool);
    ivPoolOffset = 0;
  }
  const iv = ivPool.subarray(ivPoolOffset, ivPoolOffset + IV_BYTES);
  ivPoolOffset += IV_BYTES;
  return iv;
}

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

export class DataCrypto {
  readonly primaryKeyId: string;
  private readonly keys: Map<string, Buffer>;
  private readonly primary: Buffer;
  /** GCM additional data per prefix for the primary key (`<prefix>:<keyId>`). */
  private readonly primaryAad: Record<string, Buffer>;

  constructor(private readonly settings: DataEncryptionSettings) {
    if (settings.keys.length === 0) throw new Error('DataCrypto needs at least one key');
    this.keys = new Map();
    for (const { id, key } of settings.keys) {
      if (!KEY_ID_PATTERN.test(id)) throw new Error(`invalid data key id ${JSON.stringify(id)}`);
      if (key.length !== 32) throw new Error(`data key ${id} must be 32 bytes`);
      if (this.keys.has(id)) throw new Error(`data key id ${id} appears twice`);
      this.keys.set(id, key);
    }
    this.primaryKeyId = settings.keys[0]!.id;
    this.primary = settings.keys[0]!.key;
    this.primaryAad = {
      [STRING_PREFIX]: Buffer.from(`${STRING_PREFIX}:${this.primaryKeyId}`),
      [JSON_PREFIX]: Buffer.from(`${JSON_PREFIX}:${this.primaryKeyId}`),
    };
  }

  get development(): boolean {
    return this.settings.development;
  }

  /** Encrypts a string column's value under the primary key. */
  encryptString(plaintext: string): string {
    return this.seal(STRING_PREFIX, plaintext);
  }

  /** Encrypts a Json column's value under the primary key: the result is stored as a JSON string. */
  encryptJson(value: unknown): string {
    return this.seal(JSON_PREFIX, JSON.stringify(value));
  }

  /** encryptJson for a value already serialised (`json` must be the JSON text of the value). */
  encryptJsonText(json: string): string {
    return this.seal(JSON_PREFIX, json);
  }

  /** Whether a stored value is one of our ciphertexts (anything else is legacy plain text). */
  static isCiphertext(value: unknown): value is string {
    return typeof value === 'string' && CIPHERTEXT.test(value);
  }

  /** The key id of a ciphertext; null for plain text. */
  static keyIdOf(value: unknown): string | null {
    if (typeof value !== 'string') return null;
    return CIPHERTEXT.exec(value)?.[2] ?? null;
  }

  /**
   * Decrypts a stored value: a string ciphertext gives the string, a Json ciphertext the parsed
   * value. Anything that is not a ciphertext (plain text written before encryption) is returned
   * as it is, so old rows stay readable until `keys rotate` has encrypted them.
   */
  decrypt(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    const match = CIPHERTEXT.exec(value);
    if (!match) return value;
    const [, prefix, keyId, iv, tag, body] = match;
    const key = this.keys.get(keyId!);
    if (!key) throw new DecryptionError(`a stored value is encrypted with key "${keyId}", which is not in DATA_ENCRYPTION_KEYS`);
    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64url'));
      decipher.setAAD(Buffer.from(`${prefix}:${keyId}`));
      decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
      plaintext = Buffer.concat([decipher.update(Buffer.from(body!, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionError(`a stored value under key "${keyId}" failed authentication (wrong key or altered data)`);
    }
    return prefix === JSON_PREFIX ? JSON.parse(plaintext) : plaintext;
  }

  /** Decrypts a string column's value (null stays null). */
  decryptString(value: string): string;
  decryptString(value: string | null): string | null;
  decryptString(value: string | null): string | null {
    if (value === null) return null;
    const plain = this.decrypt(value);
    return typeof plain === 'string' ? plain : JSON.stringify(plain);
  }

  /** The same value under the primary key (plain text is encrypted as `kind`). */
  reencrypt(value: string, kind: 'string' | 'json'): string {
    const match = CIPHERTEXT.exec(value);
    if (!match) return kind === 'json' ? this.encryptJson(value) : this.encryptString(value);
    const plain = this.decrypt(value);
    return match[1] === JSON_PREFIX ? this.encryptJson(plain) : this.encryptString(plain as string);
  }

  /** HMAC-SHA256 (hex) of an identifier: equal inputs give equal hashes, so it can be looked up. */
  lookupHash(value: string): string {
    return createHmac('sha256', this.settings.lookupKey).update(value, 'utf8').digest('hex');
  }

  private seal(prefix: typeof STRING_PREFIX | typeof JSON_PREFIX, plaintext: string): string {
    const iv = nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.primary, iv);
    cipher.setAAD(this.primaryAad[prefix]!);
    const head = cipher.update(plaintext, 'utf8');
    const tail = cipher.final(); // empty for GCM (a stream mode): no concatenation needed
    const body = tail.length === 0 ? head : Buffer.concat([head, tail]);
    return `${prefix}:${this.primaryKeyId}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${body.toString('base64url')}`;
  }
}

/** The prefix every value encrypted under `keyId` starts with, per column kind. */
export function ciphertextPrefix(kind: 'string' | 'json', keyId: string): string {
  return `${kind === 'json' ? JSON_PREFIX : STRING_PREFIX}:${keyId}:`;
}
