import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataCrypto, DecryptionError } from '../../../src/db/data-crypto.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const lookupKey = randomBytes(32);
const crypto = (...keys: { id: string; key: Buffer }[]) => new DataCrypto({ keys, lookupKey, development: false });

describe('DataCrypto', () => {
  it('round-trips any string and any JSON value, with a fresh IV every time', () => {
    const c = crypto(k1);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const sealed = c.encryptString(text);
        expect(sealed).toMatch(/^enc:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]*$/);
        if (text.length >= 8) expect(sealed).not.toContain(text);
        expect(c.decrypt(sealed)).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(c.decrypt(c.encryptJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    expect(c.encryptString('同じ言葉')).not.toBe(c.encryptString('同じ言葉'));
  });

  it('never repeats an IV, across refills of the IV pool', () => {
    const c = crypto(k1);
    const ivs = new Set<string>();
    for (let i = 0; i < 5_000; i++) ivs.add(c.encryptString('x').split(':')[2]!);
    for (let i = 0; i < 5_000; i++) ivs.add(c.encryptJsonText('{"x":1}').split(':')[2]!);
    expect(ivs.size).toBe(10_000);
    expect(c.decrypt(c.encryptJsonText('{"a":[1,"あ"]}'))).toEqual({ a: [1, 'あ'] });
  });

  it('writes with the primary key, reads with any key of the ring, and names a missing key', () => {
    const old = crypto(k1).encryptString('古い鍵で書いた');
    const rotated = crypto(k2, k1);
    expect(rotated.decrypt(old)).toBe('古い鍵で書いた');
    expect(DataCrypto.keyIdOf(rotated.reencrypt(old, 'string'))).toBe('k2');
    expect(DataCrypto.keyIdOf(rotated.reencrypt('まだ平文', 'string'))).toBe('k2');
    expect(() => crypto(k2).decrypt(old)).toThrow(/key "k1", which is not in DATA_ENCRYPTION_KEYS/);
  });

  it('detects tampering: altered ciphertext, or a swapped key id or kind', () => {
    const c = crypto(k1, { id: 'k0', key: k1.key });
    const sealed = c.encryptString('改ざん検知');
    const parts = sealed.split(':');
    const flipped = [...parts.slice(0, 4), `${parts[4]!.slice(0, -2)}${parts[4]!.endsWith('AA') ? 'BB' : 'AA'}`].join(':');
    expect(() => c.decrypt(flipped)).toThrow(DecryptionError);
    expect(() => c.decrypt(sealed.replace('enc:k1:', 'enc:k0:'))).toThrow(DecryptionError);
    expect(() => c.decrypt(sealed.replace('enc:', 'encj:'))).toThrow(DecryptionError);
  });

  it('leaves plain text (rows from before encryption) as it is', () => {
    const c = crypto(k1);
    expect(c.decrypt('昔の平文')).toBe('昔の平文');
    expect(c.decrypt({ legacy: true })).toEqual({ legacy: true });
    expect(DataCrypto.keyIdOf('enc:but not really')).toBeNull();
  });

  it('hashes look-up ids with its key: stable, and different under another key', () => {
    const id = 'U0123456789abcdef0123456789abcdef';
    expect(crypto(k1).lookupHash(id)).toBe(crypto(k2).lookupHash(id));
    expect(crypto(k1).lookupHash(id)).toMatch(/^[0-9a-f]{64}$/);
    expect(new DataCrypto({ keys: [k1], lookupKey: randomBytes(32), development: false }).lookupHash(id)).not.toBe(crypto(k1).lookupHash(id));
  });
});
