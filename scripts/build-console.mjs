#!/usr/bin/env node
// Builds the staff console (console/, TypeScript + Preact) with Vite into public/staff/, which
// the server serves under /staff. The output is not committed (.gitignore).
//   node scripts/build-console.mjs             build now
//   node scripts/build-console.mjs --if-stale  build only when a source is newer than the output
// `npm run build`, `npm run dev` and `npm test` (scripts/run.mjs, the vitest global setup) call it.
// The build goes to a fresh folder that replaces public/staff/ only once complete, so a server
// running meanwhile never serves half a build.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(root, 'public', 'staff');
const stamp = join(outDir, '.build-stamp');
/** What the bundle is made of: the console, the label catalogue and contract it imports, the lock file. */
const sources = ['console', 'src/labels', 'src/staff', 'src/cases', 'package-lock.json'].map((p) => join(root, p));

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function consoleIsStale() {
  if (!existsSync(stamp) || !existsSync(join(outDir, 'index.html'))) return true;
  const built = Number(readFileSync(stamp, 'utf8')) || 0;
  return sources.some((source) => newestMtime(source) > built);
}

export async function buildConsole({ ifStale = false, quiet = false } = {}) {
  if (ifStale && !consoleIsStale()) return false;
  const started = Date.now();
  const sourcesAt = Math.max(...sources.map(newestMtime));
  const { build } = await import('vite');
  const staging = join(root, 'public', `.staff-build-${process.pid}-${started}`);
  mkdirSync(staging, { recursive: true });
  // Vite's build sets NODE_ENV=production in this process when it is unset; scripts/run.mjs then
  // started `npm run dev` with it, in production mode ("DATABASE_URL: required in production").
  const nodeEnv = process.env.NODE_ENV;
  try {
    process.env.CONSOLE_OUT_DIR = staging;
    await build({ configFile: join(root, 'console', 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
    writeFileSync(join(staging, '.build-stamp'), String(sourcesAt));
    const old = join(root, 'public', `.staff-old-${process.pid}-${started}`);
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(staging, outDir);
    rmSync(old, { recursive: true, force: true });
  } finally {
    delete process.env.CONSOLE_OUT_DIR;
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    rmSync(staging, { recursive: true, force: true });
  }
  if (!quiet) process.stderr.write(`Built the staff console into public/staff/ (${Date.now() - started} ms).\n`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildConsole({ ifStale: process.argv.includes('--if-stale') });
}
