import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { seededBytes } from '../helpers/random.js';
import { plainScan } from '../helpers/scan-result.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

for (const [size, blockSize] of [
  [200_000, 1024],
  [200_001, 1024],
  [100_000, 4096],
  [8192, 8192],
  [777, 2048],
] as const) {
  test(`an identical file holds every block in place (size ${size}, block ${blockSize})`, async () => {
    const p = await t.write(`f-${size}-${blockSize}`, seededBytes(size, size));
    const index = await buildIndex(p, { blockSize });
    const r = await scanFile(p, index, { threads: 1 });
    const n = index.blockCount;
    assert.deepEqual(plainScan(r).blockOffsets, Array.from({ length: n }, (_, k) => k * blockSize));
    assert.equal(r.stats.matchedBlocks, n);
    assert.equal(r.stats.matchedBytes, size);
    assert.equal(r.stats.fetchBytes, 0);
    assert.equal(r.stats.localSize, size);
    assert.ok(r.stats.strongHits >= n - (size % blockSize ? 1 : 0));
    // Each block was found once, in order (the short last block once, at the end).
    assert.deepEqual(plainScan(r).pos, Array.from({ length: n }, (_, k) => k * blockSize));
  });
}

test('an identical file with a deltasync index (blake3, 8-byte digests) holds every block', async () => {
  const p = await t.write('v1', seededBytes(3, 150_000));
  const index = await buildIndex(p, { blockSize: 2048, strongHash: 'blake3', strongLength: 8, fileHash: 'sha256' });
  const r = await scanFile(p, index, { threads: 1 });
  assert.equal(r.stats.matchedBlocks, index.blockCount);
  assert.equal(r.stats.fetchBytes, 0);
});

test('an unrelated file holds no block', async () => {
  const ref = await t.write('ref', seededBytes(1, 100_000));
  const other = await t.write('other', seededBytes(2, 100_000));
  const r = await scanFile(other, await buildIndex(ref, { blockSize: 1024 }), { threads: 1 });
  assert.equal(r.stats.matchedBlocks, 0);
  assert.equal(r.stats.fetchBytes, 100_000);
  assert.ok(r.blockOffsets.every((o) => o === -1));
  assert.equal(r.matches.length, 0);
});

test('an empty local file holds no block; an empty index matches nothing', async () => {
  const ref = await t.write('ref2', seededBytes(4, 10_000));
  const empty = await t.write('empty', new Uint8Array(0));
  const r = await scanFile(empty, await buildIndex(ref, { blockSize: 1024 }), { threads: 1 });
  assert.equal(r.stats.matchedBlocks, 0);
  assert.equal(r.stats.localSize, 0);
  const r2 = await scanFile(ref, await buildIndex(empty), { threads: 1 });
  assert.equal(r2.blockOffsets.length, 0);
  assert.equal(r2.stats.fetchBytes, 0);
});
