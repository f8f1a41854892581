// Coalescing concurrent webhook writes: what each caller is promised stays what a lone call gives.
import { describe, expect, it } from 'vitest';
import { coalesce } from '../../../src/pipeline/batching.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesce', () => {
  it('sends concurrent calls as one batch and gives each caller its own results, in order', async () => {
    const batches: number[][] = [];
    const double = coalesce(async (items: number[]) => {
      batches.push(items);
      return items.map((n) => n * 2);
    }, { maxInFlight: 1, maxBatch: 100 });
    const results = await Promise.all([double([1, 2]), double([3]), double([]), double([4, 5, 6])]);
    expect(results).toEqual([[2, 4], [6], [], [8, 10, 12]]);
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  it('keeps at most maxInFlight batches running; calls made meanwhile wait for the next', async () => {
    const release: (() => void)[] = [];
    const batches: number[][] = [];
    let running = 0;
    let most = 0;
    const run = coalesce(async (items: number[]) => {
      batches.push(items);
      most = Math.max(most, ++running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
      return items;
    }, { maxInFlight: 2, maxBatch: 3 });
    const calls = [run([1]), run([2])];
    await tick();
    calls.push(run([3]), run([4]), run([5]), run([6]));
    await tick();
    // Two batches run ([1, 2] and [3, 4, 5], cut at maxBatch); [6] waits for one of them.
    expect(batches).toEqual([[1, 2], [3, 4, 5]]);
    release.shift()!();
    await tick();
    await tick();
    expect(batches).toEqual([[1, 2], [3, 4, 5], [6]]);
    while (release.length) {
      release.shift()!();
      await tick();
    }
    expect(await Promise.all(calls)).toEqual([[1], [2], [3], [4], [5], [6]]);
    expect(most).toBeLessThanOrEqual(2);
  });

  it('retries the callers of a failed batch one by one, so one bad call fails alone', async () => {
    const run = coalesce(async (items: number[]) => {
      if (items.includes(13)) throw new Error('unlucky');
      return items;
    }, { maxInFlight: 1, maxBatch: 100 });
    const results = await Promise.allSettled([run([1]), run([13]), run([2, 3])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseFulfilledResult<number[]>).value).toEqual([2, 3]);
  });
});
