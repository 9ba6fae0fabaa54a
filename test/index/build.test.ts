import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { weakSum } from '../../src/checksum/rolling.js';
import { loadStrongHash } from '../../src/checksum/registry.js';
import { ArgumentError, DeltasyncError } from '../../src/errors/errors.js';
import { MAX_BLOCK_SIZE, MIN_BLOCK_SIZE } from '../../src/index/block-index.js';
import { buildIndex } from '../../src/index/build.js';
import { countingPool } from '../helpers/fixture.js';
import { assertSameIndex, hex } from '../helpers/index-compare.js';
import { makeReference, seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
let small: string;
const smallData = makeReference(31, 100_003, 4096, 'repeats');

before(async () => {
  t = await tempDir();
  small = await t.write('small', smallData);
});
after(() => t.done());

test('every block holds the weak sum and strong digest of its bytes; the last one is short', async () => {
  for (const strongHash of ['md5', 'sha256', 'blake3']) {
    const index = await buildIndex(small, { blockSize: 4096, strongHash, strongLength: 10, threads: 1 });
    const h = await loadStrongHash(strongHash);
    assert.equal(index.fileSize, smallData.length);
    assert.equal(index.blockCount, 25);
    for (let k = 0; k < index.blockCount; k++) {
      const block = smallData.subarray(k * 4096, (k + 1) * 4096);
      if (k === 24) assert.equal(block.length, 100_003 - 24 * 4096);
      assert.equal(index.weak[k] >>> 0, weakSum(block), `${strongHash} weak ${k}`);
      assert.equal(hex(index.strong.subarray(k * 10, (k + 1) * 10)), hex(h.digest(block).subarray(0, 10)), `${strongHash} strong ${k}`);
    }
  }
});

test('the default block size is 8192 with full MD5 digests and no whole-file hash', async () => {
  const index = await buildIndex(small);
  assert.equal(index.blockSize, 8192);
  assert.equal(index.strongHash, 'md5');
  assert.equal(index.strongLength, 16);
  assert.equal(index.fileHash, undefined);
  assert.equal(index.blockCount, Math.ceil(100_003 / 8192));
});

test('the fileHash option stores the sha256 of the whole file', async () => {
  const index = await buildIndex(small, { blockSize: 1024, fileHash: 'sha256', threads: 1 });
  assert.equal(index.fileHash?.algorithm, 'sha256');
  assert.equal(hex(index.fileHash!.digest), createHash('sha256').update(smallData).digest('hex'));
});

test('an empty file has no blocks', async () => {
  const empty = await t.write('empty', new Uint8Array(0));
  const index = await buildIndex(empty, { fileHash: 'sha256' });
  assert.equal(index.fileSize, 0);
  assert.equal(index.blockCount, 0);
  assert.equal(index.weak.length, 0);
  assert.equal(index.strong.length, 0);
  assert.equal(hex(index.fileHash!.digest), createHash('sha256').digest('hex'));
});

test('a file of exactly one block, and one a byte shorter or longer', async () => {
  for (const size of [1023, 1024, 1025]) {
    const p = await t.write(`f${size}`, seededBytes(size, size));
    const index = await buildIndex(p, { blockSize: 1024 });
    assert.equal(index.blockCount, size > 1024 ? 2 : 1, `size ${size}`);
  }
});

test('block sizes out of range are rejected with an ArgumentError', async () => {
  for (const blockSize of [0, 1, MIN_BLOCK_SIZE - 1, 2 ** 25, MAX_BLOCK_SIZE + 1, 1000.5, Number.NaN, -4096]) {
    await assert.rejects(buildIndex(small, { blockSize }), (err: unknown) => {
      assert.ok(err instanceof ArgumentError, `block size ${blockSize}: ${String(err)}`);
      assert.match(err.message, /block size .* is out of range \(\d+ B to 16 MiB\)/);
      return true;
    });
  }
  // The limits themselves are fine.
  assert.equal((await buildIndex(small, { blockSize: MIN_BLOCK_SIZE })).blockCount, Math.ceil(100_003 / MIN_BLOCK_SIZE));
  assert.equal((await buildIndex(small, { blockSize: MAX_BLOCK_SIZE })).blockCount, 1);
});

test('a strong length out of range, an unknown hash, and a bad thread count are rejected', async () => {
  await assert.rejects(buildIndex(small, { strongLength: 0 }), ArgumentError);
  await assert.rejects(buildIndex(small, { strongLength: 17 }), /strong length 17 is out of range for md5/);
  await assert.rejects(buildIndex(small, { strongHash: 'crc32' }), /unknown hash 'crc32'/);
  await assert.rejects(buildIndex(small, { fileHash: 'crc32' }), ArgumentError);
  await assert.rejects(buildIndex(small, { threads: 0 }), ArgumentError);
});

test('a missing file or a folder is reported naming the path', async () => {
  await assert.rejects(buildIndex(t.path('missing')), (err: unknown) => {
    assert.ok(err instanceof DeltasyncError);
    assert.equal(err.code, 'ENOENT');
    assert.ok(err.message.includes(t.path('missing')), err.message);
    return true;
  });
  await mkdir(t.path('folder'));
  await assert.rejects(buildIndex(t.path('folder')), (err: unknown) => {
    assert.ok(err instanceof DeltasyncError);
    assert.ok(err.message.includes(t.path('folder')), err.message);
    assert.match(err.message, /is a directory/);
    return true;
  });
});

test('threads 1 and threads 2 build identical indexes of a ~20 MiB file (parallel path)', async () => {
  // >= 16 MiB at the default 4 MiB read chunk: buildIndex hashes on worker threads; a size that is
  // not a multiple of the chunk or of the block size ends in a short chunk and a short block.
  const size = 20 * 1024 * 1024 + 12_345;
  const data = makeReference(77, size, 8192, 'repeats');
  const big = await t.write('big', data);
  // The threads-2 builds run on a pool that records its jobs, to show that workers summed blocks.
  const counted = countingPool(2);
  const one = await buildIndex(big, { threads: 1, fileHash: 'sha256', pool: counted.pool });
  const a = await buildIndex(big, { threads: 1, blockSize: 3000, strongHash: 'blake3', strongLength: 8, pool: counted.pool });
  assert.deepEqual(counted.kinds, [], 'threads 1 uses no worker');
  let two, b;
  try {
    two = await buildIndex(big, { threads: 2, fileHash: 'sha256', pool: counted.pool });
    // With a whole-file hash, this thread hashes the file and two workers sum the blocks.
    assert.equal(counted.kinds.length, 2, `jobs given to workers: ${counted.kinds}`);
    // Another block size and hash on the parallel path, with a chunk that is not 4 MiB exactly.
    b = await buildIndex(big, { threads: 2, blockSize: 3000, strongHash: 'blake3', strongLength: 8, pool: counted.pool });
    // Without one, this thread sums a range and one worker the other.
    assert.equal(counted.kinds.length, 3, `jobs given to workers: ${counted.kinds}`);
  } finally {
    await counted.pool.close();
  }
  assert.equal(one.blockCount, Math.ceil(size / 8192));
  assertSameIndex(two, one, 'threads 2');
  assert.equal(hex(two.fileHash!.digest), createHash('sha256').update(data).digest('hex'));
  assertSameIndex(b, a, 'blake3 at 3000');
  // Spot-check a few blocks against their bytes.
  const md5 = await loadStrongHash('md5');
  for (const k of [0, 1000, 2047, one.blockCount - 1]) {
    const block = data.subarray(k * 8192, Math.min(size, (k + 1) * 8192));
    assert.equal(hex(one.strong.subarray(k * 16, k * 16 + 16)), hex(md5.digest(block)), `block ${k}`);
  }
});
