#!/usr/bin/env node
// `npm run dev` and `npm test` on a fresh clone: install the locked dependencies first if they
// are missing or older than package-lock.json, then run the real command. This keeps the
// README's Quickstart at exactly two commands.
//   node scripts/run.mjs <command> [args…]   e.g. node scripts/run.mjs vitest run
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  process.stderr.write('Installing dependencies (npm ci)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The staff console is built from console/ by Vite; rebuild it when its sources changed.
const { buildConsole } = await import('./build-console.mjs');
await buildConsole({ ifStale: true });

const [command, ...args] = process.argv.slice(2);
const bin = join(root, 'node_modules', '.bin', command);
const child = spawn(existsSync(bin) ? bin : command, args, { cwd: root, stdio: 'inherit' });
// Ctrl+C reaches the child through the terminal's process group; a SIGTERM sent to this
// wrapper alone (a process manager) is passed on. Either way the child decides when to exit.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
