#!/usr/bin/env node
// `prisma` for machines without internet access (LGWAN segments, this build machine).
//
//   node scripts/prisma.mjs <prisma args…>      e.g. generate | migrate dev --name init
//
// Runs the project's pinned Prisma CLI with the native schema engine replaced by the
// WebAssembly bridge in scripts/prisma-schema-engine.mjs, and with the CLI's own network
// calls (update check, telemetry) switched off. Exit code, signals and stdio pass through.
// See scripts/README.md.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const scriptsDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(scriptsDir);
const prismaCli = join(dirname(fileURLToPath(import.meta.resolve('prisma/package.json'))), 'build', 'index.js');

const args = process.argv.slice(2);
const command = args.find((arg) => !arg.startsWith('-'));

// Commands that read the schema but never open a database connection.
const OFFLINE_COMMANDS = new Set(['generate', 'validate', 'format', 'version']);
const isVersion = args.includes('--version') || args.includes('-v');

// A URL that cannot resolve to anything (.invalid is reserved), for configs that read
// DATABASE_URL with env(), which throws when it is unset: `postinstall` runs `generate` on
// machines that have no database configured yet.
const PLACEHOLDER_DATABASE_URL = 'postgresql://placeholder@placeholder.invalid:5432/placeholder';

const env = {
  ...process.env,
  // The CLI otherwise downloads a native engine from binaries.prisma.sh before almost every
  // command, even `generate`; an explicit value (e.g. a real binary) still wins.
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || join(scriptsDir, 'prisma-schema-engine.mjs'),
  // Version check + usage telemetry (checkpoint.prisma.io, proxyhog.prisma-data.net).
  CHECKPOINT_DISABLE: '1',
  // The "update available" banner, which depends on the same check.
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};
if (!env.DATABASE_URL && (OFFLINE_COMMANDS.has(command) || isVersion)) {
  env.DATABASE_URL = PLACEHOLDER_DATABASE_URL;
}

// Prisma looks for prisma.config.ts only in the working directory. When run from elsewhere
// without --config/--schema, use this repository's config so `migrate deploy` and friends act
// on the project, not on a ./prisma folder that happens to be where the user stands.
const CONFIG_NAMES = ['prisma.config.ts', 'prisma.config.mts', 'prisma.config.cts', 'prisma.config.js', 'prisma.config.mjs', 'prisma.config.cjs'];
const hasFlag = (name) => args.some((arg) => arg === name || arg.startsWith(`${name}=`));
const cliArgs = [...args];
if (
  command &&
  ['generate', 'migrate', 'db', 'validate', 'format', 'studio'].includes(command) &&
  !hasFlag('--config') &&
  !hasFlag('--schema') &&
  !CONFIG_NAMES.some((name) => existsSync(join(process.cwd(), name)))
) {
  cliArgs.push('--config', join(repoRoot, 'prisma.config.ts'));
}

const child = spawn(process.execPath, [prismaCli, ...cliArgs], { stdio: 'inherit', env });

// Let Ctrl-C and `kill` reach the CLI (and through it the engine) instead of orphaning it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}

child.on('error', (error) => {
  console.error(`Could not start the Prisma CLI (${prismaCli}): ${error.message}`);
  process.exit(1);
});

child.on('exit', (code, signal) => {
  if (signal) {
    // Die the same way so callers see the signal, not a made-up exit code.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
