import { fileURLToPath } from 'node:url';
import express from 'express';
import type { ChannelPlugin } from '../../pipeline/wiring.js';
import type { RealtimeHub } from '../../realtime/hub.js';
import type { Runtime } from '../../runtime.js';
import { webAdapter } from './adapter.js';
import { webChatRoutes } from './routes.js';

export const PUBLIC_DIR = fileURLToPath(new URL('../../../public/', import.meta.url));

/** The web chat: the page at `/`, its JSON API and live stream under `/api/chat`. */
export function createWebChannel(runtime: Runtime, http: { hub: RealtimeHub; onShutdown(hook: () => void): void } | null): ChannelPlugin {
  if (!http) return { adapter: webAdapter };
  return {
    adapter: webAdapter,
    routes: [
      { path: '/api/chat', handler: webChatRoutes(runtime, http.hub, http) },
      {
        path: '/',
        handler: express.Router().use(
          express.static(PUBLIC_DIR, {
            extensions: ['html'],
            setHeaders: (res, path) => {
              // embed.js is loaded by other sites' pages; everything else stays same-origin.
              if (path.endsWith('embed.js')) res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
            },
          }),
        ),
      },
    ],
  };
}
