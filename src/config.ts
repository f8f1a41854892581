import { z } from 'zod';

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
  for (const name of ['DATABASE_URL', 'SESSION_SECRET', 'PUBLIC_BASE_URL']) {
    if (!source[name]?.trim()) problems.push({ variable: name, expected: 'required in production' });
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
