import type { RealtimeHub } from '../realtime/hub.js';

/** What a channel's HTTP routes get from the server that mounts them. */
export interface HttpHooks {
  hub: RealtimeHub;
  /** Long-lived connections (SSE) register how to end them on shutdown. */
  onShutdown(hook: () => void | Promise<void>): void;
}
