// The person's lock is only ever tried, in one module: a session blocked on an advisory lock
// holds a pooled connection while it only waits (test/integration/pipeline/pool-pressure.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SOURCE_LOCK_WAIT_MS, SourceBusy, SourceLockTimeout, underSourceLock } from '../../../src/pipeline/source-lock.js';
import { isTransientError } from '../../../src/platform/errors.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
// Callers take turns per connection pool; any object stands for one here.
const pool = {};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the person’s lock', () => {
  it('is never waited for inside PostgreSQL, and only source-lock.ts takes it', () => {
    const blocking = /\bpg_advisory_(?:xact_)?lock(?:_shared)?\s*\(/;
    const tried = /\bpg_try_advisory_/;
    const found = sourceFiles(SRC).flatMap((path) => {
      const text = readFileSync(path, 'utf8');
      const file = relative(SRC, path);
      return [
        ...(blocking.test(text) ? [`${file}: waits for an advisory lock`] : []),
        ...(tried.test(text) && file !== join('pipeline', 'source-lock.ts') ? [`${file}: takes an advisory lock outside pipeline/source-lock.ts`] : []),
      ];
    });
    expect(found).toEqual([]);
  });

  it('is tried again after a pause while it is busy', async () => {
    let attempts = 0;
    const result = await underSourceLock(pool, 'web:abc', async () => {
      if (++attempts < 4) throw new SourceBusy();
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(4);
  });

  it('passes any other failure through at once', async () => {
    let attempts = 0;
    const failure = new Error('boom');
    await expect(
      underSourceLock(pool, 'web:abc', async () => {
        attempts++;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(attempts).toBe(1);
  });

  it('is tried by one caller of this process at a time, in arrival order, and by another person’s callers meanwhile', async () => {
    const log: string[] = [];
    let inFlight = 0;
    let most = 0;
    const call = (key: string, name: string) =>
      underSourceLock(pool, key, async () => {
        most = Math.max(most, ++inFlight);
        log.push(`${name} start`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`${name} end`);
        inFlight--;
        return name;
      });
    const other = underSourceLock(pool, 'web:other', async () => {
      log.push('other');
      return 'other';
    });
    expect(await Promise.all([call('web:abc', 'a'), call('web:abc', 'b'), call('web:abc', 'c'), other])).toEqual(['a', 'b', 'c', 'other']);
    expect(log.filter((line) => line !== 'other')).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(log.indexOf('other')).toBeLessThan(log.indexOf('a end'));
    expect(most).toBe(1);
  });

  it('leaves callers on another pool (another instance) to compete through PostgreSQL', async () => {
    let inFlight = 0;
    let most = 0;
    const call = (on: object) =>
      underSourceLock(on, 'web:abc', async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
      });
    await Promise.all([call(pool), call({})]);
    expect(most).toBe(2);
  });

  describe('with a caller that never finishes', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('gives up after the wait, and the next caller still waits for the one before', async () => {
      vi.useFakeTimers();
      let finish!: () => void;
      const first = underSourceLock(pool, 'web:slow', () => new Promise<string>((resolve) => (finish = () => resolve('first'))));
      const second = underSourceLock(pool, 'web:slow', async () => 'second');
      const gaveUp = expect(second).rejects.toBeInstanceOf(SourceLockTimeout);
      await vi.advanceTimersByTimeAsync(SOURCE_LOCK_WAIT_MS + 1);
      await gaveUp;
      let thirdRan = false;
      const third = underSourceLock(pool, 'web:slow', async () => {
        thirdRan = true;
        return 'third';
      });
      await vi.advanceTimersByTimeAsync(10);
      expect(thirdRan).toBe(false);
      finish();
      expect(await first).toBe('first');
      expect(await third).toBe('third');
    });
  });

  it('that stayed busy too long is a passing trouble (503, no dead letter)', () => {
    expect(isTransientError(new SourceLockTimeout('web:abc', 20_001))).toBe(true);
  });
});
