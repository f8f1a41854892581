import { fileURLToPath } from 'node:url';
import type { Logger } from '../platform/logger.js';

const configFile = fileURLToPath(new URL('../../console/vite.config.ts', import.meta.url));

/**
 * `yorisoi dev` rebuilds the staff console (console/, Vite) whenever one of its files changes;
 * reload the page to see the change. Vite is a development dependency, so it is loaded only here.
 */
export async function watchConsole(logger: Logger): Promise<() => Promise<void>> {
  const { build } = await import('vite');
  const watcher = await build({ configFile, logLevel: 'warn', build: { watch: {} } });
  if (!('close' in watcher)) return async () => {};
  watcher.on('event', (event) => {
    if (event.code === 'BUNDLE_END') logger.info({ ms: event.duration }, 'staff console rebuilt');
    if (event.code === 'ERROR') logger.error({ err: event.error }, 'staff console build failed');
    if ('result' in event && event.result) void event.result.close();
  });
  return () => watcher.close();
}
