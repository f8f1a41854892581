#!/usr/bin/env node
// Runs the compiled CLI when built, otherwise the TypeScript sources through tsx (development).
// Every way of running Yorisoi starts here (npm start / worker, the Docker image and compose
// file, the `yorisoi` command, the benchmarks and fault drills), so what is set here is what
// production runs with.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

// Memory. With plenty of RAM, V8 lets the old generation grow to about four times what is live
// before it collects (~60 MB live → peaks near 400 MB per process). A fixed growth of 40 % keeps
// app and worker near 250 MB without a heap cap: a larger working set means more frequent
// garbage collection rather than a crash at a cap. The factor is read at every collection, so it
// can be set here, before the app allocates (node refuses it in NODE_OPTIONS); a
// --heap-growing-percent=<n> on node's command line wins.
const HEAP_GROWING_PERCENT = 40;
if (!process.execArgv.some((flag) => /^--heap[-_]growing[-_]percent\b/.test(flag))) {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'index.js');
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli', 'index.ts')).href);
}
