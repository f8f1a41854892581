import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/databases.js';
import { startTestApp, TEST_REDIS_URL } from '../../support/app.js';
import { clearRedisPrefix, freePort, waitFor } from '../../support/services.js';

const cli = fileURLToPath(new URL('../../../bin/yorisoi.js', import.meta.url));

describe('graceful shutdown', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('finishes a request that is in flight when shutdown starts, then refuses new ones', async () => {
    const app = await startTestApp({ databaseUrl: database.url, worker: true });
    const { port } = new URL(app.url);
    // A request whose body is still arriving when stop() is called.
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const body = JSON.stringify({ hello: 'world' });
    socket.write(`POST /api/in-flight HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    await new Promise((r) => setTimeout(r, 100));

    const stopped = app.stop();
    await new Promise((r) => setTimeout(r, 100));
    socket.end(body);
    await stopped;
    await waitFor(() => response.includes('\r\n\r\n'), { timeoutMs: 3_000 });
    expect(response).toMatch(/^HTTP\/1\.1 404/);
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
    await clearRedisPrefix(TEST_REDIS_URL, app.config.redisPrefix);
  });

  it('exits 0 on SIGTERM after closing workers and pools (the real CLI)', async () => {
    const port = await freePort();
    const prefix = `tshutdown${Date.now()}`;
    const child = spawn(process.execPath, [cli, 'start'], {
      env: { ...process.env, NODE_ENV: 'test', PORT: String(port), DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c.toString()));
    child.stderr.on('data', (c) => (output += c.toString()));
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200, { timeoutMs: 30_000 });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('shutting down');
      expect(output).toContain('"msg":"stopped"');
    } finally {
      child.kill('SIGKILL');
      await clearRedisPrefix(TEST_REDIS_URL, prefix);
    }
  }, 60_000);
});
