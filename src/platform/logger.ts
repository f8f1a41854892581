import { pino, type Logger } from 'pino';

export type { Logger };

// Consultation text, tokens and channel user ids must never reach a log line: these paths are
// censored wherever they appear in a logged object. Messages themselves are fixed strings.
export const REDACTED_PATHS = [
  'text',
  '*.text',
  'password',
  '*.password',
  'token',
  '*.token',
  'replyToken',
  '*.replyToken',
  'userId',
  '*.userId',
  'channelUserId',
  '*.channelUserId',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-line-signature"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

export function createLogger(options: { level: string; name?: string; pretty?: boolean }): Logger {
  return pino({
    name: options.name ?? 'yorisoi',
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    ...(options.pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } }
      : {}),
  });
}
