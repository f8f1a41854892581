import { z } from 'zod';
import { KEY_ID_PATTERN, type DataEncryptionSettings, type DataKey } from './db/data-crypto.js';

// One typed configuration, parsed once at start-up. A bad value stops the process with a
// message that names every offending variable, so a deployer fixes them all in one go.

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const DEV_SESSION_SECRET = 'development-only-session-secret-not-for-production';

// Fixed keys so `npm run dev` and the tests need no set-up. They are public (they are in this
// file): production refuses to start without real ones (productionProblems below).
export const DEV_DATA_ENCRYPTION_KEYS = `dev:${Buffer.from('DEVELOPMENT-ONLY-NOT-A-SECRET-32').toString('base64')}`;
export const DEV_LOOKUP_HASH_KEY = Buffer.from('DEVELOPMENT-ONLY-LOOKUP-HASH-KEY').toString('base64');

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const KEYRING_EXPECTED = 'comma-separated <id>:<base64 of 32 random bytes>, the first encrypts (e.g. k2:…,k1:…; make one with `openssl rand -base64 32`)';

/** DATA_ENCRYPTION_KEYS: `k2:<base64>,k1:<base64>`; the first key is the primary (writes). */
const dataKeyring = z
  .string()
  .trim()
  .min(1, KEYRING_EXPECTED)
  .transform((value, ctx): DataKey[] => {
    const keys: DataKey[] = [];
    for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
      const separator = entry.indexOf(':');
      const id = separator > 0 ? entry.slice(0, separator) : '';
      const material = separator > 0 ? entry.slice(separator + 1) : '';
      const key = BASE64.test(material) ? Buffer.from(material, material.includes('-') || material.includes('_') ? 'base64url' : 'base64') : null;
      if (!KEY_ID_PATTERN.test(id) || !key || key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: `${KEYRING_EXPECTED} — "${id || entry.slice(0, 8)}…" is not` });
        return z.NEVER;
      }
      if (keys.some((k) => k.id === id)) {
        ctx.addIssue({ code: 'custom', message: `key id "${id}" appears twice` });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    if (keys.length === 0) {
      ctx.addIssue({ code: 'custom', message: KEYRING_EXPECTED });
      return z.NEVER;
    }
    return keys;
  });

/** LOOKUP_HASH_KEY: base64 of at least 32 random bytes. */
const lookupHashKey = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const key = BASE64.test(value) ? Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64') : null;
    if (!key || key.length < 32) {
      ctx.addIssue({ code: 'custom', message: 'base64 of at least 32 random bytes (`openssl rand -base64 32`); never change it once data is stored' });
      return z.NEVER;
    }
    return key;
  });

const envSchema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'test', 'production'], { error: 'development, test or production' })
      .default('development'),
    PORT: z.coerce
      .number({ error: 'a whole number from 0 to 65535' })
      .int('a whole number from 0 to 65535')
      .min(0, 'a whole number from 0 to 65535')
      .max(65535, 'a whole number from 0 to 65535')
      .default(3000),
    LOG_LEVEL: z.enum(logLevels, { error: `one of ${logLevels.join(', ')}` }).default('info'),
    DATABASE_URL: url(['postgresql:', 'postgres:']).optional(),
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    /** Prefix of every Redis key (BullMQ queues, pub/sub channels): lets tests and tenants share a server. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - (at most 64)')
      .default('yorisoi'),
    LINE_CHANNEL_SECRET: optionalString,
    LINE_CHANNEL_ACCESS_TOKEN: optionalString,
    LINE_API_BASE_URL: url(['https:', 'http:']).default('https://api.line.me'),
    LINE_DATA_API_BASE_URL: url(['https:', 'http:']).default('https://api-data.line.me'),
    PUBLIC_BASE_URL: url(['https:', 'http:']).optional(),
    SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    /** Sites that may embed the web chat (iframe / embed.js), comma-separated origins. */
    EMBED_ALLOWED_ORIGINS: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
      .pipe(z.array(z.url({ protocol: /^https?$/, error: 'comma-separated https:// origins' }))),
    /** Staff notifications outside the console: a Slack/Teams-compatible incoming webhook. */
    NOTIFY_WEBHOOK_URL: url(['https:', 'http:']).optional(),
    /** …and/or e-mail through SMTP (smtp:// or smtps:// with credentials). */
    SMTP_URL: url(['smtp:', 'smtps:']).optional(),
    NOTIFY_EMAIL_FROM: z.email('an e-mail address').optional(),
    NOTIFY_EMAIL_TO: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((a) => a.trim()).filter(Boolean))
      .pipe(z.array(z.email('comma-separated e-mail addresses'))),
    /** Where dev mode keeps the embedded PostgreSQL and Redis data. */
    DATA_DIR: z.string().default('.data'),
    /** Run the BullMQ workers inside the web process (dev, small installs). */
    WORKER_IN_PROCESS: z
      .enum(['true', 'false', '1', '0'])
      .transform((value) => value === 'true' || value === '1')
      .optional(),
    /** Encryption at rest of what people wrote (AES-256-GCM keyring). Required in production. */
    DATA_ENCRYPTION_KEYS: dataKeyring.optional(),
    /** Keyed hash (HMAC-SHA256) for look-ups by channel user id. Required in production. */
    LOOKUP_HASH_KEY: lookupHashKey.optional(),
    /**
     * Days after closing when a case's free text is removed (retention job, daily 03:30 JST).
     * 1095 (three years) by default: see the README configuration table for why.
     */
    RETENTION_DAYS: z.coerce
      .number({ error: 'a whole number of days, at least 30' })
      .int('a whole number of days, at least 30')
      .min(30, 'a whole number of days, at least 30')
      .default(1095),
    /** The desk hours file (default data/desk.yaml) and the on-call rota (default data/oncall.yaml). */
    DESK_HOURS_FILE: optionalString,
    ONCALL_FILE: optionalString,
    /** Proxies in front of the app (express `trust proxy`): hop count, `true`, or addresses/CIDRs. */
    TRUST_PROXY: z
      .string()
      .default('loopback')
      .transform((value): boolean | number | string => (/^\d+$/.test(value) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value)),
    /** PostgreSQL connections per process (the workers run several jobs at once). */
    DATABASE_POOL_SIZE: z.coerce
      .number({ error: 'a whole number from 2 to 200' })
      .int('a whole number from 2 to 200')
      .min(2, 'a whole number from 2 to 200')
      .max(200, 'a whole number from 2 to 200')
      .default(20),
    SHUTDOWN_TIMEOUT_MS: z.coerce
      .number({ error: 'a positive number of milliseconds' })
      .int('a positive number of milliseconds')
      .positive('a positive number of milliseconds')
      .default(10_000),
  });

export type Config = ReturnType<typeof finalise>;

function finalise(env: z.infer<typeof envSchema>) {
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    line: {
      channelSecret: env.LINE_CHANNEL_SECRET,
      channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN,
      apiBaseUrl: env.LINE_API_BASE_URL,
      dataApiBaseUrl: env.LINE_DATA_API_BASE_URL,
    },
    publicBaseUrl,
    sessionSecret: env.SESSION_SECRET ?? DEV_SESSION_SECRET,
    embedAllowedOrigins: env.EMBED_ALLOWED_ORIGINS.map((origin) => new URL(origin).origin),
    notify: {
      webhookUrl: env.NOTIFY_WEBHOOK_URL,
      smtpUrl: env.SMTP_URL,
      emailFrom: env.NOTIFY_EMAIL_FROM ?? 'yorisoi@localhost',
      emailTo: env.NOTIFY_EMAIL_TO,
    },
    dataDir: env.DATA_DIR,
    workerInProcess: env.WORKER_IN_PROCESS ?? env.NODE_ENV !== 'production',
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    trustProxy: env.TRUST_PROXY,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    dataEncryption: {
      keys: env.DATA_ENCRYPTION_KEYS ?? dataKeyring.parse(DEV_DATA_ENCRYPTION_KEYS),
      lookupKey: env.LOOKUP_HASH_KEY ?? lookupHashKey.parse(DEV_LOOKUP_HASH_KEY),
      development: env.DATA_ENCRYPTION_KEYS === undefined,
    } satisfies DataEncryptionSettings,
    retentionDays: env.RETENTION_DAYS,
    deskHoursFile: env.DESK_HOURS_FILE,
    onCallFile: env.ONCALL_FILE,
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; expected: string }[]) {
    super(
      [
        'Yorisoi cannot start: the configuration is invalid.',
        ...problems.map((p) => `  - ${p.variable}: ${p.expected}`),
        'Set these environment variables (see the configuration table in README.md) and start again.',
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

// Checked on the raw environment so that they are reported together with any parse error.
function productionProblems(source: NodeJS.ProcessEnv) {
  if (source.NODE_ENV !== 'production') return [];
  const problems: { variable: string; expected: string }[] = [];
  for (const name of ['DATABASE_URL', 'SESSION_SECRET', 'PUBLIC_BASE_URL', 'DATA_ENCRYPTION_KEYS', 'LOOKUP_HASH_KEY']) {
    if (!source[name]?.trim()) problems.push({ variable: name, expected: 'required in production' });
  }
  const devKey = DEV_DATA_ENCRYPTION_KEYS.slice(DEV_DATA_ENCRYPTION_KEYS.indexOf(':') + 1);
  if (source.DATA_ENCRYPTION_KEYS?.includes(devKey)) {
    problems.push({ variable: 'DATA_ENCRYPTION_KEYS', expected: 'a real key: the development key is public' });
  }
  if (source.LOOKUP_HASH_KEY?.trim() === DEV_LOOKUP_HASH_KEY) {
    problems.push({ variable: 'LOOKUP_HASH_KEY', expected: 'a real key: the development key is public' });
  }
  if (source.LINE_CHANNEL_SECRET?.trim() && !source.LINE_CHANNEL_ACCESS_TOKEN?.trim()) {
    problems.push({ variable: 'LINE_CHANNEL_ACCESS_TOKEN', expected: 'required when LINE_CHANNEL_SECRET is set' });
  }
  return problems;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        expected: issue.message,
      }));
  for (const problem of productionProblems(source)) {
    if (!problems.some((p) => p.variable === problem.variable)) problems.push(problem);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return finalise(parsed.data);
}

/** The config with a database URL resolved (dev mode fills it in from embedded PostgreSQL). */
export type ResolvedConfig = Config & { databaseUrl: string };
