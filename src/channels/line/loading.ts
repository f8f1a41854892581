// LINE's loading animation ("…" in the chat) while the bot prepares an answer. Best effort:
// a failure here must never delay or fail anything else.
import type { messagingApi } from '@line/bot-sdk';
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

export function createLoadingAnimation(
  client: Pick<messagingApi.MessagingApiClient, 'showLoadingAnimation'>,
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
