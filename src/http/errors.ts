import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { isTransientError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';

/** A domain or protocol error with the HTTP status and stable code a client may rely on. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new HttpError(404, 'not_found', 'No such resource.'));
};

// body-parser errors carry `type` and `status`; map the ones a client can fix.
const bodyParserErrors: Record<string, [number, string, string]> = {
  'entity.too.large': [413, 'payload_too_large', 'The request body is too large.'],
  'entity.parse.failed': [400, 'malformed_json', 'The request body is not valid JSON.'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'The request encoding is not supported.'],
  'charset.unsupported': [415, 'unsupported_charset', 'The request charset is not supported.'],
  'request.aborted': [400, 'request_aborted', 'The request was aborted.'],
};

/** The 4xx status an error from express or its parsers carries, or null. */
function clientErrorStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500 ? status : null;
}

/** One JSON error shape for every failure; stack traces and SQL never reach a client. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let status = 500;
    let body: ErrorBody = { error: { code: 'internal_error', message: 'Something went wrong on our side.' } };
    if (error instanceof HttpError) {
      status = error.status;
      body = { error: { code: error.code, message: error.message } };
      res.set(error.headers);
    } else if (error instanceof ZodError) {
      status = 400;
      body = {
        error: {
          code: 'invalid_request',
          message: 'The request is not valid.',
          details: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
        },
      };
    } else if (typeof error === 'object' && error && 'type' in error && typeof error.type === 'string' && bodyParserErrors[error.type]) {
      const [s, code, message] = bodyParserErrors[error.type]!;
      status = s;
      body = { error: { code, message } };
    } else if (clientErrorStatus(error) !== null) {
      // Refusals raised by express itself (a path segment that is not valid UTF-8 once decoded,
      // and the like): the client's mistake, said as such.
      status = clientErrorStatus(error)!;
      body = { error: { code: 'bad_request', message: 'The request is not valid.' } };
    } else if (isTransientError(error)) {
      // PostgreSQL or Redis did not answer in time (or broke a deadlock): nothing was done, and
      // the same request can be sent again (every send carries its idempotency key).
      status = 503;
      body = { error: { code: 'temporarily_unavailable', message: 'The service is briefly unavailable. Please try again in a moment.' } };
      res.set('Retry-After', '2');
    }
    if (status >= 500) {
      logger.error({ err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { value: String(error) }, method: req.method, path: req.path }, 'request failed');
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}
