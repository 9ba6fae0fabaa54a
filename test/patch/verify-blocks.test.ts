/**
 * verifyBlocks: every block of a buffer is checked, four at a time in SIMD lanes for MD5 and MD4
 * and one at a time otherwise; the first block that differs is named, with its offset, wherever
 * it falls (any lane, past the 1 MiB the lanes hash per copy, in the short tail).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadStrongHash } from '../../src/checksum/registry.js';
import { VerificationError } from '../../src/errors/errors.js';
import { sumBlocks } from '../../src/index/build-sums.js';
import { verifyBlocks, type VerifyLayout } from '../../src/patch/verify.js';
import { seededBytes } from '../helpers/random.js';

async function layoutOf(data: Uint8Array, blockSize: number, hash: string, strongLength: number): Promise<VerifyLayout> {
  const h = await loadStrongHash(hash);
  const n = Math.ceil(data.length / blockSize);
  const weak = new Int32Array(n);
  const strong = new Uint8Array(n * strongLength);
  sumBlocks(data, 0, { blockSize, hash, strongLength, paddedTail: false, weak, strong }, h);
  return { blockSize, strongLength, weak, strong, weakMask: -1, paddedTail: false };
}

test('property: the first changed block is named, whatever the hash, block size and place', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('md5', 'md4', 'sha1'),
      fc.constantFrom(64, 1000, 4096, 65536),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.option(fc.nat(), { nil: undefined }),
      fc.constantFrom(16, 4),
      async (hash, L, blocks, seed, bad, strongLength) => {
        const size = blocks * L - (seed % 3 === 0 ? Math.floor(L / 3) : 0);
        const data = seededBytes(seed, size);
        const layout = await layoutOf(data, L, hash, strongLength);
        const h = await loadStrongHash(hash);
        if (bad === undefined) {
          verifyBlocks(data, 0, layout, h, 'ref');
          return;
        }
        const at = bad % size;
        const copy = Uint8Array.from(data);
        copy[at] ^= 0x5a;
        const k = Math.floor(at / L);
        assert.throws(
          () => verifyBlocks(copy, 0, layout, h, 'ref', 'does not match', 7000),
          (err: Error) => err instanceof VerificationError && err.message === `ref: block ${k} at offset ${7000 + k * L} does not match (${hash} differs)`,
        );
      },
    ),
    { numRuns: 120 },
  );
});

test('blocks from firstBlock on: a buffer starting at block 9 is checked against blocks 9 and on', async () => {
  const L = 2048;
  const data = seededBytes(5, 20 * L);
  const layout = await layoutOf(data, L, 'md5', 16);
  const md5 = await loadStrongHash('md5');
  verifyBlocks(data.subarray(9 * L), 9, layout, md5, 'ref');
  assert.throws(() => verifyBlocks(data.subarray(9 * L), 8, layout, md5, 'ref'), /ref: block 8 at offset 16384/);
});

test('a block whose digest matches but whose weak sum differs is refused (in lanes too)', async () => {
  const L = 1024;
  const data = seededBytes(6, 16 * L);
  const layout = await layoutOf(data, L, 'md5', 16);
  const weak = Int32Array.from(layout.weak);
  weak[6] ^= 1;
  const md5 = await loadStrongHash('md5');
  assert.throws(() => verifyBlocks(data, 0, { ...layout, weak }, md5, 'ref'), /block 6 at offset 6144/);
});
