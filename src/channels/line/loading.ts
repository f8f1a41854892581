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

export type ShowLoading = (chatIds: string[]) => Promise<void>;

export function createLoadingAnimation(
  client: Pick<messagingApi.MessagingApiClient, 'showLoadingAnimation'>,
  logger: Logger,
  loadingSeconds = LOADING_SECONDS,
  maxPerSecond = LOADING_MAX_PER_SECOND,
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
  return async (requested) => {
    const chatIds = requested.slice(0, take(requested.length));
    if (chatIds.length < requested.length) logger.debug({ skipped: requested.length - chatIds.length }, 'LINE loading animation over its rate limit: skipped');
    if (chatIds.length === 0) return;
    const results = await Promise.allSettled(
      chatIds.map((chatId) => withTimeout('loading', client.showLoadingAnimation({ chatId, loadingSeconds }), LOADING_TIMEOUT_MS)),
    );
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed > 0) logger.debug({ failed }, 'LINE loading animation not shown');
  };
}
