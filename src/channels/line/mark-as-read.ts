// LINE chat mode's 既読: with the account's Chat feature on, LINE no longer marks messages read
// by itself; `POST /v2/bot/chat/markAsRead` with a message's markAsReadToken marks that message
// and every earlier one. Called when a counsellor opens the conversation (src/cases/read-receipts.ts).
import type { Config } from '../../config.js';
import { createLineClient, withTimeout } from './client.js';

export type LineReadMarker = (markAsReadToken: string) => Promise<void>;

/** Null when LINE is not configured here. */
export function createLineReadMarker(line: Config['line']): LineReadMarker | null {
  if (!line.channelAccessToken || !line.channelSecret) return null;
  const client = createLineClient({ ...line, channelAccessToken: line.channelAccessToken });
  return async (markAsReadToken) => {
    await withTimeout('markAsRead', client.markMessagesAsReadByToken({ markAsReadToken }));
  };
}
