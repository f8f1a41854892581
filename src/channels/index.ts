import type { ChannelPlugin } from '../pipeline/wiring.js';
import type { Runtime } from '../runtime.js';
import { createLineChannel } from './line/index.js';
import { createWebChannel } from './web/index.js';

import type { HttpHooks } from './http-hooks.js';

export type { HttpHooks } from './http-hooks.js';

/**
 * Every channel this deployment serves, with its routes when this process serves HTTP (`http`)
 * or only its adapter and sender in a worker. LINE joins when its credentials are configured.
 */
export function buildChannels(runtime: Runtime, http: HttpHooks | null): ChannelPlugin[] {
  return [createWebChannel(runtime, http), createLineChannel(runtime, http)];
}
