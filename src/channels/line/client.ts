// The LINE Messaging API clients and the one timeout rule every call goes through.
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { Config } from '../../config.js';

export const LINE_CALL_TIMEOUT_MS = 10_000;

export function createLineClient(line: Config['line'] & { channelAccessToken: string }): messagingApi.MessagingApiClient {
  return new messagingApi.MessagingApiClient({ channelAccessToken: line.channelAccessToken, baseURL: line.apiBaseUrl });
}

/** Uploads (rich menu images) go to the data API host. */
export function createLineBlobClient(line: Config['line'] & { channelAccessToken: string }): messagingApi.MessagingApiBlobClient {
  return new messagingApi.MessagingApiBlobClient({ channelAccessToken: line.channelAccessToken, baseURL: line.dataApiBaseUrl });
}

export class LineTimeoutError extends Error {
  constructor(operation: string, ms: number) {
    super(`LINE ${operation} did not answer within ${ms} ms`);
    this.name = 'LineTimeoutError';
  }
}

/**
 * Bounds a LINE call in time. The SDK (11.2) calls the global fetch without a signal, so the
 * request cannot be aborted from here: we stop waiting for it (undici's own timeouts end it)
 * and the caller retries — safe for pushes, which carry a retry key.
 */
export function withTimeout<T>(operation: string, call: Promise<T>, ms = LINE_CALL_TIMEOUT_MS): Promise<T> {
  call.catch(() => {}); // an abandoned call that fails later must not become an unhandled rejection
  const signal = AbortSignal.timeout(ms);
  return new Promise<T>((resolve, reject) => {
    const onTimeout = () => reject(new LineTimeoutError(operation, ms));
    signal.addEventListener('abort', onTimeout, { once: true });
    call.then(
      (value) => {
        signal.removeEventListener('abort', onTimeout);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onTimeout);
        reject(error);
      },
    );
  });
}

/** LINE's error body message ("Invalid reply token", "You have reached your monthly limit."). */
export function lineErrorMessage(error: HTTPFetchError): string {
  try {
    const body = JSON.parse(error.body) as { message?: unknown };
    if (typeof body.message === 'string') return body.message.slice(0, 200);
  } catch {
    // not JSON: fall through
  }
  return error.body.slice(0, 200);
}

/** A failed call in words for logs and lastError (fetch hides the reason in `cause`). */
export function describeCallError(error: unknown): string {
  if (error instanceof HTTPFetchError) return `LINE answered ${error.status}: ${lineErrorMessage(error)}`;
  if (!(error instanceof Error)) return 'unknown error';
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = cause ? String(cause.code ?? cause.message ?? '') : '';
  return `${error.name}: ${error.message}${detail ? ` (${detail})` : ''}`.slice(0, 300);
}

export { HTTPFetchError };
