import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
let file: string;
const size = 40 * 1024 * 1024; // large enough for the parallel paths
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
    await buildIndex(file, { threads, onProgress: r.onProgress });
    assertSane(r.calls);
  });

  test(`scanFile reports progress up to the local size (${threads} thread(s))`, async () => {
    const index = await buildIndex(file, { threads: 1, blockSize: 65536 });
    const r = recorder();
    await scanFile(file, index, { threads, onProgress: r.onProgress });
    assertSane(r.calls);
  });
}

test('a failed build does not report completion', async () => {
  const r = recorder();
  await assert.rejects(buildIndex(t.path('missing'), { onProgress: r.onProgress }));
  assert.deepEqual(r.calls, []);
});
