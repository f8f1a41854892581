import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_DATA_ENCRYPTION_KEYS, DEV_LOOKUP_HASH_KEY, loadConfig } from '../../../src/config.js';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64url');
const LOOKUP = Buffer.alloc(48, 3).toString('base64');

function problemsOf(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.line.apiBaseUrl).toBe('https://api.line.me');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.workerInProcess).toBe(true);
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      LOG_LEVEL: 'warn',
      DATABASE_URL: 'postgresql://u:p@db:5432/yorisoi',
      REDIS_URL: 'rediss://cache:6380',
      LINE_CHANNEL_SECRET: 'secret',
      LINE_CHANNEL_ACCESS_TOKEN: 'token',
      LINE_API_BASE_URL: 'http://127.0.0.1:9999',
      PUBLIC_BASE_URL: 'https://yorisoi.example.jp/',
      SESSION_SECRET: 'x'.repeat(40),
      DATA_ENCRYPTION_KEYS: `k2:${KEY_A}, k1:${KEY_B}`,
      LOOKUP_HASH_KEY: LOOKUP,
      RETENTION_DAYS: '1826',
    });
    expect(config.dataEncryption).toEqual({
      keys: [
        { id: 'k2', key: Buffer.alloc(32, 1) },
        { id: 'k1', key: Buffer.alloc(32, 2) },
      ],
      lookupKey: Buffer.alloc(48, 3),
      development: false,
    });
    expect(config.retentionDays).toBe(1826);
    expect(config).toMatchObject({
      isProduction: true,
      port: 8080,
      logLevel: 'warn',
      databaseUrl: 'postgresql://u:p@db:5432/yorisoi',
      redisUrl: 'rediss://cache:6380',
      line: { channelSecret: 'secret', channelAccessToken: 'token', apiBaseUrl: 'http://127.0.0.1:9999' },
      publicBaseUrl: 'https://yorisoi.example.jp',
      workerInProcess: false,
    });
  });

  it('names every bad variable and what it expects, in one message', () => {
    const problems = problemsOf({ PORT: 'eighty', REDIS_URL: 'http://cache', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'REDIS_URL']);
    expect(problems.find((p) => p.variable === 'PORT')?.expected).toBe('a whole number from 0 to 65535');
    expect(problems.find((p) => p.variable === 'REDIS_URL')?.expected).toContain('redis://');
    try {
      loadConfig({ PORT: '70000' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT: a whole number from 0 to 65535/);
      expect((error as Error).message).toMatch(/README/);
    }
  });

  it('requires secrets and a database in production, reported together with parse errors', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: '-1' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'DATA_ENCRYPTION_KEYS', 'LOOKUP_HASH_KEY', 'PORT', 'PUBLIC_BASE_URL', 'SESSION_SECRET']);
  });

  it('uses fixed, public development keys outside production, and refuses them in production', () => {
    const dev = loadConfig({});
    expect(dev.dataEncryption.development).toBe(true);
    expect(dev.dataEncryption.keys.map((k) => k.id)).toEqual(['dev']);
    expect(dev.retentionDays).toBe(1095);
    const problems = problemsOf({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://db/y',
      PUBLIC_BASE_URL: 'https://y.example.jp',
      SESSION_SECRET: 'x'.repeat(40),
      DATA_ENCRYPTION_KEYS: `k9:${KEY_A},${DEV_DATA_ENCRYPTION_KEYS}`,
      LOOKUP_HASH_KEY: DEV_LOOKUP_HASH_KEY,
    });
    expect(problems).toEqual([
      { variable: 'DATA_ENCRYPTION_KEYS', expected: 'a real key: the development key is public' },
      { variable: 'LOOKUP_HASH_KEY', expected: 'a real key: the development key is public' },
    ]);
  });

  it('explains a malformed keyring, a short look-up key and a too-short retention', () => {
    const problems = problemsOf({ DATA_ENCRYPTION_KEYS: 'k2:c2hvcnQ=', LOOKUP_HASH_KEY: 'c2hvcnQ=', RETENTION_DAYS: '7' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['DATA_ENCRYPTION_KEYS', 'LOOKUP_HASH_KEY', 'RETENTION_DAYS']);
    expect(problems.find((p) => p.variable === 'DATA_ENCRYPTION_KEYS')?.expected).toMatch(/<id>:<base64 of 32 random bytes>/);
    expect(problems.find((p) => p.variable === 'LOOKUP_HASH_KEY')?.expected).toMatch(/at least 32 random bytes/);
    expect(problems.find((p) => p.variable === 'RETENTION_DAYS')?.expected).toBe('a whole number of days, at least 30');
    expect(problemsOf({ DATA_ENCRYPTION_KEYS: `k1:${KEY_A},k1:${KEY_A}` })[0]?.expected).toMatch(/appears twice/);
  });

  it('rejects a short session secret and a LINE secret without its token in production', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://db/y',
      PUBLIC_BASE_URL: 'https://y.example.jp',
      SESSION_SECRET: 'short',
      LINE_CHANNEL_SECRET: 'abc',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { variable: 'SESSION_SECRET', expected: 'at least 32 characters' },
        { variable: 'LINE_CHANNEL_ACCESS_TOKEN', expected: 'required when LINE_CHANNEL_SECRET is set' },
      ]),
    );
  });

  it('treats empty optional values as unset', () => {
    const config = loadConfig({ LINE_CHANNEL_SECRET: '  ', LINE_CHANNEL_ACCESS_TOKEN: '' });
    expect(config.line.channelSecret).toBeUndefined();
    expect(config.line.channelAccessToken).toBeUndefined();
  });
});
