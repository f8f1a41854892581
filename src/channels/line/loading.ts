// LINE's loading animation ("…" in the chat) while the bot prepares an answer. Best effort:
// a failure here must never delay or fail anything else.
import http from 'node:http';
import https from 'node:https';
import type { Logger } from '../../platform/logger.js';
import { withTimeout } from './client.js';

/** Long enough for the bot's answer; it disappears as soon as that answer arrives. */
export const LOADING_SECONDS = 10;
const LOADING_TIMEOUT_MS = 3_000;
/**
 * LINE's rate limit for the loading animation: 100 requests per second per channel (may change).
 * Calls beyond it would only earn 429s, so under a burst the animation is skipped for the rest
 * (per process) instead of adding an HTTP call per event to the webhook's work.
 */
export const LOADING_MAX_PER_SECOND = 100;

/** How long the webhook's follow-up waits for the animation calls, so they reach LINE before the answer. */
export const LOADING_HEAD_START_MS = 250;

/**
 * Starts the animation in these one-to-one chats. Resolves when LINE has answered the calls,
 * after the head start at most, and at once when the rate limit left nothing to call. Never rejects.
 */
export type ShowLoading = (chatIds: string[]) => Promise<void>;

/** The one call of LINE's API the animation needs (the SDK's MessagingApiClient has it too). */
export interface LoadingClient {
  showLoadingAnimation(request: { chatId: string; loadingSeconds: number }): Promise<unknown>;
}

export class LoadingCallError extends Error {
  constructor(readonly status: number) {
    super(`LINE answered ${status} to the loading animation`);
    this.name = 'LoadingCallError';
  }
}

/**
 * The loading call over node:http(s) with kept-alive connections: the same request as the SDK's
 * (`POST /v2/bot/chat/loading/start`, bearer token, JSON body), without fetch. Through the SDK
 * (fetch, undici) each call cost the webhook process about half a millisecond of CPU; at LINE's
 * 100 calls a second under a burst, that was a fifth of the webhook's CPU.
 */
export function createLoadingClient(options: { apiBaseUrl: string; channelAccessToken: string; timeoutMs?: number }): LoadingClient {
  const url = new URL(`${options.apiBaseUrl.replace(/\/+$/, '')}/v2/bot/chat/loading/start`);
  const transport = url.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 16 });
  const authorization = `Bearer ${options.channelAccessToken}`;
  const timeout = options.timeoutMs ?? LOADING_TIMEOUT_MS;
  return {
    showLoadingAnimation(request) {
      const body = JSON.stringify(request);
      return new Promise<void>((resolve, reject) => {
        const call = transport.request(
          url,
          {
            method: 'POST',
            agent,
            timeout,
            headers: { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'yorisoi' },
          },
          (response) => {
            response.resume(); // `{}` on success; nothing to read
            response.once('end', () => {
              const status = response.statusCode ?? 0;
              if (status >= 200 && status < 300) resolve();
              else reject(new LoadingCallError(status));
            });
            response.once('error', reject);
          },
        );
        call.once('timeout', () => call.destroy(new Error(`no answer within ${timeout} ms`)));
        call.once('error', reject);
        call.end(body);
      });
    },
  };
}

export function createLoadingAnimation(
  client: LoadingClient,
  logger: Logger,
  loadingSeconds = LOADING_SECONDS,
  maxPerSecond = LOADING_MAX_PER_SECOND,
  headStartMs = LOADING_HEAD_START_MS,
): ShowLoading {
  // A token bucket: up to `maxPerSecond` calls in any second, refilled continuously.
  let tokens = maxPerSecond;
  let refilledAt = Date.now();
  const take = (wanted: number) => {
    const now = Date.now();
    tokens = Math.min(maxPerSecond, tokens + ((now - refilledAt) / 1000) * maxPerSecond);
    refilledAt = now;
    const granted = Math.min(wanted, Math.floor(tokens));
    tokens -= granted;
    return granted;
  };
  return (requested) => {
    const chatIds = requested.slice(0, take(requested.length));
    if (chatIds.length < requested.length) logger.debug({ skipped: requested.length - chatIds.length }, 'LINE loading animation over its rate limit: skipped');
    // Under a burst most requests end here: no call, and no timer either.
    if (chatIds.length === 0) return Promise.resolve();
    const calls = Promise.allSettled(
      chatIds.map((chatId) => withTimeout('loading', client.showLoadingAnimation({ chatId, loadingSeconds }), LOADING_TIMEOUT_MS)),
    ).then((results) => {
      const failed = results.filter((r) => r.status === 'rejected').length;
      if (failed > 0) logger.debug({ failed }, 'LINE loading animation not shown');
    });
    return new Promise<void>((resolve) => {
      const headStart = setTimeout(resolve, headStartMs);
      headStart.unref();
      void calls.then(() => {
        clearTimeout(headStart);
        resolve();
      });
    });
  };
}
