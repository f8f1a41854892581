// LINE's loading animation ("…" in the chat) while the bot prepares an answer. Best effort:
// a failure here must never delay or fail anything else.
import type { messagingApi } from '@line/bot-sdk';
import type { Logger } from '../../platform/logger.js';
import { withTimeout } from './client.js';

/** Long enough for the bot's answer; it disappears as soon as that answer arrives. */
export const LOADING_SECONDS = 10;
const LOADING_TIMEOUT_MS = 3_000;

export type ShowLoading = (chatIds: string[]) => Promise<void>;

export function createLoadingAnimation(
  client: Pick<messagingApi.MessagingApiClient, 'showLoadingAnimation'>,
  logger: Logger,
  loadingSeconds = LOADING_SECONDS,
): ShowLoading {
  return async (chatIds) => {
    const results = await Promise.allSettled(
      chatIds.map((chatId) => withTimeout('loading', client.showLoadingAnimation({ chatId, loadingSeconds }), LOADING_TIMEOUT_MS)),
    );
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed > 0) logger.debug({ failed }, 'LINE loading animation not shown');
  };
}
