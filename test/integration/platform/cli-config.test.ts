import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../../bin/yorisoi.js', import.meta.url));

describe('yorisoi start with a bad configuration', () => {
  it('stops with one clear message naming each bad variable', () => {
    const result = spawnSync(process.execPath, [cli, 'start'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: 'abc', REDIS_URL: 'nope' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Yorisoi cannot start: the configuration is invalid.');
    for (const line of [
      'PORT: a whole number from 0 to 65535',
      'REDIS_URL: a URL starting with redis:// or rediss://',
      'DATABASE_URL: required in production',
      'SESSION_SECRET: required in production',
      'PUBLIC_BASE_URL: required in production',
    ]) {
      expect(result.stderr).toContain(line);
    }
    expect(result.stderr).not.toMatch(/at .*\(.*\.ts:\d+/); // no stack trace
  });
});
