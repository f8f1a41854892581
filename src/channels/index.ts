import type { ChannelPlugin } from '../pipeline/wiring.js';
import type { RealtimeHub } from '../realtime/hub.js';
import type { Runtime } from '../runtime.js';
import { createLineChannel } from './line/index.js';
import { createWebChannel } from './web/index.js';

export interface HttpHooks {
  hub: RealtimeHub;
  /** Long-lived connections (SSE) register how to end them on shutdown. */
  onShutdown(hook: () => void | Promise<void>): void;
}

/**
 * Every channel this deployment serves, with its routes when this process serves HTTP (`http`)
 * or only its adapter and sender in a worker. LINE joins when its credentials are configured.
 */
export function buildChannels(runtime: Runtime, http: HttpHooks | null): ChannelPlugin[] {
  return [createWebChannel(runtime, http), createLineChannel(runtime, http)];
}
