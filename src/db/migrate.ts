import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../platform/logger.js';

const prismaWrapper = fileURLToPath(new URL('../../scripts/prisma.mjs', import.meta.url));

export class MigrationError extends Error {
  constructor(readonly output: string) {
    super(`Applying database migrations failed:\n${output.trim()}`);
    this.name = 'MigrationError';
  }
}

/**
 * Applies pending migrations with `prisma migrate deploy`, offline, through the schema engine
 * bridge in scripts/. Start-up calls this: migrations are never applied by hand.
 */
export async function applyMigrations(databaseUrl: string, logger?: Logger): Promise<void> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [prismaWrapper, 'migrate', 'deploy'], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new MigrationError(text))));
  });
  const applied = output.match(/The following migration\(s\) have been applied:[\s\S]*/)?.[0];
  logger?.info({ applied: applied?.match(/└─ \d{14}_/g)?.length ?? 0 }, 'database migrations up to date');
}
