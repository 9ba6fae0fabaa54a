import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildIndex } from '../../src/index/build.js';
import type { BlockIndex } from '../../src/index/block-index.js';
import { buildLookup, PAIR_PROBES, pairBit, pairInSet, prefilterMask } from '../../src/index/lookup.js';
import { concat, Rng, seededBytes } from '../helpers/random.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

let t: TempDir;
before(async () => {
  t = await tempDir();
});
after(() => t.done());

test('a file of zeros: every block is in the group of block 0', async () => {
  const p = await t.write('zeros', new Uint8Array(64 * 1024));
  const index = await buildIndex(p, { blockSize: 1024 });
  const lookup = buildLookup(index);
  assert.equal(lookup.blockCount, 64);
  assert.equal(lookup.shortLength, 0);
  assert.deepEqual(Array.from(lookup.groupOf), new Array(64).fill(0));
  assert.equal(lookup.sameWeakNext.every((v) => v === -1), true, 'one distinct block, no chain');
});

test('identical blocks share the first as their representative; distinct ones stand alone', async () => {
  const L = 1024;
  const [A, B, C, D] = [1, 2, 3, 4].map((s) => seededBytes(s, L));
  // Blocks: A B A C B B D A, then a short tail equal to A's start.
  const data = concat(A, B, A, C, B, B, D, A, A.subarray(0, 100));
  const p = await t.write('abac', data);
  const index = await buildIndex(p, { blockSize: L });
  const lookup = buildLookup(index);
  assert.equal(lookup.blockCount, 9);
  assert.equal(lookup.shortLength, 100);
  assert.deepEqual(Array.from(lookup.groupOf), [0, 1, 0, 3, 1, 1, 6, 0, 8]);
});

test('blocks with the same weak sum but different content are told apart', async () => {
  // Bytes [x, y, z] changed to [x+1, y−2, z+1] keep a (+1 −2 +1 = 0) and b (weights w, w−1, w−2:
  // w − 2(w−1) + (w−2) = 0): two different blocks with the same weak sum.
  const L = 512;
  const base = seededBytes(5, L);
  base[10] = 100;
  base[11] = 100;
  base[12] = 100;
  const other = base.slice();
  other[10] = 101;
  other[11] = 98;
  other[12] = 101;
  const p = await t.write('collide', concat(base, other, base));
  const index = await buildIndex(p, { blockSize: L });
  assert.equal(index.weak[0], index.weak[1], 'a weak-sum collision');
  const lookup = buildLookup(index);
  assert.deepEqual(Array.from(lookup.groupOf), [0, 1, 0]);
  assert.equal(lookup.sameWeakNext[0], 1, 'block 1 is chained behind block 0');
});

test('an empty index has empty tables', async () => {
  const p = await t.write('empty', new Uint8Array(0));
  const lookup = buildLookup(await buildIndex(p));
  assert.equal(lookup.blockCount, 0);
  assert.equal(lookup.shortLength, 0);
});

test('a file shorter than one block is a single short block', async () => {
  const p = await t.write('tiny', seededBytes(6, 300));
  const lookup = buildLookup(await buildIndex(p, { blockSize: 1024 }));
  assert.equal(lookup.blockCount, 1);
  assert.equal(lookup.shortLength, 300);
  assert.deepEqual(Array.from(lookup.groupOf), [0]);
});

test('past 65,536 blocks the prefilter keeps at least 32 bits per block, so it still rejects most offsets', () => {
  const n = 1 << 18;
  const weak = new Int32Array(n);
  for (let k = 0; k < n; k++) weak[k] = Math.imul(k + 1, 0x9e3779b1);
  const index = { fileSize: n * 8192, blockSize: 8192, blockCount: n, strongHash: 'md5', strongLength: 16, weak, strong: new Uint8Array(n * 16) };
  const t = buildLookup(index);
  assert.ok(t.bits.length * 32 >= 32 * n, `${t.bits.length} words for ${n} blocks`);
  let set = 0;
  for (const w of t.bits) for (let x = w >>> 0; x; x &= x - 1) set++;
  assert.ok(set / (t.bits.length * 32) < 0.1, `${((100 * set) / (t.bits.length * 32)).toFixed(1)}% of the prefilter set`);
});

/** An index of `n` blocks with random weak sums masked to `mask`, blocks counted two at a time (as zsync's). */
function pairIndex(n: number, mask: number, sumOf: (k: number) => number): BlockIndex {
  const weak = Int32Array.from({ length: n }, (_, k) => sumOf(k) & mask);
  return { fileSize: n * 4096, blockSize: 4096, blockCount: n, strongHash: 'md4', strongLength: 5, weak, strong: new Uint8Array(n * 5), weakMask: mask, matchRun: 2 };
}

test('pairSet: every pair of consecutive sums is in it; pairs that only the Bloom filter lets through are not', () => {
  const rng = new Rng(5);
  const t = buildLookup(pairIndex(65_536, 0xffff0000 | 0, () => rng.int(2 ** 32)));
  const real = new Set<string>();
  for (let k = 0; k + 1 < t.blockCount; k++) {
    real.add(`${t.weak[k]},${t.weak[k + 1]}`);
    assert.ok(pairInSet(t, t.weak[k], t.weak[k + 1], pairBit(t.weak[k], t.weak[k + 1])), `pair ${k}`);
  }
  let bloomOnly = 0;
  for (let i = 0; i < 400_000; i++) {
    const w = t.weak[rng.int(t.blockCount)];
    const next = (rng.int(2 ** 32) & t.weakMask) | 0;
    const h = pairBit(w, next);
    const m = prefilterMask(h);
    if ((t.pairs[h >>> t.pairsShift] & m) !== m || real.has(`${w},${next}`)) continue;
    bloomOnly++;
    assert.equal(pairInSet(t, w, next, h), false, `a false pair (${w}, ${next}) let through`);
  }
  assert.ok(bloomOnly > 20, `the Bloom filter let ${bloomOnly} false pairs through to the exact set`);
});

test('pairSet: sums crafted to pile up on one slot leave the Bloom filter to decide, at bounded cost', () => {
  // Every pair distinct, but many in one slot of the set (512 slots for these 133 blocks): found by
  // search, as an attacker would.
  const target = pairBit(0, 0) >>> 23;
  const sums: number[] = [0];
  for (let x = 1; sums.length < 2 * PAIR_PROBES + 4 && x < 65_536; x++) if (pairBit(0, (x << 16) | 0) >>> 23 === target) sums.push(0, (x << 16) | 0);
  assert.equal(sums.length, 2 * PAIR_PROBES + 5);
  const t = buildLookup(pairIndex(sums.length, 0xffff0000 | 0, (k) => sums[k]));
  assert.equal(t.pairSet.length, 1, 'no exact set');
  assert.ok(pairInSet(t, 12345 << 16, 54321 << 16, pairBit(12345 << 16, 54321 << 16)), 'then it cannot tell, and says possible');
  assert.ok(buildLookup(pairIndex(8, 0xffff0000 | 0, (k) => k << 16)).pairSet.length > 1, 'an ordinary index has one');
});
