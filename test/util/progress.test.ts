import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { countingPool } from '../helpers/fixture.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
let file: string;
// buildIndex sums on a lent pool from 16 MiB (PARALLEL_FROM_POOLED in src/index/build.ts); the scan is told
// to split smaller files with `minChunk`.
const size = 16 * 1024 * 1024;
before(async () => {
  t = await tempDir();
  file = await t.write('big', seededBytes(7, size));
});
after(() => t.done());

function recorder() {
  const calls: [number, number][] = [];
  return { calls, onProgress: (done: number, total: number) => void calls.push([done, total]) };
}

function assertSane(calls: [number, number][]) {
  assert.ok(calls.length >= 1);
  assert.deepEqual(calls.at(-1), [size, size], 'ends with everything done');
  for (let i = 1; i < calls.length; i++) assert.ok(calls[i][0] >= calls[i - 1][0], 'never goes back');
  for (const [done, total] of calls) assert.ok(done <= total && total === size);
}

for (const threads of [1, 2]) {
  test(`buildIndex reports progress up to the file size (${threads} thread(s))`, async () => {
    const r = recorder();
    const counted = countingPool(1);
    try {
      await buildIndex(file, { threads, pool: counted.pool, onProgress: r.onProgress });
    } finally {
      await counted.pool.close();
    }
    assertSane(r.calls);
    // With 2 threads (and no whole-file hash) this thread sums one half and a worker the other.
    assert.equal(counted.kinds.length, threads - 1, `jobs run on a worker thread: ${counted.kinds}`);
  });

  test(`scanFile reports progress up to the local size (${threads} thread(s))`, async () => {
    const index = await buildIndex(file, { threads: 1, blockSize: 65536 });
    const r = recorder();
    const { stats } = await scanFile(file, index, { threads, minChunk: 1024 * 1024, workersFromMs: 0, onProgress: r.onProgress });
    assertSane(r.calls);
    assert.equal(stats.threads, threads, 'threads that scanned');
  });
}

test('a failed build does not report completion', async () => {
  const r = recorder();
  await assert.rejects(buildIndex(t.path('missing'), { onProgress: r.onProgress }));
  assert.deepEqual(r.calls, []);
});

test('throttledProgress passes at most one call per interval, always the last at the end, and swallows callback errors', async () => {
  const { throttledProgress } = await import('../../src/util/progress.js');
  const calls: [number, number][] = [];
  const p = throttledProgress((d, t) => calls.push([d, t]), 50);
  for (let i = 1; i <= 1000; i++) p(i, 1000);
  assert.deepEqual(calls, [[1, 1000]], 'a burst of calls gives one report');
  await new Promise((r) => setTimeout(r, 60));
  p(1001, 2000);
  assert.deepEqual(calls.at(-1), [1001, 2000]);
  p.end(2000);
  p.end(2000);
  p(5, 2000);
  assert.deepEqual(calls.at(-1), [2000, 2000]);
  assert.equal(calls.filter(([d]) => d === 2000).length, 1, 'end reports once, nothing after it');
  const failing = throttledProgress(() => {
    throw new Error('display broke');
  });
  failing(1, 2);
  failing.end(2);
});
