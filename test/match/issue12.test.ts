/**
 * #12: blocks found at any alignment, at a bounded cost, whatever the index says; and #9 item 2:
 * the index model's weakMask, matchRun and paddedTail honoured by the scan.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { BlockIndex } from '../../src/index/block-index.js';
import { loadStrongHash } from '../../src/checksum/registry.js';
import { sumBlocks } from '../../src/index/build-sums.js';
import { buildIndex } from '../../src/index/build.js';
import { scanFile } from '../../src/match/scan.js';
import { HASH_LIMIT } from '../../src/match/scan-buffer.js';
import { concat, Rng, seededBytes } from '../helpers/random.js';
import { assertScan, plainScan } from '../helpers/scan-result.js';
import { useTempDirAndPool } from '../helpers/fixture.js';

const fx = useTempDirAndPool();

/** An index of `data` in memory, with the index-model options given. */
async function indexOf(data: Uint8Array, blockSize: number, opts: { paddedTail?: boolean; weakMask?: number; matchRun?: number } = {}): Promise<BlockIndex> {
  const md5 = await loadStrongHash('md5');
  const blockCount = Math.ceil(data.length / blockSize);
  const weak = new Int32Array(blockCount);
  const strong = new Uint8Array(blockCount * 16);
  sumBlocks(data, 0, { blockSize, hash: 'md5', strongLength: 16, paddedTail: opts.paddedTail ?? false, weak, strong }, md5);
  if (opts.weakMask !== undefined) for (let k = 0; k < blockCount; k++) weak[k] &= opts.weakMask;
  return { fileSize: data.length, blockSize, blockCount, strongHash: 'md5', strongLength: 16, weak, strong, ...opts };
}

test('A + 100 zeros + A, one bit flipped: every block but the flipped one is found, on 1 and 3 threads (#12)', async () => {
  const L = 1024;
  const A = seededBytes(1, 256 * L);
  const ref = concat(A, new Uint8Array(100), A);
  const local = ref.slice();
  local[1000] ^= 1;
  const refPath = await fx.t.write('a-zeros-a', ref);
  const localPath = await fx.t.write('a-zeros-a-flip', local);
  const index = await buildIndex(refPath, { blockSize: L, threads: 1 });
  const single = await scanFile(localPath, index, { threads: 1 });
  assertScan(single, ref, L, local);
  assert.equal(single.stats.matchedBlocks, index.blockCount - 1, 'only block 0 (the flipped bit) is missing');
  assert.equal(single.blockOffsets[0], -1);
  const multi = await scanFile(localPath, index, { threads: 3, pool: fx.pool, minChunk: 4096, piece: 5000 });
  assert.equal(multi.stats.threads, 3);
  assert.deepEqual(plainScan(multi), plainScan(single));
});

test('one copy of A against A + 100 zeros + A: both alignments found', async () => {
  const L = 512;
  const A = seededBytes(2, 64 * L);
  const ref = concat(A, new Uint8Array(100), A);
  const refPath = await fx.t.write('ref-aa', ref);
  const localPath = await fx.t.write('local-a', A);
  const r = await scanFile(localPath, await buildIndex(refPath, { blockSize: L, threads: 1 }), { threads: 1 });
  assertScan(r, ref, L, A);
  // Every block that lies wholly within a copy of A is found.
  for (let k = 0; k < 64; k++) assert.equal(r.blockOffsets[k], k * L);
});

/** A reference made of a few random pieces, repeated at random shifts. */
function piecesCase(seed: number, L: number) {
  const rng = new Rng(seed);
  const pieces = Array.from({ length: 2 + rng.int(3) }, (_, i) => seededBytes(seed * 31 + i, L + rng.int(6 * L)));
  const parts: Uint8Array[] = [];
  const count = 2 + rng.int(6);
  for (let i = 0; i < count; i++) {
    parts.push(pieces[rng.int(pieces.length)]);
    if (rng.int(2)) parts.push(rng.int(2) ? new Uint8Array(rng.int(2 * L)) : seededBytes(seed * 97 + i, rng.int(2 * L)));
  }
  const ref = concat(...parts);
  const localParts: Uint8Array[] = [];
  for (let i = 0, m = 1 + rng.int(5); i < m; i++) {
    const p = pieces[rng.int(pieces.length)];
    const from = rng.int(p.length);
    localParts.push(p.subarray(from, from + rng.int(p.length - from + 1)), seededBytes(seed * 13 + i, rng.int(L)));
  }
  if (rng.int(2)) localParts.push(ref.subarray(rng.int(ref.length)));
  return { ref, local: concat(...localParts) };
}

test('property: on references of repeated, shifted pieces every block present is found, as the rule says', async () => {
  let everywhere = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 0x7fffffff }), fc.constantFrom(64, 100, 512, 1024), async (seed, L) => {
      const { ref, local } = piecesCase(seed, L);
      const refPath = await fx.t.write('pieces-ref', ref);
      const localPath = await fx.t.write('pieces-local', local);
      const index = await buildIndex(refPath, { blockSize: L, threads: 1 });
      const r = await scanFile(localPath, index, { threads: 1 });
      const want = assertScan(r, ref, L, local);
      if (want.lookedEverywhere) {
        everywhere++;
        for (let k = 0; k < index.blockCount; k++) assert.equal(r.blockOffsets[k] >= 0, want.present[k].length > 0, `block ${k} present`);
      }
      const multi = await scanFile(localPath, index, { threads: 2, pool: fx.pool, minChunk: 512, piece: 3000 });
      assert.deepEqual(plainScan(multi), plainScan(r));
    }),
    { numRuns: 40 },
  );
  assert.ok(everywhere >= 5, `the second look re-examined every skipped offset in ${everywhere} of 40 runs`);
});

test('cost bound: a block with weak sum 0 and a wrong MD5 against zeros hashes about one window per block (#12)', async () => {
  const L = 8192;
  const size = 4 * 1024 * 1024;
  const local = await fx.t.write('zeros-4m', new Uint8Array(size));
  for (const blocks of [1, 64]) {
    const index: BlockIndex = {
      fileSize: blocks * L,
      blockSize: L,
      blockCount: blocks,
      strongHash: 'md5',
      strongLength: 16,
      weak: new Int32Array(blocks),
      strong: seededBytes(blocks, blocks * 16),
    };
    for (const threads of [1, 3]) {
      const r = await scanFile(local, index, { threads, pool: fx.pool, minChunk: 512 * 1024 });
      assert.equal(r.stats.matchedBlocks, 0);
      // Unbounded, this was one digest per offset (4 Mi); the bound is one per block of
      // offsets per distinct weak sum (here one), with some slack for chunk seams.
      const limit = 2 * (size / L) + 64;
      assert.ok(r.stats.digests <= limit, `${blocks} blocks, ${threads} threads: ${r.stats.digests} digests (limit ${limit})`);
      assert.ok(r.stats.weakHits <= r.stats.comparisons);
    }
  }
});

test('cost bound: many distinct colliding weak sums hash at most HASH_LIMIT windows per block of offsets', async () => {
  // A local file whose every window has a different weak sum, and an index that holds all of
  // them with wrong digests: the strong hash would run at every offset.
  const L = 256;
  const data = seededBytes(5, 256 * 1024);
  const local = await fx.t.write('crafted-local', data);
  const real = await indexOf(data.subarray(0, 64 * L), L);
  const n = 4096;
  const weak = new Int32Array(n);
  const { weakParts } = await import('../../src/checksum/rolling.js');
  for (let k = 0; k < n; k++) weak[k] = weakParts(data, k * 7, k * 7 + L);
  const index: BlockIndex = { ...real, fileSize: n * L, blockCount: n, weak, strong: seededBytes(6, n * 16) };
  const r = await scanFile(local, index, { threads: 1 });
  const limit = (HASH_LIMIT + 1) * (data.length / L) + 16;
  assert.ok(r.stats.digests <= limit, `${r.stats.digests} digests (limit ${limit})`);
  assert.ok(r.stats.digests >= 100, 'the case does hash');
});

test('an abort stops a scan on workers within a fraction of a second', async () => {
  const L = 8192;
  const size = 64 * 1024 * 1024;
  const local = await fx.t.write('zeros-64m', new Uint8Array(size));
  const index: BlockIndex = { fileSize: 1024 * L, blockSize: L, blockCount: 1024, strongHash: 'md5', strongLength: 16, weak: new Int32Array(1024), strong: seededBytes(7, 1024 * 16) };
  const ac = new AbortController();
  const started = performance.now();
  const p = scanFile(local, index, { threads: 3, pool: fx.pool, minChunk: 1024 * 1024, piece: 1024 * 1024, signal: ac.signal });
  setTimeout(() => ac.abort(new Error('stop')), 50);
  await assert.rejects(p, /stop/);
  assert.ok(performance.now() - started < 2000, `stopped after ${performance.now() - started} ms`);
});

test('weakMask: truncated weak sums still find every block', async () => {
  const L = 512;
  const ref = seededBytes(8, 100 * L + 77);
  const local = concat(seededBytes(9, 333), ref.subarray(0, 50 * L), seededBytes(10, 17), ref.subarray(50 * L));
  const localPath = await fx.t.write('mask-local', local);
  for (const weakMask of [-1, 0xffff0000 | 0, 0xffffff00 | 0, 0xffffff | 0]) {
    const r = await scanFile(localPath, await indexOf(ref, L, { weakMask }), { threads: 1 });
    assert.equal(r.stats.matchedBlocks, 101, `mask ${(weakMask >>> 0).toString(16)}`);
    assert.ok(r.stats.weakHits <= r.stats.comparisons);
  }
});

test('matchRun 2: a lone matching block is not taken; a pair is', async () => {
  const L = 512;
  const ref = seededBytes(11, 20 * L);
  const lone = concat(seededBytes(12, 100), ref.subarray(5 * L, 6 * L), seededBytes(13, 100));
  const pair = concat(seededBytes(14, 100), ref.subarray(5 * L, 7 * L), seededBytes(15, 100));
  const index = await indexOf(ref, L, { matchRun: 2 });
  const r1 = await scanFile(await fx.t.write('lone', lone), index, { threads: 1 });
  assert.equal(r1.stats.matchedBlocks, 0);
  const r2 = await scanFile(await fx.t.write('pair', pair), index, { threads: 1 });
  assert.deepEqual([r2.blockOffsets[5], r2.blockOffsets[6], r2.stats.matchedBlocks], [100, 100 + L, 2]);
  const r3 = await scanFile(await fx.t.write('pair1', pair), await indexOf(ref, L), { threads: 1 });
  assert.equal(r3.stats.matchedBlocks, 2);
});

test('paddedTail: the last block is found past the end of the local file (as zeros) and mid-file', async () => {
  const L = 512;
  const ref = seededBytes(16, 10 * L + 200);
  const index = await indexOf(ref, L, { paddedTail: true });
  const tail = ref.subarray(10 * L);
  // At the very end of the local file.
  const atEnd = await scanFile(await fx.t.write('pt-end', concat(seededBytes(17, 1000), tail)), index, { threads: 1 });
  assert.equal(atEnd.blockOffsets[10], 1000);
  // Followed by some zeros, then the end.
  const zerosAfter = await scanFile(await fx.t.write('pt-z', concat(seededBytes(18, 1000), tail, new Uint8Array(50))), index, { threads: 1 });
  assert.equal(zerosAfter.blockOffsets[10], 1000);
  // Mid-file, followed by a full block of zeros.
  const mid = await scanFile(await fx.t.write('pt-mid', concat(seededBytes(19, 999), tail, new Uint8Array(L), seededBytes(20, 3000))), index, { threads: 1 });
  assert.equal(mid.blockOffsets[10], 999);
  // Not followed by zeros: not the padded block.
  const other = await scanFile(await fx.t.write('pt-no', concat(seededBytes(21, 999), tail, seededBytes(22, 3000))), index, { threads: 1 });
  assert.equal(other.blockOffsets[10], -1);
  // The whole reference: every block, the tail right after block 9.
  const same = await scanFile(await fx.t.write('pt-same', ref), index, { threads: 1 });
  assert.deepEqual(Array.from(same.blockOffsets), Array.from({ length: 11 }, (_, k) => k * L));
});
